/**
 * The desired HAProxy state: what the model produces and the emitters apply.
 * Plain data, deterministic (sorted), free of Kubernetes shapes.
 */
import type { Problem } from '../store/problems.ts';
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

export interface Backend {
  /** HAProxy backend name, `<namespace>_<service>_<port>`. */
  name: string;
  /** `Service namespace/name`, for the stats page and for problems. */
  service: string;
  settings: BackendSettings;
  /** What the request keys make HAProxy do with the route's requests (controller/model/policy.ts). */
  policy: BackendPolicy;
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

/** Routing tables, each written to a map file. Keys are `vhost + path`. */
export interface Routes {
  /** Exact and wildcard hosts that have rules; the rest fall to the catch-all vhost `*`. */
  hosts: string[];
  /** Full-path matches: Exact paths, and Prefix paths matched in full. */
  exact: [key: string, backend: string][];
  /** Prefix matches (keys end with `/`); HAProxy picks the longest. */
  prefix: [key: string, backend: string][];
  /** Per-vhost fallback from the defaultBackend of the Ingress that defines the vhost. */
  hostDefaults: [vhost: string, backend: string][];
}

export interface DesiredState {
  global: Resolved<typeof GLOBAL_KEYS>;
  defaults: Resolved<typeof DEFAULTS_KEYS> & { timeoutServer: string };
  routes: Routes;
  /** Backend name for requests no rule matches. */
  defaultBackend: string;
  backends: Backend[];
  tls: TlsState;
  problems: Problem[];
}

/** Name of the built-in backend that answers 404 when nothing else applies. */
export const BUILTIN_DEFAULT_BACKEND = 'default_backend_404';
/** Name of the catch-all vhost, for rules without a host. */
export const ANY_HOST = '*';
