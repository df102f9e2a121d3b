/**
 * Which vhosts a routing change touches, found by walking two routings in
 * step: routes are sorted by vhost first and vhosts by name (model/routes.ts),
 * and the model hands back the same Route objects for unchanged vhosts, so
 * the walk is a pointer comparison per route. A change confined to plain
 * vhosts (see isPlain) leaves every other key of the route map, the rule
 * groups and the wildcard lookups as they were: route-map.ts then plans only
 * those vhosts, and the applier writes only them to the overlay map
 * (runtime/route-overlay.ts).
 */

import { sameRoute } from '../../model/routes.ts';
import { vhostRange } from '../../model/sorted.ts';
import type { Route, Routing, Vhost } from '../../model/types.ts';

export interface VhostChange {
  /** The vhosts whose routes or vhost entry differ, by name. */
  vhosts: ReadonlySet<string>;
  /** The routing of just those vhosts, as `after` has them (its default backend). */
  after: Routing;
}

const sameList = (a: readonly unknown[] | undefined, b: readonly unknown[] | undefined): boolean =>
  a === b || (a !== undefined && b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]));

const sameJson = (a: unknown, b: unknown): boolean => a === b || JSON.stringify(a) === JSON.stringify(b);

const noConditions = (r: Route): boolean => r.conditions === undefined || r.conditions.length === 0;

const sameVhost = (a: Vhost, b: Vhost): boolean =>
  a === b || (a.name === b.name && a.fallback === b.fallback && sameList(a.ports, b.ports));

/**
 * Plain: found by the one-lookup path alone, with keys that only this vhost's
 * hosts reach. No request conditions or regular expressions (rule groups), no
 * ports (per-frontend maps), not a `**.` wildcard (suffix lookups).
 */
const plainRoute = (r: Route): boolean => r.match !== 'RegularExpression' && noConditions(r) && !r.ports;

/**
 * The vhosts that differ between `before` and `after`, when all of them are
 * plain in both and nothing else of the routing differs; else undefined.
 */
export function plainVhostChange(before: Routing, after: Routing): VhostChange | undefined {
  // Asked twice a pass for the same pair: by planRoutes (structure) and by the maps planner.
  if (last?.before === before && last.after === after) return last.change;
  const change = walk(before, after);
  last = { before, after, change };
  return change;
}

let last: { before: Routing; after: Routing; change: VhostChange | undefined } | undefined;

const routeVhost = (route: Route): string => route.vhost;
const vhostName = (vhost: Vhost): string => vhost.name;

function walk(before: Routing, after: Routing): VhostChange | undefined {
  if (before.defaultBackend !== after.defaultBackend) return undefined;
  if (!sameJson(before.splits ?? [], after.splits ?? [])) return undefined;
  if (!sameJson(before.passthrough, after.passthrough)) return undefined;
  const vhosts = new Set<string>();
  /** Changed vhosts whose routes (if any) are in `routes` already. */
  const walked = new Set<string>();
  const routes: Route[] = [];
  let plain = true;
  const changed = (name: string, beforeRoutes: readonly Route[], afterRoutes: readonly Route[]) => {
    vhosts.add(name);
    walked.add(name);
    if (name.startsWith('**.') || !beforeRoutes.every(plainRoute) || !afterRoutes.every(plainRoute))
      plain = false;
    routes.push(...afterRoutes);
  };
  const a = before.routes;
  const b = after.routes;
  const runEnd = (list: readonly Route[], from: number): number => {
    const vhost = list[from]?.vhost;
    let end = from + 1;
    while (end < list.length && list[end]?.vhost === vhost) end++;
    return end;
  };
  for (let i = 0, j = 0; plain && (i < a.length || j < b.length); ) {
    // Unchanged vhosts hold the same Route objects: skip them a pointer comparison each,
    // then step back to the start of the vhost where they part.
    if (a[i] === b[j]) {
      while (i < a.length && j < b.length && a[i] === b[j]) {
        i++;
        j++;
      }
      const parted = (a[i - 1] as Route).vhost;
      if (a[i]?.vhost === parted || b[j]?.vhost === parted)
        while (i > 0 && j > 0 && a[i - 1] === b[j - 1] && (a[i - 1] as Route).vhost === parted) {
          i--;
          j--;
        }
      if (i >= a.length && j >= b.length) break;
    }
    const va = a[i]?.vhost;
    const vb = b[j]?.vhost;
    if (va !== undefined && va === vb) {
      const ea = runEnd(a, i);
      const eb = runEnd(b, j);
      let same = ea - i === eb - j;
      for (let k = 0; same && k < ea - i; k++) same = sameRoute(a[i + k] as Route, b[j + k] as Route);
      if (!same) changed(va, a.slice(i, ea), b.slice(j, eb));
      i = ea;
      j = eb;
    } else if (vb === undefined || (va !== undefined && va < vb)) {
      const ea = runEnd(a, i);
      changed(va as string, a.slice(i, ea), []);
      i = ea;
    } else {
      const eb = runEnd(b, j);
      changed(vb, [], b.slice(j, eb));
      j = eb;
    }
  }
  if (!plain) return undefined;
  // The vhost entries that differ (the same objects are skipped as above).
  const va = before.vhosts;
  const vb = after.vhosts;
  for (let i = 0, j = 0; i < va.length || j < vb.length; ) {
    const x = va[i];
    const y = vb[j];
    if (x === y) {
      i++;
      j++;
    } else if (x && y && x.name === y.name) {
      if (!sameVhost(x, y)) vhosts.add(x.name);
      i++;
      j++;
    } else if (!y || (x && x.name < y.name)) {
      vhosts.add((x as Vhost).name);
      i++;
    } else {
      vhosts.add(y.name);
      j++;
    }
  }
  // A changed vhost, by its routes or its entry, must have no ports on either side.
  const entries: Vhost[] = [];
  for (const name of [...vhosts].sort()) {
    const [was] = va.slice(...vhostRange(va, name, vhostName));
    const [now] = vb.slice(...vhostRange(vb, name, vhostName));
    if (was?.ports || now?.ports) return undefined;
    if (now) entries.push(now);
    // A vhost found changed only by its entry: its routes (unchanged) are still those of `after`.
    if (!walked.has(name)) {
      const own = b.slice(...vhostRange(b, name, routeVhost));
      if (name.startsWith('**.') || !own.every(plainRoute)) return undefined;
      routes.push(...own);
    }
  }
  routes.sort((x, y) => (x.vhost < y.vhost ? -1 : x.vhost > y.vhost ? 1 : 0));
  return {
    vhosts,
    after: { vhosts: entries, routes, defaultBackend: after.defaultBackend, passthrough: [] },
  };
}
