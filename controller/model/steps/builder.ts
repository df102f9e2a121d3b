/**
 * The shared builder the build steps fill, in the spirit of Contour's DAG
 * processors: each step reads the inputs and what the steps before it added,
 * and adds its own typed result under its name. Pure: no I/O.
 */
import type { Problem } from '../../store/problems.ts';
import type { Ingress } from '../../store/schemas.ts';
import type { Snapshot } from '../../store/store.ts';
import type { GatewayApiModel, GatewayApiOptions } from '../gateway/gateway-api.ts';
import type { GatewayApiStatus } from '../gateway/status-types.ts';
import type { ModelMemo } from '../memo.ts';
import type { PatternFile } from '../pattern-files.ts';
import type { DialectOptions } from '../settings/ingress-nginx/dialect.ts';
import type { GLOBAL_KEYS } from '../settings/keys.ts';
import type { Origins, SettingsLayer } from '../settings/registry.ts';
import type { TcpServices } from '../tcp-services.ts';
import type { TlsFile, TlsState } from '../tls.ts';
import type { Backend, DesiredState, Routing } from '../types.ts';

export interface ModelOptions extends DialectOptions {
  /** `namespace/name` of the ConfigMap with global settings. */
  configMap: string;
  ingressClass: string;
  emptyIngressClass: boolean;
  /** `namespace/name` of a Service that answers requests no rule matches. */
  defaultBackendService: string | undefined;
  /** `namespace/name` of the TLS Secret served when no SNI name matches. */
  defaultSslCertificate: string | undefined;
  /** Honour the *-config-snippet keys (raw HAProxy lines); off unless the operator opts in. */
  allowConfigSnippets?: boolean;
  /** `namespace/name` of the reference controller's TCP services ConfigMap. */
  tcpServicesConfigMap?: string;
  /** `namespace/name` of the ConfigMap of error pages (status code → raw HTTP response). */
  errorfilesConfigMap?: string;
  /** `namespace/name` of the ConfigMap of pattern files (name → patterns, one a line). */
  patternfilesConfigMap?: string;
  /**
   * Local mode (a manifests directory, no cluster): Ingresses without class are served when
   * the directory holds no IngressClass, and a Service without ready endpoints is reported.
   */
  local?: boolean;
  /** Our GatewayClasses' controllerName and the ports Gateway listeners may not claim. */
  gatewayApi?: GatewayApiOptions;
}

/** What every step may read. */
export interface BuildInputs {
  snapshot: Snapshot;
  options: ModelOptions;
  /** What earlier passes computed (memo.ts). */
  memo: ModelMemo;
  /** The snapshot's problems, then each step's, in step order. */
  problems: Problem[];
}

/** classes.ts: the ConfigMap's settings and the Ingresses of our class. */
export interface ClassesResult {
  configLayer: SettingsLayer | undefined;
  /** The ConfigMap layer, when there is one: what backend settings fall back to. */
  layers: SettingsLayer[];
  /** Before snippet removal (see BackendsResult.global). */
  global: DesiredState['global'];
  /** Where each global key was set, for the snippets' refs. */
  globalOrigins: Origins<typeof GLOBAL_KEYS>;
  defaults: DesiredState['defaults'];
  /** Ours, oldest first. */
  ingresses: Ingress[];
}

/**
 * Who depends on what in the route table: a route-only change rebuilds the
 * vhosts it touches from their readers alone (route-delta.ts).
 */
export interface RouteFacts {
  /** vhost → `namespace/name` of every Ingress whose routes for it depend on it (RouteTable.noteReader). */
  readers: Map<string, Set<string>>;
  /** Backend name → the Ingresses that use it (`''`: a flag or the Gateway API). */
  users: Map<string, Set<string>>;
  /** Backends named by which variant of their Service port came first. */
  variantNames: ReadonlySet<string>;
}

/** routes.ts: the route table resolved, and the backends routes name. */
export interface RoutesResult {
  /** Vhosts, routes, splits and default backend; passthrough still empty (policies.ts). */
  routing: Routing;
  /** Route key → why its routes lost to Ingresses: the Gateway API status says so. */
  shadowed: ReadonlyMap<string, readonly string[]>;
  gatewayApi: GatewayApiModel;
  /** Every backend a route, fallback or default names (Ingress ones, then Gateway API ones). */
  backends: Backend[];
  /** Server TLS files (CA bundles, client certificates) the backends' settings name. */
  serverFiles: TlsFile[];
  facts: RouteFacts;
}

/** backends.ts: the backends as served. */
export interface BackendsResult {
  /** Global settings, snippets removed unless allowed. */
  global: DesiredState['global'];
  /** The routes' backends, snippets removed unless allowed. */
  settled: Backend[];
  tcp: TcpServices;
  /** Every backend, by name, the previous pass's object where nothing in it changed. */
  list: Backend[];
}

/** policies.ts: the routing with passthrough split off, the Gateway API status, pattern files. */
export interface PoliciesResult {
  routing: Routing;
  gatewayStatus: GatewayApiStatus;
  patternFiles: PatternFile[];
}

/** The builder once every step has run; each step adds the field of its name. */
export interface ModelBuilder extends BuildInputs {
  classes: ClassesResult;
  routes: RoutesResult;
  backends: BackendsResult;
  tls: TlsState;
  policies: PoliciesResult;
  snippets: DesiredState['snippets'];
  state: DesiredState;
}

/** The steps, in the order they run: each reads the fields of the steps before it. */
export const STEP_ORDER = ['classes', 'routes', 'backends', 'tls', 'policies', 'snippets', 'state'] as const;

export type StepName = (typeof STEP_ORDER)[number];

/** The names before `K` in `Order`. */
type Earlier<
  K extends StepName,
  Order extends readonly StepName[] = typeof STEP_ORDER,
> = Order extends readonly [infer First extends StepName, ...infer Rest extends StepName[]]
  ? First extends K
    ? never
    : First | Earlier<K, Rest>
  : never;

/** What step `K` may read: the inputs and the results of the steps before it. */
export type BuilderBefore<K extends StepName> = BuildInputs & Pick<ModelBuilder, Earlier<K>>;

export interface BuildStep<K extends StepName> {
  name: K;
  run(builder: BuilderBefore<K>): ModelBuilder[K];
}

type StepsFor<Order extends readonly StepName[]> = {
  readonly [I in keyof Order]: Order[I] extends StepName ? BuildStep<Order[I]> : never;
};

/** One step per name of STEP_ORDER, in that order. */
export type BuildSteps = StepsFor<typeof STEP_ORDER>;
