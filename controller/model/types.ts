/**
 * The desired HAProxy state: what the model produces and the emitters apply.
 * Plain data, deterministic (sorted), free of Kubernetes shapes.
 */
import type { ObjectRef, Problem, ProblemRef } from '../store/problems.ts';
import type { Errorfile } from './errorfiles.ts';
import type { GatewayApiStatus } from './gateway/status-types.ts';
import type { PatternFile } from './pattern-files.ts';
import type { BackendPolicy } from './policy.ts';
import type { RequestCondition } from './request-conditions.ts';
import type { BACKEND_KEYS, DEFAULTS_KEYS, GLOBAL_KEYS } from './settings/keys.ts';
import type { Resolved } from './settings/registry.ts';
import type { TcpService } from './tcp-services.ts';
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

/** Raw HAProxy lines an operator allowed (--allow-config-snippets), with the key that set them. */
export interface Snippet {
  lines: string[];
  ref: ProblemRef;
  field: string;
}

/** http: HAProxy terminates HTTP; tcp: bytes pass through (ssl-passthrough). */
export type BackendMode = 'http' | 'tcp';

export interface Backend {
  /** HAProxy backend name, `<namespace>_<service>_<port>`. */
  name: string;
  /** The Service, for the stats page and for problems. */
  service: ObjectRef;
  mode: BackendMode;
  settings: BackendSettings;
  /** What the request keys make HAProxy do with the route's requests (controller/model/policy.ts). */
  policy: BackendPolicy;
  servers: ServerSizing;
  /** backend-config-snippet, when snippets are allowed. */
  snippet?: Snippet;
  /** Sorted by address, then port. */
  endpoints: Endpoint[];
}

export type { Certificate } from './tls.ts';

/**
 * How a route's path is compared with the request path: Ingress v1 (ImplementationSpecific
 * is Prefix, or StringPrefix in the ingress-nginx dialect) and Gateway API (PathPrefix is
 * Prefix; a RegularExpression matches the whole path). Prefix is element-wise (`/api` takes
 * `/api` and `/api/x`, never `/apix`); StringPrefix is a plain string prefix, as an nginx
 * `location /api` (`/api` takes `/apix` too).
 */
export type PathMatch = 'Exact' | 'Prefix' | 'StringPrefix' | 'RegularExpression';

/** One resolved routing rule: requests for `vhost` whose path matches go to `backend`. */
export interface Route {
  /**
   * An exact host, a `*.parent` wildcard (one label), a `**.parent` wildcard (one or more
   * labels: a Gateway API wildcard), or `*` (ANY_HOST) for rules without host.
   */
  vhost: string;
  /**
   * Exact and StringPrefix: as written. Prefix: without trailing slash, `/` for the root.
   * RegularExpression: the pattern.
   */
  path: string;
  match: PathMatch;
  /** Backend name, or the name of a weighted split (Routing.splits). */
  backend: string;
  /** Further conditions on the request (Gateway API matches), all of which must hold. */
  conditions?: readonly RequestCondition[];
  /** Declared listener ports whose frontends serve the route; absent: the HTTP (80) and HTTPS (443) ones. */
  ports?: readonly number[];
}

/** Requests split between backends by weight (Gateway API backendRefs); routes name it instead of a backend. */
export interface Split {
  /** `~<id>`. */
  name: string;
  /** Derived from the rule that makes the split, so it stays while weights change. */
  id: number;
  /** Weights above 0. */
  shares: { backend: string; weight: number }[];
}

/** A frontend beyond the HTTP (80) and HTTPS (443) ones: a declared Gateway listener port, bound as declared. */
export interface ListenerFrontend {
  port: number;
  tls: boolean;
}

/** A vhost that has rules, and where its requests go when none of its routes matches. */
export interface Vhost {
  name: string;
  /** The defaultBackend of the oldest Ingress that names the vhost; else the routing default. */
  fallback: string | undefined;
  /** Declared listener ports the vhost is served on; absent: the HTTP (80) and HTTPS (443) frontends. */
  ports?: readonly number[];
}

/**
 * Everything the frontends route by. Applied over the Runtime API (one map,
 * committed atomically) as long as every backend it names already exists.
 */
export interface Routing {
  /** Hosts and wildcards that have rules, plus `*` when rules without host exist. Sorted. */
  vhosts: Vhost[];
  /**
   * Sorted by vhost, then path, Exact before Prefix before StringPrefix; regular expressions last, longest
   * first; routes that share these come most specific first (controller/model/request-conditions.ts).
   */
  routes: Route[];
  /** Weighted splits the routes name, by name. */
  splits?: Split[];
  /** Backend for requests no vhost, route or vhost fallback takes. */
  defaultBackend: string;
  /** ssl-passthrough: SNI name (exact or `*.` wildcard) → TCP backend, sorted. */
  passthrough: [sni: string, backend: string][];
}

export interface DesiredState {
  global: Resolved<typeof GLOBAL_KEYS>;
  /** `logTraffic`: some log target keeps the per-request lines (level info). */
  defaults: Resolved<typeof DEFAULTS_KEYS> & { timeoutServer: string; logTraffic: boolean };
  routing: Routing;
  /** global-, frontend- and stats-config-snippet, when snippets are allowed. */
  snippets: { global?: Snippet; frontend?: Snippet; stats?: Snippet };
  backends: Backend[];
  tls: TlsState;
  /** Frontends that Gateway listeners on other ports than 80 and 443 need, by port. */
  listeners?: ListenerFrontend[];
  /** Gateway API status, written (cluster mode) once HAProxy serves this state. */
  gatewayStatus?: GatewayApiStatus;
  /** --configmap-tcp-services: a TCP frontend per entry (controller/model/tcp-services.ts). */
  tcpServices?: { services: TcpService[]; logFormat: string | undefined };
  /** --configmap-errorfiles: HAProxy's error pages replaced by status code. */
  errorfiles?: Errorfile[];
  /** --configmap-patternfiles: the pattern files access lists read; their content changes at run time. */
  patternFiles?: PatternFile[];
  problems: Problem[];
}

/** Name of the built-in backend that answers 404 when nothing else applies. */
export const BUILTIN_DEFAULT_BACKEND = 'default_backend_404';
/** Name of the built-in backend that answers 500: Gateway API rules that cannot be served as written. */
export const BUILTIN_ERROR_BACKEND = 'gateway_backend_500';
/** Name of the catch-all vhost, for rules without a host. */
export const ANY_HOST = '*';
