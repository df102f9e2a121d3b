/**
 * Local mode has no cluster to run pods: a Service that routes use but that no
 * EndpointSlice gives a ready endpoint answers every request with 503. Said once
 * per Service, since in a directory of manifests it is a mistake, not a rollout.
 */
import { objectRef, type Problem } from '../store/problems.ts';
import { nsName, type Snapshot } from '../store/store.ts';
import type { Backend } from './types.ts';

const SERVICE_NAME = 'kubernetes.io/service-name';

export function servicesWithoutReadyEndpoints(backends: readonly Backend[], snapshot: Snapshot): Problem[] {
  // Every pass runs this over every backend: one map lookup each, no strings built for the many that serve.
  const ready = new Set<string>();
  const unready = new Map<string, Backend['service']>();
  for (const backend of backends) {
    const key = nsName(backend.service.namespace, backend.service.name);
    if (ready.has(key)) continue;
    if (backend.endpoints.some((e) => e.state === 'ready')) {
      ready.add(key);
      unready.delete(key);
    } else unready.set(key, backend.service);
  }
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
