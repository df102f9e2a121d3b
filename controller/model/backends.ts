/**
 * Turns Ingress backend references into HAProxy backends: Service port lookup
 * (by number or name), endpoints, per-backend settings and request policy
 * resolved Service > Ingress > ConfigMap > default.
 *
 * A backend is a Service port plus everything resolved for the routes that
 * use it. Routes whose Ingresses resolve to the same settings share one
 * backend; a route that resolves differently (other annotations on its
 * Ingress, or TLS on its host) gets its own variant of the backend, with the
 * same endpoints.
 */
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { objectRef, type Problem, type ProblemRef } from '../store/problems.ts';
import type { Ingress, IngressBackend, Secret, Service, ServicePort } from '../store/schemas.ts';
import type { Snapshot } from '../store/store.ts';
import { nsName } from '../store/store.ts';
import { decideMode } from './backend-mode.ts';
import { endpointsFor } from './endpoints.ts';
import { type EndpointSource, ModelMemo, type Resolution } from './memo.ts';
import { type BackendPolicy, resolvePolicy } from './policy.ts';
import { resolveServerTls } from './server-tls.ts';
import { type DialectOptions, ingressLayers } from './settings/ingress-nginx/dialect.ts';
import { BACKEND_KEYS } from './settings/keys.ts';
import { settleCookiePersistence } from './settings/reference-keys.ts';
import { type Origins, resolveAll, type SettingsLayer } from './settings/registry.ts';
import type { REQUEST_KEYS } from './settings/request-keys.ts';
import type { TlsFile } from './tls.ts';
import type { Backend, BackendSettings, Endpoint, ServerSizing } from './types.ts';

/** Algorithms HAProxy accepts `add server` for (a dynamic load-balancing algorithm). */
const DYNAMIC_ALGORITHMS = /^(roundrobin|leastconn|first|random)\b/;
/** Step for pre-sized slots when the algorithm needs them and servers-increment is unset. */
export const STATIC_ALGORITHM_STEP = 42;

export function serverSizing(settings: BackendSettings): ServerSizing {
  // service-upstream: one fixed server, the Service's cluster IP; nothing to add or delete at run time.
  if (settings.serviceUpstream) return { kind: 'increment', step: 1, addAtRunTime: false };
  // A static cookie names its server, and HAProxy sets none on a server added at run time.
  const addAtRunTime =
    DYNAMIC_ALGORITHMS.test(settings.loadBalance) && settings.cookiePersistenceNoDynamic === undefined;
  if (settings.serversIncrement !== undefined)
    return { kind: 'increment', step: settings.serversIncrement, addAtRunTime };
  return addAtRunTime ? { kind: 'pods' } : { kind: 'increment', step: STATIC_ALGORITHM_STEP, addAtRunTime };
}

/** The cluster IP of a Service that has one: not headless (None), not ExternalName. */
export function clusterIpOf(service: Service): string | undefined {
  if (service.spec.type === 'ExternalName') return undefined;
  const ip = service.spec.clusterIP ?? service.spec.clusterIPs?.[0];
  return ip && isIP(ip) !== 0 ? ip : undefined;
}

/** service-upstream on a Service without a cluster IP: reported where the key was set; the pods are used. */
export function noClusterIp(
  service: Service,
  ref: ProblemRef,
  field = 'haproxy.org/service-upstream',
): Problem {
  const what =
    service.spec.type === 'ExternalName'
      ? 'is of type ExternalName'
      : service.spec.clusterIP === 'None'
        ? 'is headless (clusterIP None)'
        : 'has no cluster IP';
  return {
    ref,
    field,
    reason: 'Ineffective',
    message: `Service ${service.metadata.namespace}/${service.metadata.name} ${what}: there is no cluster IP to send requests to; its pods are used`,
    severity: 'warning',
  };
}

/** One endpoint per Service port object, so that an unchanged Service gives the same array. */
const clusterEndpointsOf = new WeakMap<ServicePort, Endpoint[]>();

/** service-upstream: the one server, the cluster IP and the Service port; undefined without a cluster IP. */
export function clusterEndpoints(service: Service | undefined, port: ServicePort): Endpoint[] | undefined {
  const ip = service && clusterIpOf(service);
  if (!ip) return undefined;
  let endpoints = clusterEndpointsOf.get(port);
  if (endpoints?.[0]?.address !== ip) {
    endpoints = [{ address: ip, port: port.port, state: 'ready' }];
    clusterEndpointsOf.set(port, endpoints);
  }
  return endpoints;
}

export interface ServiceRef {
  namespace: string;
  name: string;
  port: { number: number } | { name: string };
}

/**
 * What a route asks of a backend beyond the Service's and the ConfigMap's
 * settings (Gateway API filters and backend protocol); `key` identifies it.
 */
