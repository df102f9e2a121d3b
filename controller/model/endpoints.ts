/** Pods of a Service port, from its EndpointSlices, with Kubernetes endpoint conditions applied. */
import { isIP } from 'node:net';
import type { EndpointSlice, ServicePort } from '../store/schemas.ts';
import type { Endpoint, EndpointState } from './types.ts';

/**
 * ready (or unknown) → serves; serving and terminating → drains (finishes what it
 * has, takes nothing new); anything else → not used.
 */
function stateOf(conditions: EndpointSlice['endpoints'][number]['conditions']): EndpointState | undefined {
  const terminating = conditions.terminating === true;
  if (!terminating && conditions.ready !== false) return 'ready';
  if (terminating && conditions.serving !== false) return 'drain';
  return undefined;
}

/** EndpointSlice ports are matched to the Service port by name (both empty for a lone unnamed port). */
export function endpointsFor(port: ServicePort, slices: readonly EndpointSlice[]): Endpoint[] {
  const byAddress = new Map<string, Endpoint>();
  const wanted = port.name ?? '';
  for (const slice of slices) {
    const slicePort = slice.ports.find((p) => (p.name ?? '') === wanted && p.protocol === port.protocol);
    if (!slicePort?.port) continue;
    for (const endpoint of slice.endpoints) {
      const state = stateOf(endpoint.conditions);
      if (!state) continue;
      for (const address of endpoint.addresses) {
        // FQDN slices are used where the name is an IP literal (the API server refuses
        // loopback and link-local IPs in IPv4/IPv6 slices, but not as names); real host
        // names would need DNS resolution at run time and are skipped.
        if (isIP(address) === 0) continue;
        const key = `${address}:${slicePort.port}`;
        // The same pod can appear in two slices while they are being rebalanced: prefer the serving view.
        if (byAddress.get(key)?.state === 'ready') continue;
        byAddress.set(key, { address, port: slicePort.port, state });
      }
    }
  }
  return [...byAddress.values()].sort(compareEndpoints);
}

export function compareEndpoints(a: Endpoint, b: Endpoint): number {
  return a.address < b.address ? -1 : a.address > b.address ? 1 : a.port - b.port;
}
