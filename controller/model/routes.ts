/**
 * Ingress v1 host and path semantics compiled into lookup tables.
 *
 * A request is routed in three lookups (see templates/partials/routing.hbs):
 *  1. vhost: the exact host if some rule names it, else `*.<parent>` if a
 *     wildcard rule covers it (one label only), else the catch-all `*`;
 *  2. `vhost + path` in the exact table: Exact paths, and Prefix paths the
 *     request matches in full (with or without a trailing slash);
 *  3. `vhost + path` in the prefix table, whose keys end in `/`, so that
 *     `/foo` matches `/foo/bar` but not `/foobar`; HAProxy returns the longest.
 * A full match is always the longest possible match, so lookup order gives
 * "longest path wins"; Exact beats Prefix for the same key by construction.
 */
import type { Problem } from '../store/problems.ts';
import type { Ingress } from '../store/schemas.ts';

type PathKind = 'Exact' | 'Prefix';

interface Candidate {
  kind: PathKind;
  backend: string;
  /** Position of the Ingress in age order: lower is older and wins. */
  rank: number;
  ingress: string;
  path: string;
}

export class RouteTable {
  readonly #exact = new Map<string, Candidate[]>();
  readonly #prefix = new Map<string, Candidate[]>();
  readonly #hosts = new Set<string>();

  /**
   * Declares a vhost named by a rule, even one whose paths are all invalid or
   * absent: its requests must reach its own defaultBackend or the 404, never
   * the catch-all vhost's rules.
   */
  addHost(vhost: string): void {
    if (vhost !== '*') this.#hosts.add(vhost);
  }

  /** Adds one Ingress path. `ImplementationSpecific` is treated as `Prefix` (documented). */
  add(vhost: string, path: string, kind: PathKind, candidate: Omit<Candidate, 'kind' | 'path'>): void {
    this.addHost(vhost);
    const entry: Candidate = { ...candidate, kind, path };
    if (kind === 'Exact') {
      push(this.#exact, vhost + path, entry);
      return;
    }
    // Prefix is element-wise on `/`-separated segments; a trailing slash is ignored.
    const base = path.replace(/\/+$/, '');
    if (base !== '') push(this.#exact, vhost + base, entry);
    push(this.#exact, `${vhost + base}/`, entry);
    push(this.#prefix, `${vhost + base}/`, entry);
  }

  hosts(): string[] {
    return [...this.#hosts].sort();
  }

  /** Resolves each key to one backend, reporting the routes that lose a conflict. */
  exact(problems: Problem[]): [string, string][] {
    return resolve(this.#exact, problems);
  }

  prefix(problems: Problem[]): [string, string][] {
    return resolve(this.#prefix, problems);
  }
}

function push(map: Map<string, Candidate[]>, key: string, candidate: Candidate): void {
  const list = map.get(key);
  if (list) list.push(candidate);
  else map.set(key, [candidate]);
}

/** Exact over Prefix, then the oldest Ingress. */
function better(a: Candidate, b: Candidate): boolean {
  if (a.kind !== b.kind) return a.kind === 'Exact';
  return a.rank < b.rank;
}

function resolve(map: Map<string, Candidate[]>, problems: Problem[]): [string, string][] {
  const out: [string, string][] = [];
  for (const [key, candidates] of map) {
    let winner = candidates[0] as Candidate;
    for (const c of candidates) if (better(c, winner)) winner = c;
    for (const c of candidates) {
      // Only a real clash is reported: same kind, different owner or backend, and not the
      // implicit overlap of an Exact path with a Prefix path (which the spec defines).
      if (c === winner || c.kind !== winner.kind || c.path !== winner.path) continue;
      if (c.backend === winner.backend && c.ingress === winner.ingress) continue;
      problems.push({
        object: c.ingress,
        field: `path ${c.kind} ${c.path}`,
        message: `conflicts with ${winner.ingress}, which is older and keeps the route`,
        severity: 'warning',
      });
    }
    out.push([key, winner.backend]);
  }
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
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
