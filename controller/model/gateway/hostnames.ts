/**
 * Gateway API hostnames: which hosts a route serves on a listener (the
 * intersection of the listener's hostname and the route's hostnames), and the
 * vhost each becomes in the routing.
 *
 * A Gateway API wildcard `*.example.com` matches one or more leading labels
 * (`a.example.com`, `a.b.example.com`, never `example.com`), unlike an Ingress
 * wildcard, which matches exactly one. Its vhost is written `**.example.com`
 * so the two never mix: lookups try the exact host, then the Ingress wildcard,
 * then Gateway wildcards from the longest suffix to the shortest, then `*`.
 */
import { ANY_HOST } from '../types.ts';

/** Prefix of a vhost that matches one or more leading labels (a Gateway API wildcard). */
export const SUFFIX_WILDCARD = '**.';

const isWildcard = (hostname: string): boolean => hostname.startsWith('*.');

/** Whether `host` (exact) is covered by `wildcard` (`*.suffix`, one or more extra labels). */
export function wildcardCovers(wildcard: string, host: string): boolean {
  return host.endsWith(wildcard.slice(1)) && host.length > wildcard.length - 1;
}

/** The more specific of two hostnames if one covers the other (equal ones included), else undefined. */
function intersectOne(listener: string, route: string): string | undefined {
  if (listener === route) return route;
  const l = isWildcard(listener);
  const r = isWildcard(route);
  if (!l && !r) return undefined;
  if (l && !r) return wildcardCovers(listener, route) ? route : undefined;
  if (!l && r) return wildcardCovers(route, listener) ? listener : undefined;
  // Two wildcards: the one with the longer suffix, if it lies inside the other.
  if (wildcardCovers(listener, route.slice(2))) return route;
  if (wildcardCovers(route, listener.slice(2))) return listener;
  return undefined;
}

/**
 * The hostnames a route serves through a listener: `[]` when none intersect,
 * `[undefined]` when neither side names a host (every host).
 */
export function intersectHostnames(
  listener: string | undefined,
  route: readonly string[],
): (string | undefined)[] {
  if (route.length === 0) return [listener];
  if (listener === undefined) return [...new Set(route)];
  const found = new Set<string>();
  for (const hostname of route) {
    const common = intersectOne(listener, hostname);
    if (common !== undefined) found.add(common);
  }
  return [...found];
}

/** The vhost a Gateway API hostname is served as (`undefined`: any host). */
export function vhostOf(hostname: string | undefined): string {
  if (hostname === undefined) return ANY_HOST;
  return isWildcard(hostname) ? `${SUFFIX_WILDCARD}${hostname.slice(2)}` : hostname;
}

/**
 * Whether a request for `host` (lowercase, without port) reaches `vhost`,
 * before any more specific vhost is considered.
 */
export function vhostCovers(vhost: string, host: string): boolean {
  if (vhost === ANY_HOST) return true;
  if (vhost.startsWith(SUFFIX_WILDCARD)) return wildcardCovers(`*.${vhost.slice(3)}`, host);
  if (vhost.startsWith('*.')) return host.replace(/^[^.]*/, '*') === vhost && !host.startsWith('*');
  return vhost === host;
}
