/**
 * Ingress v1 host and path rules and Gateway API route matches, resolved into typed routes.
 *
 * Every path of every Ingress of ours and every match of an attached route
 * is a candidate; candidates that claim the same vhost, match and path are
 * resolved here (the oldest keeps the route, a losing Ingress gets a
 * problem). How the routes become lookup keys is the emitter's business (controller/emitters/config/route-map.ts); the
 * semantics are decided here:
 *  - a vhost is an exact host, a `*.parent` wildcard (one label), or `*` for
 *    rules without host, which apply to hosts no rule names;
 *  - Prefix paths are element-wise: stored without trailing slash, `/` for
 *    the root; Exact paths are stored as written, and so are StringPrefix
 *    paths (ingress-nginx's ImplementationSpecific: a plain string prefix);
 *  - for equal paths Exact beats Prefix beats StringPrefix, and the longest
 *    path wins;
 *  - Gateway API routes add request conditions (the more specific first)
 *    and the declared ports they are served on; an Ingress route is served
 *    on the HTTP and HTTPS frontends. Ingresses and routes claim a host and
 *    path in one age order (build.ts).
 */
import { type ObjectRef, type Problem, refLabel } from '../store/problems.ts';
import type { Ingress } from '../store/schemas.ts';
import { compareSpecificity, conditionsKey, type RequestCondition } from './request-conditions.ts';
import { ANY_HOST, type PathMatch, type Route } from './types.ts';

interface Candidate extends Route {
  /** Lower is older and wins (see build.ts: Ingresses and Gateway API routes in one age order). */
  rank: number;
  /** The Ingress or route the candidate comes from. */
  owner: ObjectRef;
  /** The path as written, for problems. */
  written: string;
}

/** Prefix paths compare without trailing slashes; the root stays `/`. */
export const normalizePrefix = (path: string): string => path.replace(/\/+$/, '') || '/';

/** Declared ports of the main frontends: what a route or vhost without `ports` is served on. */
export const MAIN_PORTS: readonly number[] = [80, 443];
const portsOf = (ports: readonly number[] | undefined): readonly number[] => ports ?? MAIN_PORTS;
/** The ports, or undefined when they are exactly the main frontends'. */
const normalizePorts = (ports: readonly number[]): readonly number[] | undefined => {
  const sorted = [...new Set(ports)].sort((a, b) => a - b);
  return sorted.length === 2 && sorted[0] === 80 && sorted[1] === 443 ? undefined : sorted;
};

export interface CandidateInput {
  backend: string;
  rank: number;
  owner: ObjectRef;
  conditions?: readonly RequestCondition[];
  /** Declared listener ports; absent: the HTTP and HTTPS frontends. */
  ports?: readonly number[];
}

export class RouteTable {
  readonly #candidates = new Map<string, Candidate[]>();
  /** vhost → declared ports (undefined: the main frontends'). */
  readonly #hosts = new Map<string, Set<number>>();
  /** `Kind namespace/name` of a route → why an Ingress keeps some of its hosts and paths. */
  readonly #shadowed = new Map<string, string[]>();
  /** vhost → `namespace/name` of every Ingress whose routes for it depend on it (readers()). */
  readonly #readers = new Map<string, Set<string>>();

  /**
   * Notes that what `owner` adds depends on who else claims `vhost`: a rule of its own, an
   * alias or a redirect it tried, whether or not it won. Routes of a vhost depend only on
   * the Ingresses that read it, which lets a route-only change rebuild just those (route-delta.ts).
   */
  noteReader(vhost: string, owner: ObjectRef): void {
    if (owner.kind !== 'Ingress') return;
    const key = `${owner.namespace}/${owner.name}`;
    const readers = this.#readers.get(vhost);
    if (readers) readers.add(key);
    else this.#readers.set(vhost, new Set([key]));
  }

  /** vhost → the Ingresses that read it (noteReader). */
  readers(): Map<string, Set<string>> {
    return this.#readers;
  }

  /**
   * Declares a vhost named by a rule, even one whose paths are all invalid or
   * absent: its requests must reach its own defaultBackend or the 404, never
   * the catch-all vhost's rules.
   */
  addHost(vhost: string, ports?: readonly number[], owner?: ObjectRef): void {
    if (owner) this.noteReader(vhost, owner);
    if (vhost === ANY_HOST) return;
    const known = this.#hosts.get(vhost);
    if (known) for (const port of portsOf(ports)) known.add(port);
    else this.#hosts.set(vhost, new Set(portsOf(ports)));
  }

  /** Adds one path. `ImplementationSpecific` comes as `Prefix`, or `StringPrefix` in the ingress-nginx dialect. */
  add(vhost: string, written: string, match: PathMatch, candidate: CandidateInput): void {
    this.addHost(vhost, candidate.ports, candidate.owner);
    const path = match === 'Prefix' ? normalizePrefix(written) : written;
    const conditions = candidate.conditions?.length ? candidate.conditions : undefined;
    const ports = candidate.ports && normalizePorts(candidate.ports);
    const key = `${vhost}\u0000${match}\u0000${path}${conditions ? `\u0000${conditionsKey(conditions)}` : ''}`;
    const entry: Candidate = {
      vhost,
      path,
      match,
      written,
      backend: candidate.backend,
      rank: candidate.rank,
      owner: candidate.owner,
      ...(conditions && { conditions }),
      ...(ports && { ports }),
    };
    const list = this.#candidates.get(key);
    if (list) list.push(entry);
    else this.#candidates.set(key, [entry]);
  }

