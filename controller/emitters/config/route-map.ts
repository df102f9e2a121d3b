/**
 * The model's routing as map files and a few rules: each frontend (declared
 * port 80, 443, and Gateway listener ports) looks its routes up in one map
 * with `map_beg` (longest key that starts the input) on `<vhost><path>?`.
 * One file per frontend means one versioned commit over the Runtime API: a
 * request sees the old routing or the new one, never half of each. The HTTP
 * and HTTPS frontends share one map while their routes are the same.
 *
 * `?` never occurs in a request path (it starts the query string), so it
 * ends the input and marks keys that must match in full:
 *  - Exact path p:            `<vhost>p?`
 *  - Prefix path p (not /):   `<vhost>p?` (the path itself) and `<vhost>p/`
 *                             (below it, element-wise: `/foo` never takes `/foobar`)
 *  - StringPrefix path s:     `<vhost>s`, as written: any path that starts with s
 *                             (nginx's `location /foo` takes `/foobar`, `/foo/x`;
 *                             `/foo/` takes `/foo/x` but not `/foo`); none when s
 *                             holds `?` (no path does)
 *  - vhost root:              `<vhost>/`: its Prefix or StringPrefix `/` route, else
 *                             its fallback (the Ingress defaultBackend, else the
 *                             default backend)
 * Longest match gives "longest path wins"; a full-path key is always longer
 * than any prefix key that could also match, so full matches come first.
 * That is nginx's order too: an exact location (Exact, and the one
 * ingress-nginx adds for a Prefix path) first, else the longest string prefix,
 * and a Prefix path p is nginx's `location p/` plus `location = p`.
 * For keys claimed twice, the model's order decides: Exact before Prefix
 * before StringPrefix, routes before fallbacks. A Gateway API wildcard `**.suffix` is keyed
 * `~.suffix` and found by the suffix lookups (most labels first).
 *
 * Routes with request conditions (Gateway API matches), and every key of a
 * vhost with RegularExpression routes, make a rule group: the key's value
 * names the group (`@<hash>`), and `http-request` rules after the lookup try
 * its routes in precedence order (Exact, then regular expressions, then
 * Prefix; the most specific first), ending at what the request gets when no
 * condition holds: the first route without conditions, else the group or
 * route of the next shorter key of the vhost (groups run longest key first,
 * so that one runs next). Where each route and the fallback send requests
 * is in a second map (`@<hash>.<n>`, `@<hash>`; exact keys, which no Host
 * header reaches): the rules hold only the conditions. Plain keys keep the one-lookup path; only a change of the
 * conditions changes haproxy.cfg (a reload), the rest goes over the Runtime API.
 *
 * The HTTP frontend's map (and HTTPS's when it shares it) has an overlay,
 * ROUTE_OVERLAY_MAP: each lookup into ROUTE_MAP is first made into the
 * overlay with the same input, then into ROUTE_MAP unless the overlay found
 * a key. The overlay holds every key of each vhost it holds, so for such a
 * vhost the overlay answers (its `<vhost>/` key matches every input of its
 * hosts, and no other host's input: hosts hold no `/`), and for any other the
 * base map does. A change confined to a few plain vhosts (route-changes.ts)
 * then rewrites only the overlay, not the whole map (runtime/route-overlay.ts);
 * the controller folds it back into ROUTE_MAP when routing is quiet. After a
 * reload the overlay is empty and ROUTE_MAP complete; the plan (and
 * lookupRoute, route-simulation.ts) describe the map the two make together.
 * Gateway listener frontends with a map of their own have no overlay.
 *
 * Weighted splits (`~<id>`) are settled last: `rand(1000000)` picks a point
 * in the split's range of the splits map (`map_int`, integer ranges), which
 * changes over the Runtime API like the routes.
 */
import { createHash } from 'node:crypto';
import type { RequestCondition } from '../../model/request-conditions.ts';
import { BUILTIN_ERROR_BACKEND, type Route, type Routing } from '../../model/types.ts';
import { conditionAcl, pathRegexAcl } from './route-acls.ts';
import { plainVhostChange, type VhostChange } from './route-changes.ts';

export type MapEntry = readonly [key: string, value: string];

