/**
 * Ingress status: the addresses clients use to reach this controller, taken
 * from --publish-address or from the --publish-service Service (its
 * LoadBalancer ingress, else its cluster IPs), written into
 * `status.loadBalancer` of every Ingress this controller serves.
 */
import { isIP } from 'node:net';
import type { Ingress } from '../../store/schemas.ts';
import type { Snapshot } from '../../store/store.ts';

export interface LoadBalancerIngress {
  ip?: string;
  hostname?: string;
}

export interface PublishOptions {
  /** `namespace/name` of the Service that exposes HAProxy. */
  publishService: string | undefined;
  /** Explicit addresses or host names; win over the Service. */
  publishAddresses: readonly string[];
  /** --disable-ingress-status-update: Ingress status is never written. */
  disabled?: boolean;
}

/** The status every served Ingress should carry, or undefined when it cannot be known yet. */
export function publishedAddresses(
  snapshot: Snapshot,
  options: PublishOptions,
): LoadBalancerIngress[] | undefined {
  if (options.publishAddresses.length > 0)
    return normalize(options.publishAddresses.map((a) => (isIP(a) ? { ip: a } : { hostname: a })));
  if (!options.publishService) return undefined;
  const service = snapshot.services.get(options.publishService);
  if (!service) return undefined;
  const balancer = service.status.loadBalancer.ingress.filter((i) => i.ip || i.hostname);
  if (balancer.length > 0)
    return normalize(balancer.map((i) => (i.ip ? { ip: i.ip } : { hostname: i.hostname })));
  const ips = service.spec.clusterIPs ?? (service.spec.clusterIP ? [service.spec.clusterIP] : []);
  return normalize(ips.filter((ip) => ip && ip !== 'None').map((ip) => ({ ip })));
}

export interface StatusUpdate {
  namespace: string;
  name: string;
  ingress: LoadBalancerIngress[];
}

/** Ingresses whose status differs from the wanted one. */
export function statusUpdates(ingresses: readonly Ingress[], wanted: LoadBalancerIngress[]): StatusUpdate[] {
  const target = JSON.stringify(wanted);
  return ingresses
    .filter((i) => JSON.stringify(normalize(i.status.loadBalancer.ingress)) !== target)
    .map((i) => ({ namespace: i.metadata.namespace, name: i.metadata.name, ingress: wanted }));
}

function normalize(list: LoadBalancerIngress[]): LoadBalancerIngress[] {
  const seen = new Set<string>();
  return list
    .map((i) => (i.ip ? { ip: i.ip } : { hostname: i.hostname }))
    .filter((i) => {
      const key = i.ip ?? i.hostname ?? '';
      if (!key || seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => ((a.ip ?? a.hostname ?? '') < (b.ip ?? b.hostname ?? '') ? -1 : 1));
}