export interface BackendExtra {
  key: string;
  policy?: Partial<BackendPolicy>;
  settings?: Partial<BackendSettings>;
}

export function backendName(ref: ServiceRef): string {
  const port = 'number' in ref.port ? ref.port.number : ref.port.name;
  return `${ref.namespace}_${ref.name}_${port}`;
}

/**
 * What a variant resolved to (mode, settings, policy as JSON), kept as its SHA-256 digest
 * (hex): 10,000 backends' JSON would hold megabytes for an equality test.
 */
export const identityOf = (resolved: unknown): string =>
  createHash('sha256').update(JSON.stringify(resolved)).digest('hex');

/**
 * Name of a further variant of a backend: the base name and the start of the
 * digest of what the variant resolved to. Service and port names never
 * contain `_`, so it cannot collide with another Service's base name.
 */
export function variantName(base: string, identity: string): string {
  return `${base}_${identity.slice(0, 10)}`;
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

interface Variants {
  /** Resolved settings and policy (as JSON) → backend. */
  byIdentity: Map<string, Backend>;
  endpoints: Endpoint[];
  /** The Service port the endpoints come from; none when the Service or port is missing. */
  source: EndpointSource | undefined;
  /** Why there are no endpoints (Service or port missing), told to every referrer. */
  unresolved?: { field: string; message: string };
}

/**
 * Builds backends on demand and remembers them. The first variant of a
 * Service port (in Ingress age order) keeps the base name `<ns>_<svc>_<port>`,
 * so adding a newer Ingress never renames the backend of an older one.
 */
export class BackendCatalog {
  readonly #variants = new Map<string, Variants>();
  /** (base name, referrer, TLS) → backend name: each combination is resolved once. */
  readonly #resolved = new Map<string, string>();
  readonly #users = new Map<string, Set<string>>();
  readonly #snapshot: Snapshot;
  readonly #configLayer: SettingsLayer | undefined;
  readonly #problems: Problem[];
  readonly #memo: ModelMemo;
  readonly #files = new Map<string, TlsFile>();
  readonly #dialect: DialectOptions;

  constructor(
    snapshot: Snapshot,
    configLayer: SettingsLayer | undefined,
    problems: Problem[],
    memo = new ModelMemo(),
    dialect: DialectOptions = {},
  ) {
    this.#dialect = dialect;
    this.#snapshot = snapshot;
    this.#configLayer = configLayer;
    this.#problems = problems;
    this.#memo = memo;
  }

  /**
   * Returns the backend name for a reference from `referrer` (for a route of
   * `vhost`, if any); a missing Service still gets a (serverless → 503) backend.
   */
  use(
    ref: ServiceRef,
    referrer: Ingress | undefined,
    referrerRef: ProblemRef,
    tlsHost = false,
    key?: string,
    extra?: BackendExtra,
  ): string {
    const referrerKey = () => (referrer ? nsName(referrer.metadata.namespace, referrer.metadata.name) : '');
    const cacheKey = `${key ?? `${backendName(ref)}\u0000${referrerKey()}\u0000${tlsHost}`}${extra ? `\u0000${extra.key}` : ''}`;
    const cached = this.#resolved.get(cacheKey);
    if (cached) return this.#usedBy(cached, referrerKey());
    const base = backendName(ref);

    const serviceKey = nsName(ref.namespace, ref.name);
    const service = this.#snapshot.services.get(serviceKey);
    const secrets = this.#snapshot.secrets;
    const serviceRef = objectRef('Service', { namespace: ref.namespace, name: ref.name });
    const { mode, settings, policy, identity, problems, files, snippet } = this.#memo.resolution(
      cacheKey,
      [service, referrer, this.#configLayer?.values],
      (key) => secrets.get(key),
      (): Resolution => {
        const layers: SettingsLayer[] = [];
        if (service)
          layers.push({
            scope: 'service',
            ref: objectRef('Service', service.metadata),
            values: service.metadata.annotations,
          });
        const ingress = referrer && ingressLayers(referrer, this.#dialect);
        if (ingress) layers.push(...ingress.before);
        if (this.#configLayer) layers.push(this.#configLayer);
        if (ingress) layers.push(...ingress.after);
        const found: Problem[] = [];
        const read: [string, Secret | undefined][] = [];
        const secretOf = (key: string) => {
          const secret = secrets.get(key);
          read.push([key, secret]);
          return secret;
        };
        const origins: Origins<typeof BACKEND_KEYS> = {};
        const resolved = settleCookiePersistence(
          { ...resolveAll(BACKEND_KEYS, layers, found, origins), ...extra?.settings },
          origins,
          found,
        );
        if (resolved.serviceUpstream && service && !clusterIpOf(service)) {
          found.push(
            noClusterIp(service, origins.serviceUpstream?.ref ?? serviceRef, origins.serviceUpstream?.field),
          );
          resolved.serviceUpstream = false;
        }
        const serverTls = resolveServerTls(resolved, origins, ref.namespace, secretOf, found);
        const requestOrigins: Origins<typeof REQUEST_KEYS> = {};
        const requested = resolvePolicy(
          layers,
          { tlsHost, namespace: ref.namespace, referrer: referrerRef },
          secretOf,
          found,
          requestOrigins,
        );
        const { mode, settings, policy } = decideMode(
          serverTls.settings,
          { ...requested, ...extra?.policy },
          { backend: origins, request: requestOrigins },
          found,
        );
        const identity = identityOf({
          mode,
          settings,
          policy,
          ...(settings.standaloneBackend && { referrer: referrerKey() }),
        });
        return {
          inputs: [service, referrer, this.#configLayer?.values],
          secrets: read,
          mode,
          settings,
          policy,
          identity,
          problems: found,
          files: serverTls.files,
          snippet: origins.backendConfigSnippet && {
            lines: settings.backendConfigSnippet,
            ref: origins.backendConfigSnippet.ref,
            field: origins.backendConfigSnippet.field,
          },
        };
      },
    );
    this.#problems.push(...problems);
    for (const file of files) this.#files.set(file.file, file);

    let variants = this.#variants.get(base);
    if (!variants) {
      variants = { byIdentity: new Map(), ...this.#endpoints(ref) };
      this.#variants.set(base, variants);
    }
    // Each Ingress that names a missing Service or port hears of it, not only the first.
    if (variants.unresolved)
      this.#problems.push({
        ref: referrerRef,
        reason: 'UnresolvedReference',
        severity: 'error',
        ...variants.unresolved,
      });
    // service-upstream: the cluster IP, which does not follow the EndpointSlices (no source).
    const upstream =
      settings.serviceUpstream && variants.source && clusterEndpoints(service, variants.source.port);
    let backend = variants.byIdentity.get(identity);
    if (!backend) {
      backend = {
        // standalone-backend: never the shared base name, always one of the Ingress's own.
        name:
          !settings.standaloneBackend && ![...variants.byIdentity.values()].some((b) => b.name === base)
            ? base
            : variantName(base, identity),
        service: serviceRef,
        mode,
        settings,
        policy,
        servers: serverSizing(settings),
        ...(snippet && { snippet }),
        endpoints: upstream || variants.endpoints,
      };
      variants.byIdentity.set(identity, backend);
      this.#memo.endpointSource(backend.name, upstream ? undefined : variants.source);
    }
    this.#resolved.set(cacheKey, backend.name);
    return this.#usedBy(backend.name, referrerKey());
  }

  #usedBy(name: string, referrer: string): string {
    const users = this.#users.get(name);
    if (users) users.add(referrer);
    else this.#users.set(name, new Set([referrer]));
    return name;
  }

  /** Backend name → `namespace/name` of each Ingress that uses it (`''`: a flag or a route of the Gateway API). */
  users(): Map<string, Set<string>> {
    return this.#users;
  }

  /** Names of the backends that share a Service port with another variant: named by who came first. */
  variantNames(): Set<string> {
    const names = new Set<string>();
    for (const variants of this.#variants.values())
      if (variants.byIdentity.size > 1)
        for (const backend of variants.byIdentity.values()) names.add(backend.name);
    return names;
  }

  /** The endpoints of a Service port, or why there are none. */
  #endpoints(ref: ServiceRef): Pick<Variants, 'endpoints' | 'source' | 'unresolved'> {
    const serviceKey = nsName(ref.namespace, ref.name);
    const service = this.#snapshot.services.get(serviceKey);
    const problem = (message: string) => ({
      endpoints: [],
      source: undefined,
      unresolved: { field: `backend ${serviceKey}`, message },
    });
    if (!service) return problem(`Service ${serviceKey} not found; requests get 503 until it exists`);
    if (service.spec.type === 'ExternalName')
      return problem(
        `Service ${serviceKey} is of type ExternalName, which is not supported; requests get 503`,
      );
    const port = service.spec.ports.find((p) =>
      'number' in ref.port ? p.port === ref.port.number : p.name === ref.port.name,
    );
    if (!port) {
      const wanted = 'number' in ref.port ? ref.port.number : `"${ref.port.name}"`;
      return problem(`Service ${serviceKey} has no port ${wanted}; requests get 503`);
    }
    const slices = this.#snapshot.endpointSlices.get(serviceKey) ?? [];
    return {
      endpoints: this.#memo.endpoints(port, slices, () => endpointsFor(port, slices)),
      source: { port, serviceKey },
    };
  }

  /** CA bundles and client certificates of the backends' server TLS. */
  files(): TlsFile[] {
    return [...this.#files.values()];
  }

  list(): Backend[] {
    return [...this.#variants.values()]
      .flatMap((v) => [...v.byIdentity.values()])
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}