/** One frontend's routing: the map it looks routes up in, and what follows the lookup. */
export interface FrontendRouting {
  /** Declared port. */
  port: number;
  /** Map file, relative to the config directory. */
  map: string;
  entries: MapEntry[];
  /**
   * Where the routes of rule groups send requests (`<group>.<n>`, `<group>` for the
   * fallback), in a map of its own (targetsMapOf(map)), looked up by exact key only:
   * no Host header can reach these keys by prefix.
   */
  targets: MapEntry[];
  /** Label counts of the Gateway wildcard suffixes to look up, most first. */
  suffixDepths: number[];
  /** Rule groups, in the order they run (longest key first). */
  groups: RuleGroup[];
}

/**
 * The routes of a key that has conditions, in the order a request tries
 * them. Where they send requests is in the targets map: `<name>.<n>` for the
 * n-th (from 1), `<name>` for the fallback.
 */
export interface RuleGroup {
  /** `@<hash>`: the key's value in the map. */
  name: string;
  candidates: { conditions: readonly RequestCondition[]; pathRegex?: string }[];
}

export interface RoutePlan {
  /** Declared port 80 (the HTTP frontend), 443 (HTTPS), then listener ports ascending. */
  frontends: FrontendRouting[];
  /** Weighted splits: `<from>:<to>` (integer range) → backend. */
  splits: MapEntry[];
}

/** Map of the HTTP frontend (and of every frontend whose routes are the same). */
export const ROUTE_MAP = 'maps/routes.map';
/**
 * Looked up before ROUTE_MAP with the same input: the vhosts changed since ROUTE_MAP was
 * last written, each with all its keys (runtime/route-overlay.ts). Empty after a reload.
 */
export const ROUTE_OVERLAY_MAP = 'maps/routes.overlay.map';
/**
 * The overlay's switch: a server that is never a destination, set ready while the overlay
 * holds vhosts and to maintenance once it is folded (or at a reload, which empties it). The
 * overlay lookups run only while it is up, so an empty overlay costs a request one state
 * check, not a lookup.
 */
export const ROUTE_OVERLAY_SWITCH = { backend: 'route_overlay_switch', server: 'on' } as const;
/** Runtime API commands that turn the overlay lookups on and off. */
export const overlaySwitch = (on: boolean): string =>
  `set server ${ROUTE_OVERLAY_SWITCH.backend}/${ROUTE_OVERLAY_SWITCH.server} state ${on ? 'ready' : 'maint'}`;
export const SPLITS_MAP = 'maps/splits.map';
/** A split's points: `rand(SPLIT_POINTS)` picks one. */
export const SPLIT_POINTS = 1_000_000;
const MAIN_PORTS = [80, 443] as const;

/** The map file of a frontend that needs its own. */
export const routeMapOf = (port: number): string => (port === 80 ? ROUTE_MAP : `maps/routes-${port}.map`);

/** The map of the rule groups' targets that goes with a route map. */
export const targetsMapOf = (map: string): string => map.replace(/\.map$/, '.targets.map');

/** The key prefix of a vhost: Gateway wildcards `**.suffix` are keyed `~.suffix`. */
export const vhostKey = (vhost: string): string => (vhost.startsWith('**.') ? `~${vhost.slice(2)}` : vhost);

/** Map keys of one route, in the order above (none for regular expressions: they are rules). */
function keysOf(route: Route): string[] {
  const vhost = vhostKey(route.vhost);
  if (route.match === 'RegularExpression') return [];
  if (route.match === 'Exact') return [`${vhost}${route.path}?`];
  if (route.match === 'StringPrefix') return route.path.includes('?') ? [] : [`${vhost}${route.path}`];
  if (route.path === '/') return [`${vhost}/`];
  return [`${vhost}${route.path}?`, `${vhost}${route.path}/`];
}

/** A candidate of a key: where it sends requests and what must hold (nothing: always). */
interface Candidate {
  backend: string;
  conditions: readonly RequestCondition[];
  pathRegex?: string;
}

const isPlain = (c: Candidate): boolean => c.conditions.length === 0 && c.pathRegex === undefined;

const plans = new WeakMap<Routing, Map<string, RoutePlan>>();
/** The last plan without listener ports: the next routing is planned from it when it can be. */
let last: { routing: Routing; plan: RoutePlan } | undefined;

