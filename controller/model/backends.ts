/**
 * Turns Ingress backend references into HAProxy backends: Service port lookup
 * (by number or name), endpoints, and per-backend settings resolved
 * Service > Ingress > ConfigMap > default.
 */
import type { Problem } from '../store/problems.ts';
import type { Ingress, IngressBackend } from '../store/schemas.ts';
import type { Snapshot } from '../store/store.ts';
import { nsName } from '../store/store.ts';
import { endpointsFor } from './endpoints.ts';
import { BACKEND_KEYS } from './settings/keys.ts';
import { resolveAll, type SettingsLayer } from './settings/registry.ts';
import type { Backend } from './types.ts';

export interface ServiceRef {
  namespace: string;
  name: string;
  port: { number: number } | { name: string };
}

export function backendName(ref: ServiceRef): string {
  const port = 'number' in ref.port ? ref.port.number : ref.port.name;
  return `${ref.namespace}_${ref.name}_${port}`;
}

export function serviceRefOf(ingress: Ingress, backend: IngressBackend): ServiceRef | undefined {
  if (!backend.service) return undefined;
  const { name, port } = backend.service;
  return {
    namespace: ingress.metadata.namespace,
    name,
    port: port.number !== undefined ? { number: port.number } : { name: port.name as string },
  };
}

/**
 * Builds backends on demand and remembers them, so that a backend shared by
 * many routes is resolved once. The first Ingress to reference a backend
 * (oldest first) supplies the Ingress-level settings.
 */
export class BackendCatalog {
  readonly #backends = new Map<string, Backend>();
  readonly #snapshot: Snapshot;
  readonly #configLayer: SettingsLayer | undefined;
  readonly #problems: Problem[];

  constructor(snapshot: Snapshot, configLayer: SettingsLayer | undefined, problems: Problem[]) {
    this.#snapshot = snapshot;
    this.#configLayer = configLayer;
    this.#problems = problems;
  }

  /** Returns the backend name for a reference; a missing Service still gets a (serverless → 503) backend. */
  use(ref: ServiceRef, referrer: Ingress | undefined, referrerLabel: string): string {
    const name = backendName(ref);
    if (this.#backends.has(name)) return name;
    const serviceKey = nsName(ref.namespace, ref.name);
    const service = this.#snapshot.services.get(serviceKey);
    const layers: SettingsLayer[] = [];
    if (service) {
      layers.push({
        scope: 'service',
        object: `Service ${serviceKey}`,
        values: service.metadata.annotations,
      });
    }
    if (referrer) {
      const { namespace, name: ingressName } = referrer.metadata;
      layers.push({
        scope: 'ingress',
        object: `Ingress ${namespace}/${ingressName}`,
        values: referrer.metadata.annotations,
      });
    }
    if (this.#configLayer) layers.push(this.#configLayer);
    const settings = resolveAll(BACKEND_KEYS, layers, this.#problems);
    const backend: Backend = { name, service: `Service ${serviceKey}`, settings, endpoints: [] };
    this.#backends.set(name, backend);

    const problem = (message: string) =>
      this.#problems.push({
        object: referrerLabel,
        field: `backend ${serviceKey}`,
        message,
        severity: 'error',
      });
    if (!service) {
      problem(`Service ${serviceKey} not found; requests get 503 until it exists`);
      return name;
    }
    if (service.spec.type === 'ExternalName') {
      problem(`Service ${serviceKey} is of type ExternalName, which is not supported; requests get 503`);
      return name;
    }
    const port = service.spec.ports.find((p) =>
      'number' in ref.port ? p.port === ref.port.number : p.name === ref.port.name,
    );
    if (!port) {
      const wanted = 'number' in ref.port ? ref.port.number : `"${ref.port.name}"`;
      problem(`Service ${serviceKey} has no port ${wanted}; requests get 503`);
      return name;
    }
    backend.endpoints = endpointsFor(port, this.#snapshot.endpointSlices.get(serviceKey) ?? []);
    return name;
  }

  list(): Backend[] {
    return [...this.#backends.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}
