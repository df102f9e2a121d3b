/**
 * The model's routing as one map file, looked up with `map_beg` (longest key
 * that starts the input) on `<vhost><path>?` (templates/partials/routing.hbs).
 * One file means one versioned commit over the Runtime API: a request sees
 * the old routing or the new one, never half of each.
 *
 * `?` never occurs in a request path (it starts the query string), so it
 * ends the input and marks keys that must match in full:
 *  - Exact path p:            `<vhost>p?`
 *  - Prefix path p (not /):   `<vhost>p?` (the path itself) and `<vhost>p/`
 *                             (below it, element-wise: `/foo` never takes `/foobar`)
 *  - vhost root:              `<vhost>/`: its Prefix `/` route, else its fallback
 *                             (the Ingress defaultBackend, else the default backend)
 * Longest match gives "longest path wins"; a full-path key is always longer
 * than any prefix key that could also match, so full matches come first.
 * For keys claimed twice, the model's order decides: Exact before Prefix,
 * routes before fallbacks.
 */
import type { Route, Routing } from '../../model/types.ts';

export type MapEntry = readonly [key: string, value: string];

/** Map keys of one route, in the order above. */
function keysOf(route: Route): string[] {
  if (route.match === 'Exact') return [`${route.vhost}${route.path}?`];
  if (route.path === '/') return [`${route.vhost}/`];
  return [`${route.vhost}${route.path}?`, `${route.vhost}${route.path}/`];
}

export function routeMapEntries(routing: Routing): MapEntry[] {
  const entries = new Map<string, string>();
  const claim = (key: string, backend: string) => {
    if (!entries.has(key)) entries.set(key, backend);
  };
  // Exact routes claim shared keys before Prefix routes of the same path.
  for (const route of routing.routes)
    if (route.match === 'Exact') claim(keysOf(route)[0] as string, route.backend);
  for (const route of routing.routes) {
    if (route.match === 'Prefix') for (const key of keysOf(route)) claim(key, route.backend);
  }
  for (const vhost of routing.vhosts) claim(`${vhost.name}/`, vhost.fallback ?? routing.defaultBackend);
  // Hosts no vhost covers end at the rules without host, or at the default backend.
  claim('*/', routing.defaultBackend);
  return [...entries].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/**
 * The lookup HAProxy does with these entries (for tests and tools): the
 * canonical host (without `:port`, lowercased), then `*.` + the host without
 * its first label, then `*`; the first lookup that finds a key decides.
 */
export function lookupRoute(
  entries: readonly MapEntry[],
  hostHeader: string,
  path: string,
): string | undefined {
  const host = (hostHeader.split(':')[0] ?? '').toLowerCase();
  for (const vhost of [host, host.replace(/^[^.]*/, '*'), '*']) {
    const input = `${vhost}${path}?`;
    let best: MapEntry | undefined;
    for (const entry of entries) {
      if (input.startsWith(entry[0]) && (!best || entry[0].length > best[0].length)) best = entry;
    }
    if (best) return best[1];
  }
  return undefined;
}
