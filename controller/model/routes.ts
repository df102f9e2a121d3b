/**
 * Ingress v1 host and path rules, resolved into typed routes.
 *
 * Every path of every Ingress of ours is a candidate; candidates that claim
 * the same vhost, match and path are resolved here (the oldest Ingress keeps
 * the route, the others get a problem). How the routes become lookup keys is
 * the emitter's business (controller/emitters/config/route-map.ts); the
 * semantics are decided here:
 *  - a vhost is an exact host, a `*.parent` wildcard (one label), or `*` for
 *    rules without host, which apply to hosts no rule names;
 *  - Prefix paths are element-wise: stored without trailing slash, `/` for
 *    the root; Exact paths are stored as written;
 *  - for equal paths Exact beats Prefix, and the longest path wins.
 */
import { type ObjectRef, type Problem, refLabel } from '../store/problems.ts';
import type { Ingress } from '../store/schemas.ts';
import { ANY_HOST, type PathMatch, type Route } from './types.ts';

interface Candidate extends Route {
  /** Position of the Ingress in age order: lower is older and wins. */
  rank: number;
  ingress: ObjectRef;
  /** The path as written, for problems. */
  written: string;
}

/** Prefix paths compare without trailing slashes; the root stays `/`. */
export const normalizePrefix = (path: string): string => path.replace(/\/+$/, '') || '/';

export class RouteTable {
  readonly #candidates = new Map<string, Candidate[]>();
  readonly #hosts = new Set<string>();

  /**
   * Declares a vhost named by a rule, even one whose paths are all invalid or
   * absent: its requests must reach its own defaultBackend or the 404, never
   * the catch-all vhost's rules.
   */
  addHost(vhost: string): void {
    if (vhost !== ANY_HOST) this.#hosts.add(vhost);
  }

  /** Adds one Ingress path. `ImplementationSpecific` is treated as `Prefix` (documented). */
  add(
    vhost: string,
    written: string,
    match: PathMatch,
    candidate: { backend: string; rank: number; ingress: ObjectRef },
  ): void {
    this.addHost(vhost);
    const path = match === 'Prefix' ? normalizePrefix(written) : written;
    const key = `${vhost}\u0000${match}\u0000${path}`;
    const entry: Candidate = { vhost, path, match, written, ...candidate };
    const list = this.#candidates.get(key);
    if (list) list.push(entry);
    else this.#candidates.set(key, [entry]);
  }

  /** Hosts and wildcards that have rules, sorted. */
  hosts(): string[] {
    return [...this.#hosts].sort();
  }

  /**
   * One route per (vhost, match, path): the oldest Ingress wins and the others
   * are reported. Sorted by vhost, then path, Exact before Prefix.
   */
  resolve(problems: Problem[]): Route[] {
    const routes: Route[] = [];
    for (const candidates of this.#candidates.values()) {
      let winner = candidates[0] as Candidate;
      for (const c of candidates) if (c.rank < winner.rank) winner = c;
      for (const c of candidates) {
        if (c === winner || (c.backend === winner.backend && c.ingress === winner.ingress)) continue;
        problems.push({
          ref: c.ingress,
          field: `path ${c.match} ${c.written}`,
          reason: 'Conflict',
          message: `conflicts with ${refLabel(winner.ingress)}, which is older and keeps the route`,
          severity: 'warning',
        });
      }
      routes.push({ vhost: winner.vhost, path: winner.path, match: winner.match, backend: winner.backend });
    }
    return routes.sort(compareRoutes);
  }
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function compareRoutes(a: Route, b: Route): number {
  return (
    compare(a.vhost, b.vhost) ||
    compare(a.path, b.path) ||
    (a.match === b.match ? 0 : a.match === 'Exact' ? -1 : 1)
  );
}

/** Orders Ingresses oldest first, then by namespace/name: conflicts resolve the same way every time. */
export function byAge(a: Ingress, b: Ingress): number {
  const ta = a.metadata.creationTimestamp?.getTime() ?? Number.MAX_SAFE_INTEGER;
  const tb = b.metadata.creationTimestamp?.getTime() ?? Number.MAX_SAFE_INTEGER;
  if (ta !== tb) return ta - tb;
  const ka = `${a.metadata.namespace}/${a.metadata.name}`;
  const kb = `${b.metadata.namespace}/${b.metadata.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
