/**
 * Local mode has no cluster to run pods: a Service that routes use but that no
 * EndpointSlice gives a ready endpoint answers every request with 503. Said once
 * per Service, since in a directory of manifests it is a mistake, not a rollout.
 */
import { objectRef, type Problem } from '../store/problems.ts';
import { nsName, type Snapshot } from '../store/store.ts';
import type { Backend } from './types.ts';

const SERVICE_NAME = 'kubernetes.io/service-name';

/** Whether an endpoint list has a ready endpoint; lists are shared by backends and passes. */
const readyLists = new WeakMap<readonly Backend['endpoints'][number][], boolean>();
function hasReady(endpoints: Backend['endpoints']): boolean {
  let ready = readyLists.get(endpoints);
  if (ready === undefined) {
    ready = endpoints.some((e) => e.state === 'ready');
    readyLists.set(endpoints, ready);
  }
  return ready;
}

export function servicesWithoutReadyEndpoints(backends: readonly Backend[], snapshot: Snapshot): Problem[] {
  // Every pass runs this over every backend: one lookup each, and keys only for the few without a ready endpoint.
  const unready = new Map<string, Backend['service']>();
  for (const backend of backends)
    if (!hasReady(backend.endpoints))
      unready.set(nsName(backend.service.namespace, backend.service.name), backend.service);
  if (unready.size === 0) return [];
  // A Service is unready only if none of its backends (its ports, its variants) has a ready endpoint.
  const names = new Set([...unready.values()].map((service) => service.name));
  for (const { service, endpoints } of backends)
    if (names.has(service.name) && hasReady(endpoints))
      unready.delete(nsName(service.namespace, service.name));
  const problems: Problem[] = [];
  for (const [key, { name }] of unready) {
    const service = snapshot.services.get(key);
    // A missing or ExternalName Service is reported where it is referenced.
    if (!service || service.spec.type === 'ExternalName') continue;
    const slices = snapshot.endpointSlices.get(key) ?? [];
    problems.push({
      ref: objectRef('Service', service.metadata),
      reason: 'Unused',
      message:
        slices.length === 0
          ? `no ready endpoints: no EndpointSlice is labelled ${SERVICE_NAME}: ${name}, so requests get 503`
          : `no ready endpoints: its EndpointSlices list no ready endpoint on the ports in use, so requests get 503`,
      severity: 'warning',
    });
  }
  return problems;
}
