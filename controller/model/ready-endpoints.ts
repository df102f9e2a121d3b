/**
 * Local mode has no cluster to run pods: a Service that routes use but that no
 * EndpointSlice gives a ready endpoint answers every request with 503. Said once
 * per Service, since in a directory of manifests it is a mistake, not a rollout.
 */
import { objectRef, type Problem, refLabel } from '../store/problems.ts';
import { nsName, type Snapshot } from '../store/store.ts';
import type { Backend } from './types.ts';

const SERVICE_NAME = 'kubernetes.io/service-name';

export function servicesWithoutReadyEndpoints(backends: readonly Backend[], snapshot: Snapshot): Problem[] {
  const byService = new Map<string, Backend[]>();
  for (const backend of backends) {
    const key = refLabel(backend.service);
    byService.set(key, [...(byService.get(key) ?? []), backend]);
  }
  const problems: Problem[] = [];
  for (const group of byService.values()) {
    const { namespace, name } = group[0]?.service ?? { namespace: '', name: '' };
    const service = snapshot.services.get(nsName(namespace, name));
    // A missing or ExternalName Service is reported where it is referenced.
    if (!service || service.spec.type === 'ExternalName') continue;
    if (group.some((b) => b.endpoints.some((e) => e.state === 'ready'))) continue;
    const slices = snapshot.endpointSlices.get(nsName(namespace, name)) ?? [];
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
