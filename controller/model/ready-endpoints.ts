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

/** Per Service (`namespace/name`), how many of its backends there are and how many have a ready endpoint. */
interface Readiness {
  backends: readonly Backend[];
  services: Map<string, { service: Backend['service']; total: number; ready: number }>;
  /** The Services none of whose backends has a ready endpoint. */
  unready: Set<string>;
}

/**
 * The last call's readiness, brought forward: a backend that is the same object at the
 * same place counts as before, so at 10,000 backends a pass recounts only the changed ones.
 */
let last: Readiness | undefined;

function readinessOf(backends: readonly Backend[]): Readiness {
  const known = last && last.backends.length === backends.length ? last : undefined;
  const readiness: Readiness = known ?? { backends, services: new Map(), unready: new Set() };
  const count = (backend: Backend, sign: 1 | -1) => {
    const key = nsName(backend.service.namespace, backend.service.name);
    const tally = readiness.services.get(key) ?? { service: backend.service, total: 0, ready: 0 };
    tally.total += sign;
    if (hasReady(backend.endpoints)) tally.ready += sign;
    if (tally.total === 0) readiness.services.delete(key);
    else readiness.services.set(key, tally);
    if (tally.total > 0 && tally.ready === 0) readiness.unready.add(key);
    else readiness.unready.delete(key);
  };
  for (let i = 0; i < backends.length; i++) {
    const backend = backends[i] as Backend;
    const before = known?.backends[i];
    if (before === backend) continue;
    if (before) count(before, -1);
    count(backend, 1);
  }
  readiness.backends = backends;
  last = readiness;
  return readiness;
}

export function servicesWithoutReadyEndpoints(backends: readonly Backend[], snapshot: Snapshot): Problem[] {
  // A Service is unready only if none of its backends (its ports, its variants) has a ready endpoint.
  const { services, unready } = readinessOf(backends);
  if (unready.size === 0) return [];
  const problems: Problem[] = [];
  for (const key of [...unready].sort()) {
    const { name } = (services.get(key) as { service: Backend['service'] }).service;
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
