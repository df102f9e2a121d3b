/**
 * The desired HAProxy state: what the model produces and the emitters apply.
 * Plain data, deterministic (sorted), free of Kubernetes shapes.
 */
import type { ObjectRef, Problem } from '../store/problems.ts';
import type { BackendPolicy } from './policy.ts';
import type { BACKEND_KEYS, DEFAULTS_KEYS, GLOBAL_KEYS } from './settings/keys.ts';
import type { Resolved } from './settings/registry.ts';
import type { TlsState } from './tls.ts';

export type EndpointState = 'ready' | 'drain';

export interface Endpoint {
  address: string;
  port: number;
  state: EndpointState;
}

/** Per-backend settings, one field per key of BACKEND_KEYS. */
export type BackendSettings = Resolved<typeof BACKEND_KEYS>;

/**
 * How many `server` lines a backend has: its pods plus a little headroom,
 * resized at run time (`add server` / `del server`); or pre-sized slots in
 * steps, where servers-increment is set or the balance algorithm cannot take
 * servers at run time.
 */
export type ServerSizing =
  | { kind: 'pods' }
  /** `addAtRunTime`: when the slots run out, HAProxy can still take more servers without a reload. */
  | { kind: 'increment'; step: number; addAtRunTime: boolean };

export interface Backend {
  /** HAProxy backend name, `<namespace>_<service>_<port>`. */
  name: string;
  /** The Service, for the stats page and for problems. */
  service: ObjectRef;
  settings: BackendSettings;
  /** What the request keys make HAProxy do with the route's requests (controller/model/policy.ts). */
  policy: BackendPolicy;
  servers: ServerSizing;
  /** Sorted by address, then port. */
  endpoints: Endpoint[];
}

export interface Certificate {
  /** File name in the certificate directory, `<namespace>_<secret>.pem`. */
  file: string;
  /** Certificate chain followed by the private key. */
  pem: string;
  /** SNI names this certificate is served for (may include `*.` wildcards). */
  sni: string[];
}

/** How a route's path is compared with the request path (Ingress v1; ImplementationSpecific is Prefix). */
export type PathMatch = 'Exact' | 'Prefix';

/** One resolved routing rule: requests for `vhost` whose path matches go to `backend`. */
export interface Route {
  /** An exact host, a `*.parent` wildcard (one label), or `*` (ANY_HOST) for rules without host. */
  vhost: string;
  /** Exact: as written. Prefix: without trailing slash, `/` for the root. */
  path: string;
  match: PathMatch;
  /** Backend name. */
  backend: string;
}

/** A vhost that has rules, and where its requests go when none of its routes matches. */
export interface Vhost {
  name: string;
  /** The defaultBackend of the oldest Ingress that names the vhost; else the routing default. */
  fallback: string | undefined;
}

/**
 * Everything the frontends route by. Applied over the Runtime API (one map,
 * committed atomically) as long as every backend it names already exists.
 */
export interface Routing {
  /** Hosts and wildcards that have rules, plus `*` when rules without host exist. Sorted. */
  vhosts: Vhost[];
  /** Sorted by vhost, then path, Exact before Prefix. */
  routes: Route[];
  /** Backend for requests no vhost, route or vhost fallback takes. */
  defaultBackend: string;
  /** ssl-passthrough: SNI name (exact or `*.` wildcard) → TCP backend, sorted. */
  passthrough: [sni: string, backend: string][];
}

export interface DesiredState {
  global: Resolved<typeof GLOBAL_KEYS>;
  defaults: Resolved<typeof DEFAULTS_KEYS> & { timeoutServer: string };
  routing: Routing;
  backends: Backend[];
  tls: TlsState;
  problems: Problem[];
}

/** Name of the built-in backend that answers 404 when nothing else applies. */
export const BUILTIN_DEFAULT_BACKEND = 'default_backend_404';
/** Name of the catch-all vhost, for rules without a host. */
export const ANY_HOST = '*';