/**
 * The routing of every frontend: declared ports 80 and 443, and `listenerPorts`
 * (Gateway listeners on other ports). The same routing object gives the same plan.
 */
export function planRoutes(routing: Routing, listenerPorts: readonly number[] = []): RoutePlan {
  const ports = [
    ...MAIN_PORTS,
    ...[...listenerPorts].filter((p) => p !== 80 && p !== 443).sort((a, b) => a - b),
  ];
  const cacheKey = ports.join(',');
  let byPorts = plans.get(routing);
  const known = byPorts?.get(cacheKey);
  if (known) return known;
  const main = ports.length === MAIN_PORTS.length;
  const plan =
    (main && last && planIncrementally(last.routing, last.plan, routing)) || fullPlan(routing, ports);
  if (main) last = { routing, plan };
  if (!byPorts) {
    byPorts = new Map();
    plans.set(routing, byPorts);
  }
  byPorts.set(cacheKey, plan);
  return plan;
}

/** Every frontend planned from scratch (planRoutes takes the incremental way when it can). */
export function fullPlan(routing: Routing, ports: readonly number[]): RoutePlan {
  // Nothing scoped to a port (no Gateway API routes on one frontend only): HTTPS routes as HTTP does.
  const scoped = routing.routes.some((r) => r.ports) || routing.vhosts.some((v) => v.ports);
  const http = frontendRouting(routing, 80);
  const frontends = ports.map((port) =>
    port === 80 ? http : port === 443 && !scoped ? { ...http, port } : frontendRouting(routing, port),
  );
  const https = frontends[1] as FrontendRouting;
  if (https !== http && sameRouting(http, https)) https.map = ROUTE_MAP;
  return { frontends, splits: splitEntries(routing) };
}

/**
 * The plan of `after` from the plan of `before` (frontends 80 and 443 only), when the
 * change is confined to plain vhosts (route-changes.ts): their keys are planned again,
 * every other entry, the rule groups, targets, wildcard lookups and splits stay. Equal
 * to fullPlan(after); undefined when it cannot be had this way.
 */
export function planIncrementally(before: Routing, plan: RoutePlan, after: Routing): RoutePlan | undefined {
  const [http, https, ...more] = plan.frontends;
  if (!http || !https || more.length > 0) return undefined;
  const change = plainVhostChange(before, after);
  if (!change) return undefined;
  const nextHttp = { ...http, entries: withVhosts(http.entries, change, 80) };
  // Not scoped to ports, HTTPS shares HTTP's entries (fullPlan); else it has its own, changed alike.
  let nextHttps: FrontendRouting;
  if (https.entries === http.entries) nextHttps = { ...nextHttp, port: 443 };
  else {
    nextHttps = { ...https, entries: withVhosts(https.entries, change, 443) };
    nextHttps.map = sameRouting(nextHttp, nextHttps) ? ROUTE_MAP : routeMapOf(443);
  }
  return { frontends: [nextHttp, nextHttps], splits: plan.splits };
}

/** The key's vhost part: keys are `<vhost><path>`, and no vhost holds a `/`. */
export const vhostOfKey = (key: string): string => key.slice(0, key.indexOf('/'));

/** `entries` (sorted) with the keys of the changed vhosts planned again; still sorted. */
function withVhosts(entries: readonly MapEntry[], change: VhostChange, port: number): MapEntry[] {
  // frontendRouting always claims `*/`: it is only taken when `*` is one of the changed vhosts.
  const fresh = new Map<string, MapEntry[]>();
  for (const entry of frontendRouting(change.after, port).entries) {
    const vhost = vhostOfKey(entry[0]);
    if (!change.vhosts.has(vhost)) continue;
    const list = fresh.get(vhost);
    if (list) list.push(entry);
    else fresh.set(vhost, [entry]);
  }
  // The keys of a plain vhost all start `<vhost>/`: in sorted entries, one run, found by
  // bisection and replaced by its fresh keys (the runs of other vhosts never interleave).
  const parts: (readonly MapEntry[])[] = [];
  let from = 0;
  for (const vhost of [...change.vhosts].sort((x, y) => (`${x}/` < `${y}/` ? -1 : 1))) {
    const prefix = `${vhost}/`;
    const start = keyBound(entries, prefix);
    const end = keyBound(entries, `${vhost}0`); // '0' follows '/'
    parts.push(entries.slice(from, start), fresh.get(vhost) ?? []);
    from = end;
  }
  parts.push(entries.slice(from));
  return parts.flat();
}

