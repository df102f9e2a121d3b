/**
 * ssl-passthrough: routes whose backend carries TLS unterminated leave the
 * HTTP routing (an HTTP frontend cannot use a TCP backend) and become SNI
 * entries instead. SNI names a host, never a path: the first backend that
 * claims a host keeps it.
 */
import type { ObjectRef, Problem } from '../store/problems.ts';
import { ANY_HOST, type Backend, type Routing } from './types.ts';

export function splitPassthrough(
  routing: Routing,
  backends: readonly Backend[],
  problems: Problem[],
): Routing {
  const tcp = new Map(backends.filter((b) => b.settings.sslPassthrough).map((b) => [b.name, b.service]));
  if (tcp.size === 0) return routing;
  const sni = new Map<string, string>();
  const claim = (vhost: string, backend: string) => {
    if (vhost === ANY_HOST) {
      problems.push({
        ref: tcp.get(backend) as ObjectRef,
        field: 'ssl-passthrough',
        reason: 'Ineffective',
        message: 'a rule without host cannot be passed through by SNI; not served',
        severity: 'error',
      });
      return;
    }
    const owner = sni.get(vhost);
    if (owner && owner !== backend) {
      problems.push({
        ref: tcp.get(backend) as ObjectRef,
        field: 'ssl-passthrough',
        reason: 'Conflict',
        message: `host ${vhost} is already passed through to ${owner}`,
        severity: 'warning',
      });
      return;
    }
    sni.set(vhost, backend);
  };
  const routes = routing.routes.filter((route) => {
    if (!tcp.has(route.backend)) return true;
    claim(route.vhost, route.backend);
    return false;
  });
  const vhosts = routing.vhosts.map((vhost) => {
    if (vhost.fallback === undefined || !tcp.has(vhost.fallback)) return vhost;
    claim(vhost.name, vhost.fallback);
    return { name: vhost.name, fallback: undefined };
  });
  return {
    ...routing,
    vhosts,
    routes,
    passthrough: [...sni].sort((a, b) => (a[0] < b[0] ? -1 : 1)),
  };
}