  /** Hosts and wildcards that have rules, sorted. */
  hosts(): string[] {
    return [...this.#hosts.keys()].sort();
  }

  /** The declared ports a vhost is served on; undefined: the main frontends'. */
  hostPorts(vhost: string): readonly number[] | undefined {
    const ports = this.#hosts.get(vhost);
    return ports && normalizePorts([...ports]);
  }

  /** Routes that lost a host and path to an Ingress, by `Kind namespace/name`, with why (after resolve). */
  shadowed(): ReadonlyMap<string, readonly string[]> {
    return this.#shadowed;
  }

  /**
   * One route per (vhost, match, path, conditions) and frontend: the oldest
   * claim wins, and an Ingress that loses is reported (as is a route that
   * loses to an Ingress, in shadowed()); routes of the Gateway API that lose
   * to each other are not (the spec orders them by age). Sorted by vhost,
   * then path, Exact before Prefix before StringPrefix before RegularExpression, then most
   * specific first, then oldest first.
   */
  resolve(problems: Problem[]): Route[] {
    const winners: Candidate[] = [];
    for (const candidates of this.#candidates.values()) {
      if (candidates.length === 1) {
        winners.push(candidates[0] as Candidate);
        continue;
      }
      const sorted = [...candidates].sort((a, b) => a.rank - b.rank);
      const claimed = new Map<number, Candidate>();
      for (const c of sorted) {
        const won: number[] = [];
        let winner: Candidate | undefined;
        for (const port of portsOf(c.ports)) {
          const owner = claimed.get(port);
          if (owner) winner ??= owner;
          else {
            claimed.set(port, c);
            won.push(port);
          }
        }
        if (winner && !(c.backend === winner.backend && c.owner === winner.owner))
          this.#report(c, winner, problems);
        if (won.length === 0) continue;
        const ports = normalizePorts(won);
        const { ports: _ports, ...rest } = c;
        winners.push(ports ? { ...rest, ports } : rest);
      }
    }
    return winners.sort(compareCandidates).map(({ vhost, path, match, backend, conditions, ports }) => ({
      vhost,
      path,
      match,
      backend,
      ...(conditions && { conditions }),
      ...(ports && { ports }),
    }));
  }

  #report(loser: Candidate, winner: Candidate, problems: Problem[]): void {
    const what = `path ${loser.match} ${loser.written}`;
    if (loser.owner.kind === 'Ingress') {
      problems.push({
        ref: loser.owner,
        field: what,
        reason: 'Conflict',
        message: `conflicts with ${refLabel(winner.owner)}, which is older and keeps the route`,
        severity: 'warning',
      });
    } else if (winner.owner.kind === 'Ingress') {
      const key = refLabel(loser.owner);
      const list = this.#shadowed.get(key) ?? [];
      list.push(`host ${loser.vhost} ${what}: ${refLabel(winner.owner)} is older and keeps it`);
      this.#shadowed.set(key, list);
    }
  }
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const MATCH_ORDER: Record<PathMatch, number> = { Exact: 0, Prefix: 1, StringPrefix: 2, RegularExpression: 3 };

const sameList = (a: readonly unknown[] | undefined, b: readonly unknown[] | undefined): boolean =>
  a === b || (a !== undefined && b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]));
const noConditions = (r: Route): boolean => r.conditions === undefined || r.conditions.length === 0;

/** The same route: the same object, or the same fields (no conditions and empty ones alike). */
export const sameRoute = (a: Route, b: Route): boolean =>
  a === b ||
  (a.vhost === b.vhost &&
    a.path === b.path &&
    a.match === b.match &&
    a.backend === b.backend &&
    sameList(a.ports, b.ports) &&
    ((noConditions(a) && noConditions(b)) || JSON.stringify(a.conditions) === JSON.stringify(b.conditions)));

/**
 * By vhost; then paths, Exact before Prefix for equal paths; regular
 * expressions last, longest first (the order they are tried in).
 */
export function compareRoutes(a: Route, b: Route): number {
  const regex = Number(a.match === 'RegularExpression') - Number(b.match === 'RegularExpression');
  return (
    compare(a.vhost, b.vhost) ||
    regex ||
    (a.match === 'RegularExpression' ? b.path.length - a.path.length : 0) ||
    compare(a.path, b.path) ||
    MATCH_ORDER[a.match] - MATCH_ORDER[b.match]
  );
}

function compareCandidates(a: Candidate, b: Candidate): number {
  return compareRoutes(a, b) || compareSpecificity(a.conditions ?? [], b.conditions ?? []) || a.rank - b.rank;
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