/** The first of the sorted entries whose key is not below `key`. */
function keyBound(entries: readonly MapEntry[], key: string): number {
  let low = 0;
  let high = entries.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((entries[middle] as MapEntry)[0] < key) low = middle + 1;
    else high = middle;
  }
  return low;
}

const sameRouting = (a: FrontendRouting, b: FrontendRouting): boolean =>
  a.entries.length === b.entries.length &&
  a.entries.every(([key, value], i) => b.entries[i]?.[0] === key && b.entries[i]?.[1] === value) &&
  a.targets.length === b.targets.length &&
  a.targets.every(([key, value], i) => b.targets[i]?.[0] === key && b.targets[i]?.[1] === value) &&
  JSON.stringify(a.groups) === JSON.stringify(b.groups) &&
  a.suffixDepths.join() === b.suffixDepths.join();

/**
 * Every map file the routing needs, with its entries: one per distinct
 * frontend map, and the splits. `listeners` are the Gateway listener frontends.
 */
export function routingMaps(
  routing: Routing,
  listeners: readonly { port: number }[] = [],
): [path: string, entries: readonly MapEntry[]][] {
  const plan = planRoutes(
    routing,
    listeners.map((l) => l.port),
  );
  const byPath = new Map<string, readonly MapEntry[]>();
  for (const frontend of plan.frontends)
    if (!byPath.has(frontend.map)) {
      byPath.set(frontend.map, frontend.entries);
      byPath.set(targetsMapOf(frontend.map), frontend.targets);
    }
  byPath.set(SPLITS_MAP, plan.splits);
  // Last: a change that empties it comes after the base map's (runtime/maps.ts).
  byPath.set(ROUTE_OVERLAY_MAP, []);
  return [...byPath];
}

/** Entries of the HTTP frontend's map (ROUTE_MAP). */
export function routeMapEntries(routing: Routing): MapEntry[] {
  return planRoutes(routing).frontends[0]?.entries ?? [];
}

