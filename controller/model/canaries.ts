/**
 * Canaries (ingress-nginx's canary annotations, our canary keys): a canary
 * Ingress is never a route of its own. For each of its paths, the oldest
 * Ingress that is not a canary and serves the same host and path keeps the
 * route, and the canary takes some of its requests, in ingress-nginx's
 * order of precedence:
 *   1. canary-header: `always` → canary, `never` → the other Ingress; or, with
 *      canary-header-value, that exact value → canary; or, with
 *      canary-header-pattern, a value the pattern finds → canary;
 *   2. canary-cookie: `always` → canary, `never` → the other Ingress;
 *   3. canary-weight out of canary-weight-total → canary, at random.
 * Header and cookie are routes of the same host and path with request
 * conditions, tried before the plain route (the model's route groups); the
 * weight makes the plain route a weighted split of the two backends (its
 * shares change over the Runtime API, like pod churn of either Service).
 */
import { createHash } from 'node:crypto';
import { type ObjectRef, objectRef } from '../store/problems.ts';
import type { Ingress } from '../store/schemas.ts';
import type { IngressRouteInput } from './ingress-route-input.ts';
import { type IngressPath, rulesOf } from './ingress-rules.ts';
import { type IngressRouteSettings, ingressRouteSettings } from './ingress-settings.ts';
import type { RequestCondition } from './request-conditions.ts';
import { normalizePrefix, type RouteTable } from './routes.ts';
import type { PathMatch, Split } from './types.ts';

/** Every Ingress of ours in `ingresses`, canaries included. */
export type CanaryInput = IngressRouteInput;

export interface CanaryPlan {
  /** The split a route of an Ingress that is not a canary goes to instead of its backend, when weighed. */
  backendFor(path: IngressPath): string | undefined;
  splits: Split[];
  /** Adds the header and cookie routes of the canaries. */
  addRoutes(table: RouteTable): void;
}

const settingsOf = (ingress: Ingress, input: Pick<CanaryInput, 'configLayer' | 'dialect' | 'problems'>) =>
  ingressRouteSettings(ingress, input.configLayer, input.dialect, input.problems).settings;

/** The Ingresses that are not canaries: the ones whose paths are routes. */
export function withoutCanaries(
  ingresses: readonly Ingress[],
  input: Pick<CanaryInput, 'configLayer' | 'dialect' | 'problems'>,
): Ingress[] {
  return ingresses.filter((ingress) => !settingsOf(ingress, input).canary);
}

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The conditions that send a request to the canary (`to: 'canary'`) or keep
 * it (`'main'`), in order. All are header conditions, so that they keep this
 * order among themselves: the cookie is read from the Cookie header.
 */
export function canaryConditions(
  s: IngressRouteSettings,
): { to: 'canary' | 'main'; when: RequestCondition }[] {
  const out: { to: 'canary' | 'main'; when: RequestCondition }[] = [];
  const header = s.canaryHeader;
  if (header) {
    const exact = (value: string): RequestCondition => ({
      kind: 'header',
      name: header,
      type: 'Exact',
      value,
    });
    if (s.canaryHeaderValue !== undefined) out.push({ to: 'canary', when: exact(s.canaryHeaderValue) });
    else if (s.canaryHeaderPattern !== undefined)
      out.push({
        to: 'canary',
        // Found anywhere in the value, as nginx's ngx.re.match does.
        when: {
          kind: 'header',
          name: header,
          type: 'RegularExpression',
          value: `.*(?:${s.canaryHeaderPattern}).*`,
        },
      });
    else out.push({ to: 'canary', when: exact('always') }, { to: 'main', when: exact('never') });
  }
  const name = s.canaryCookie;
  if (name) {
    const cookie = (value: string): RequestCondition => ({
      kind: 'header',
      name: 'Cookie',
      type: 'RegularExpression',
      value: `(?:.*;)? *${escapeRegex(name)}=${value} *(?:;.*)?`,
    });
    out.push({ to: 'canary', when: cookie('always') }, { to: 'main', when: cookie('never') });
  }
  return out;
}

