/**
 * Cluster mode: Kubernetes objects from the API server, one reflector per
 * watched collection, all feeding the same store as the manifests source.
 */
import type { Logger } from 'pino';
import type { ApiClient } from '../../cluster/api-client.ts';
import type { Store } from '../../store/store.ts';
import type { Source } from '../source.ts';
import { DEFAULT_TIMING, Reflector, type ReflectorStatus, type ReflectorTiming } from './reflector.ts';
import { RESOURCES } from './resources.ts';

export interface KubernetesSourceOptions {
  /** `namespace/name` of the ConfigMap with global settings. */
  configMap: string;
  /** Further ConfigMaps the controller reads (TCP services, error pages, pattern files); no others are watched. */
  extraConfigMaps?: readonly string[];
  /** Watch only these namespaces (empty: all). */
  namespaces: readonly string[];
  /** Ignore objects in these namespaces. */
  excludedNamespaces: readonly string[];
  timing?: Partial<ReflectorTiming>;
  /** Told of every list/watch failure, by resource (for metrics). */
  onFailure?: (resource: string) => void;
  /** Told of every watch that ended with 410 Gone, by resource (for metrics). */
  onExpired?: (resource: string) => void;
}

/** Secrets the controller may need: certificates, CAs and auth users. Tokens and the like are never held. */
const SECRET_TYPES = new Set(['kubernetes.io/tls', 'Opaque']);

export class KubernetesSource implements Source {
  readonly name = 'kubernetes';
  readonly #client: ApiClient;
  readonly #options: KubernetesSourceOptions;
  readonly #log: Logger;
  #reflectors: Reflector[] = [];

  constructor(client: ApiClient, options: KubernetesSourceOptions, log: Logger) {
    this.#client = client;
    this.#options = options;
    this.#log = log.child({ source: 'kubernetes' });
  }

  async start(store: Store): Promise<void> {
    const timing = { ...DEFAULT_TIMING, ...this.#options.timing };
    const excluded = new Set(this.#options.excludedNamespaces);
    const namespaceOf = (raw: Record<string, unknown>) =>
      ((raw.metadata ?? {}) as { namespace?: string }).namespace ?? '';
    const common = {
      client: this.#client,
      store,
      log: this.#log,
      timing,
      onFailure: this.#options.onFailure,
      onExpired: this.#options.onExpired,
    };
    const scopes = this.#options.namespaces.length ? this.#options.namespaces : [undefined];

    for (const kind of [
      'Ingress',
      'Service',
      'EndpointSlice',
      'Secret',
      'Gateway',
      'HTTPRoute',
      'GRPCRoute',
      'ReferenceGrant',
    ] as const) {
      for (const namespace of scopes) {
        this.#reflectors.push(
          new Reflector({
            ...common,
            resource: RESOURCES[kind],
            namespace,
            keep: (raw) =>
              !excluded.has(namespaceOf(raw)) &&
              (kind !== 'Secret' || SECRET_TYPES.has(String(raw.type ?? 'Opaque'))),
          }),
        );
      }
    }
    this.#reflectors.push(new Reflector({ ...common, resource: RESOURCES.IngressClass }));
    this.#reflectors.push(new Reflector({ ...common, resource: RESOURCES.GatewayClass }));
    // Namespaces for their labels (listeners select route namespaces by label): only the watched ones.
    for (const namespace of scopes)
      this.#reflectors.push(
        new Reflector({
          ...common,
          resource: RESOURCES.Namespace,
          fieldSelector: namespace ? `metadata.name=${namespace}` : undefined,
          keep: (raw) => !excluded.has(String((raw.metadata as { name?: string } | undefined)?.name)),
        }),
      );
    const configMaps = new Set([this.#options.configMap, ...(this.#options.extraConfigMaps ?? [])]);
    for (const configMap of configMaps) {
      const [namespace, name] = configMap.split('/');
      this.#reflectors.push(
        new Reflector({
          ...common,
          resource: RESOURCES.ConfigMap,
          namespace,
          fieldSelector: `metadata.name=${name}`,
        }),
      );
    }
    await Promise.all(this.#reflectors.map((r) => r.start()));
    this.#log.info({ collections: this.#reflectors.length }, 'initial sync from the API server complete');
  }

  async stop(): Promise<void> {
    await Promise.all(this.#reflectors.map((r) => r.stop()));
  }

  status(): ReflectorStatus[] {
    return this.#reflectors.map((r) => r.status);
  }
}