function frontendRouting(routing: Routing, port: number): FrontendRouting {
  const on = <T extends { ports?: readonly number[] | undefined }>(x: T) =>
    x.ports === undefined ? MAIN_PORTS.includes(port as 80 | 443) : x.ports.includes(port);
  const conditional = (route: Route) => route.conditions !== undefined && route.conditions.length > 0;

  // The one-lookup path, as for Ingresses: each key is claimed by its first route (Exact
  // before Prefix, routes before fallbacks). A key whose first route has conditions, and
  // every key of a vhost with regular expressions, is settled by a rule group below.
  const first = new Map<string, string>();
  const grouped = new Set<string>();
  const regexVhosts = new Set<string>();
  const claim = (key: string, route: Route) => {
    if (first.has(key)) return;
    first.set(key, route.backend);
    if (conditional(route)) grouped.add(key);
  };
  for (const route of routing.routes) {
    if (route.match === 'RegularExpression' && on(route)) regexVhosts.add(vhostKey(route.vhost));
    else if (route.match === 'Exact' && on(route)) claim(keysOf(route)[0] as string, route);
  }
  for (const route of routing.routes)
    if ((route.match === 'Prefix' || route.match === 'StringPrefix') && on(route))
      for (const key of keysOf(route)) claim(key, route);
  const fallbacks = new Map<string, string>();
  const claimFallback = (key: string, backend: string) => {
    if (fallbacks.has(key)) return;
    fallbacks.set(key, backend);
    if (!first.has(key)) first.set(key, backend);
  };
  for (const vhost of routing.vhosts)
    if (on(vhost)) claimFallback(`${vhostKey(vhost.name)}/`, vhost.fallback ?? routing.defaultBackend);
  for (const vhost of regexVhosts) claimFallback(`${vhost}/`, routing.defaultBackend);
  // Hosts no vhost covers end at the rules without host, or at the default backend.
  claimFallback('*/', routing.defaultBackend);
  if (regexVhosts.size > 0)
    for (const key of first.keys()) if (regexVhosts.has(vhostOfKey(key))) grouped.add(key);

  const values = new Map<string, string>();
  for (const [key, backend] of first) if (!grouped.has(key)) values.set(key, backend);
  const groups: (RuleGroup & { key: string })[] = [];
  const targets: MapEntry[] = [];
  if (grouped.size > 0) {
    // Every candidate of the grouped keys, in the order a request must try them.
    const exact = new Map<string, Candidate[]>();
    const prefix = new Map<string, Candidate[]>();
    const regex = new Map<string, Candidate[]>();
    const push = (map: Map<string, Candidate[]>, key: string, c: Candidate) => {
      const list = map.get(key);
      if (list) list.push(c);
      else map.set(key, [c]);
    };
    for (const route of routing.routes) {
      if (!on(route)) continue;
      const c: Candidate = { backend: route.backend, conditions: route.conditions ?? [] };
      if (route.match === 'RegularExpression')
        push(regex, vhostKey(route.vhost), { ...c, pathRegex: route.path });
      else
        for (const key of keysOf(route))
          if (grouped.has(key)) push(route.match === 'Exact' ? exact : prefix, key, c);
    }
    const candidatesOf = (key: string): Candidate[] => [
      ...(exact.get(key) ?? []),
      ...(regex.get(vhostOfKey(key)) ?? []),
      ...(prefix.get(key) ?? []),
      ...(fallbacks.has(key) ? [{ backend: fallbacks.get(key) as string, conditions: [] }] : []),
    ];
    /** The longest other prefix key (not a full-path one) of the same vhost that starts this key. */
    const parentOf = (key: string): string | undefined => {
      const root = key.indexOf('/');
      for (let end = key.length - 1; end > root; end--) {
        const parent = key.slice(0, end);
        if (!parent.endsWith('?') && first.has(parent)) return parent;
      }
      return undefined;
    };
    // Shortest key first: a group's fallback is settled before it.
    for (const key of [...grouped].sort((a, b) => a.length - b.length || (a < b ? -1 : 1))) {
      const candidates = candidatesOf(key);
      const firstPlain = candidates.findIndex(isPlain);
      const tried = firstPlain < 0 ? candidates : candidates.slice(0, firstPlain);
      const parent = parentOf(key);
      const fallback =
        firstPlain >= 0
          ? (candidates[firstPlain] as Candidate).backend
          : ((parent && values.get(parent)) ?? routing.defaultBackend);
      if (tried.length === 0) {
        values.set(key, fallback);
        continue;
      }
      const name = `@${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
      values.set(key, name);
      for (const [i, c] of tried.entries()) targets.push([`${name}.${i + 1}`, c.backend]);
      targets.push([name, fallback]);
      groups.push({
        key,
        name,
        candidates: tried.map(({ conditions, pathRegex }) => ({
          conditions,
          ...(pathRegex !== undefined && { pathRegex }),
        })),
      });
    }
  }
  const byKey = (a: MapEntry, b: MapEntry) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  const entries: MapEntry[] = [...values].sort(byKey);
  const suffixDepths = new Set<number>();
  for (const key of values.keys())
    if (key.startsWith('~.')) suffixDepths.add(vhostOfKey(key).split('.').length - 1);
  return {
    port,
    map: routeMapOf(port),
    entries,
    targets: targets.sort(byKey),
    suffixDepths: [...suffixDepths].sort((a, b) => b - a),
    groups: groups
      .sort((a, b) => b.key.length - a.key.length || (a.key < b.key ? -1 : 1))
      .map(({ key: _key, ...group }) => group),
  };
}

/** Each split's backends get consecutive ranges of its points, in proportion to their weights. */
function splitEntries(routing: Routing): MapEntry[] {
  const entries: MapEntry[] = [];
  for (const split of routing.splits ?? []) {
    const total = split.shares.reduce((sum, s) => sum + s.weight, 0);
    if (total <= 0) continue;
    const base = split.id * SPLIT_POINTS;
    let cumulative = 0;
    let from = 0;
    for (const share of split.shares) {
      cumulative += share.weight;
      const to = Math.round((cumulative / total) * SPLIT_POINTS);
      if (to > from) entries.push([`${base + from}:${base + to - 1}`, share.backend]);
      from = to;
    }
  }
  return entries;
}

/**
 * The lines of a frontend that route requests, after its own (lines without
 * indentation); `path` turns a map file into the path haproxy.cfg names.
 */
export function routingLines(frontend: FrontendRouting, path: (relative: string) => string): string[] {
  // ROUTE_MAP's overlay answers first for the vhosts it holds, the base map for the others.
  const maps = frontend.map === ROUTE_MAP ? [path(ROUTE_OVERLAY_MAP), path(ROUTE_MAP)] : [path(frontend.map)];
  const splitsPath = path(SPLITS_MAP);
  const unless = 'unless { var(txn.backend) -m found }';
  const host = 'req.hdr(host),field(1,:),lower';
  const overlayOn = `srv_is_up(${ROUTE_OVERLAY_SWITCH.backend}/${ROUTE_OVERLAY_SWITCH.server})`;
  const lookup = (input: string, first = false) =>
    maps.map((map, i) => {
      const set = `http-request set-var(txn.backend) ${input},map_beg(${map})`;
      if (i > 0) return `${set} ${unless}`;
      if (maps.length === 1) return first ? set : `${set} ${unless}`;
      // The overlay, while its switch is up.
      return `${set} if { ${overlayOn} }${first ? '' : ' !{ var(txn.backend) -m found }'}`;
    });
  return [
    ...lookup('base,concat(?)', true),
    `http-request set-var(txn.path) path ${unless}`,
    ...lookup(`${host},concat(,txn.path,?)`),
    ...lookup(`${host},regsub(^[^.]*,*),concat(,txn.path,?)`),
    ...frontend.suffixDepths.flatMap((depth) =>
      lookup(`${host},field(-1,.,${depth + 1}),regsub(^[^.]*,~),concat(,txn.path,?)`),
    ),
    ...lookup('str(*),concat(,txn.path,?)'),
    ...frontend.groups.flatMap((group) => groupLines(group, `map_str(${path(targetsMapOf(frontend.map))})`)),
    `http-request set-var(txn.split) rand(${SPLIT_POINTS}) if { var(txn.backend) -m beg ~ }`,
    `http-request set-var(txn.backend) var(txn.backend),field(2,~),mul(${SPLIT_POINTS}),add(txn.split),map_int(${splitsPath},${BUILTIN_ERROR_BACKEND}) if { var(txn.backend) -m beg ~ }`,
  ];
}

/**
 * A rule group as `http-request` lines: the first candidate whose conditions
 * hold takes its target from the targets map, else the group's fallback does.
 */
function groupLines(group: RuleGroup, map: string): string[] {
  const when = `if { var(txn.backend) -m str ${group.name} }`;
  return [
    ...group.candidates.map((c, i) => {
      const acls = [
        ...(c.pathRegex === undefined ? [] : [pathRegexAcl(c.pathRegex)]),
        ...c.conditions.map(conditionAcl),
      ];
      return `http-request set-var(txn.backend) str(${group.name}.${i + 1}),${map} ${when} ${acls.join(' ')}`;
    }),
    `http-request set-var(txn.backend) str(${group.name}),${map} ${when}`,
  ];
}

/**
 * The lookup HAProxy does with these entries (for tests and tools): the
 * canonical host (without `:port`, lowercased), then `*.` + the host without
 * its first label, then the Gateway wildcard suffixes (most labels first),
 * then `*`; the first lookup that finds a key decides. Rule groups and
 * splits are left to the caller (see route-simulation.ts). `entries` are the
 * plan's: the map ROUTE_MAP and its overlay make together (the base map with
 * the overlay's vhosts replaced), so the overlay needs no lookup of its own.
 */
export function lookupRoute(
  entries: readonly MapEntry[],
  hostHeader: string,
  path: string,
  suffixDepths: readonly number[] = [],
): string | undefined {
  const host = (hostHeader.split(':')[0] ?? '').toLowerCase();
  const labels = host.split('.');
  const suffixes = suffixDepths.map((depth) =>
    labels
      .slice(-(depth + 1))
      .join('.')
      .replace(/^[^.]*/, '~'),
  );
  for (const vhost of [host, host.replace(/^[^.]*/, '*'), ...suffixes, '*']) {
    const input = `${vhost}${path}?`;
    let best: MapEntry | undefined;
    for (const entry of entries) {
      if (input.startsWith(entry[0]) && (!best || entry[0].length > best[0].length)) best = entry;
    }
    if (best) return best[1];
  }
  return undefined;
}