const keyOf = (vhost: string, route: { written: string; match: PathMatch }): string =>
  `${vhost}\u0000${route.match}\u0000${route.match === 'Prefix' ? normalizePrefix(route.written) : route.written}`;

/**
 * An ImplementationSpecific path is Prefix or StringPrefix by its Ingress's dialect, and a
 * canary (in the ingress-nginx dialect) may take from an Ingress in ours: where no main
 * route has the canary's own match, one with the other prefix match and the same path
 * is taken, and the canary's routes take the main route's match, so that they share its keys.
 */
const prefixKeyOf = (vhost: string, route: { written: string; match: PathMatch }): string | undefined =>
  route.match === 'Prefix' || route.match === 'StringPrefix'
    ? `${vhost}\u0000prefix\u0000${normalizePrefix(route.written)}`
    : undefined;

/** The split id of a canary's route: from the canary and the route, not the weights. */
const splitId = (key: string): number =>
  Number.parseInt(createHash('sha256').update(`canary ${key}`).digest('hex').slice(0, 8), 16);

export function planCanaries(input: CanaryInput): CanaryPlan {
  const main = new Map<
    string,
    { ingress: Ingress; path: IngressPath; route: { written: string; match: PathMatch } }
  >();
  const canaries = input.ingresses.filter((ingress) => settingsOf(ingress, input).canary);
  // Most clusters have none: then no Ingress's paths need indexing.
  if (canaries.length === 0) return { backendFor: () => undefined, splits: [], addRoutes() {} };
  for (const ingress of input.ingresses) {
    if (canaries.includes(ingress)) continue;
    for (const path of rulesOf(ingress).paths) {
      const route = input.routeOf(path);
      if (!route) continue;
      for (const key of [keyOf(path.vhost, route), prefixKeyOf(path.vhost, route)])
        if (key && !main.has(key)) main.set(key, { ingress, path, route });
    }
  }
  const weighed = new Map<IngressPath, string>();
  const splits: Split[] = [];
  const conditional: {
    vhost: string;
    route: { written: string; match: PathMatch };
    backend: string;
    rank: number;
    owner: ObjectRef;
    when: RequestCondition;
  }[] = [];
  for (const canary of canaries) {
    const ref = objectRef('Ingress', canary.metadata);
    const s = settingsOf(canary, input);
    const conditions = canaryConditions(s);
    for (const path of rulesOf(canary).paths) {
      const route = input.routeOf(path);
      if (!route) continue;
      const own = keyOf(path.vhost, route);
      const folded = prefixKeyOf(path.vhost, route);
      const found = main.get(own) ? own : folded && main.get(folded) ? folded : undefined;
      const key = found ?? own;
      const target = found && main.get(found);
      if (!target) {
        input.problems.push({
          ref,
          field: `path ${path.path}`,
          reason: 'Unused',
          message: `a canary, and no Ingress that is not one serves host ${path.vhost} path ${path.path}; ignored`,
          severity: 'warning',
        });
        continue;
      }
      const backends = {
        canary: input.backendOf(canary, path),
        main: input.backendOf(target.ingress, target.path),
      };
      for (const { to, when } of conditions)
        conditional.push({
          vhost: path.vhost,
          route: target.route,
          backend: backends[to],
          rank: input.rankOf(canary),
          owner: ref,
          when,
        });
      const weight = s.canaryWeight ?? 0;
      if (weight > 0 && !weighed.has(target.path)) {
        const total = Math.max(s.canaryWeightTotal, 100);
        const id = splitId(`${ref.namespace}/${ref.name}\u0000${key}`);
        const name = `~${id}`;
        splits.push({
          name,
          id,
          shares: [
            { backend: backends.main, weight: total - Math.min(weight, total) },
            { backend: backends.canary, weight: Math.min(weight, total) },
          ].filter((share) => share.weight > 0),
        });
        weighed.set(target.path, name);
      }
    }
  }
  return {
    backendFor: (path) => weighed.get(path),
    splits: splits.sort((a, b) => a.id - b.id),
    addRoutes(table) {
      for (const c of conditional)
        table.add(c.vhost, c.route.written, c.route.match, {
          backend: c.backend,
          rank: c.rank,
          owner: c.owner,
          conditions: [c.when],
        });
    },
  };
}
