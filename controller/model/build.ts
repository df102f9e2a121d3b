/**
 * The model: a pure, deterministic function from a store snapshot and the
 * controller options to the desired HAProxy state. No I/O; every Ingress v1
 * rule the controller honours is decided here.
 */
import { type ObjectRef, objectRef, type Problem, refLabel } from '../store/problems.ts';
import type { Ingress } from '../store/schemas.ts';
import { nsName, type Snapshot } from '../store/store.ts';
import { BackendCatalog } from './backends.ts';
import { planCanaries, withoutCanaries } from './canaries.ts';
import { clientAuthHosts } from './client-auth.ts';
import { cookiePaths, mergeExtras } from './cookie-paths.ts';
import { errorPagePaths } from './error-pages.ts';
import { buildErrorfiles } from './errorfiles.ts';
import {
  buildGatewayApi,
  DEFAULT_GATEWAY_CONTROLLER,
  type GatewayApiOptions,
} from './gateway/gateway-api.ts';
import { addGatewayRoutes, ageRanks } from './gateway/gateway-routing.ts';
import { statusProblems } from './gateway/status-problems.ts';
import { ignoredIngress, ingressClassifier } from './ingress-class.ts';
import { type IngressPath, rulesOf } from './ingress-rules.ts';
import { ModelMemo } from './memo.ts';
import { splitPassthrough } from './passthrough.ts';
import { regexPaths, routeOfPath } from './path-regex.ts';
import { buildPatternFiles } from './pattern-files.ts';
import { servicesWithoutReadyEndpoints } from './ready-endpoints.ts';
import { byAge, RouteTable } from './routes.ts';
import { addServerAliases } from './server-aliases.ts';
import { type DialectOptions, ingressLayers } from './settings/ingress-nginx/dialect.ts';
import { BACKEND_KEYS, DEFAULTS_KEYS, GLOBAL_KEYS } from './settings/keys.ts';
import { legacyConnectionMode } from './settings/reference-keys.ts';
import { type KeyOrigin, type Origins, resolveAll, type SettingsLayer } from './settings/registry.ts';
import { routeAclOf } from './settings/route-acl.ts';
import { withoutSnippets } from './snippets.ts';
import { buildTcpServices } from './tcp-services.ts';
import { buildTls } from './tls.ts';
import { logsTraffic } from './traffic-logs.ts';
import {
  ANY_HOST,
  BUILTIN_DEFAULT_BACKEND,
  type Certificate,
  type DesiredState,
  type Snippet,
} from './types.ts';
import { reportUnknownKeys, unknownServiceAnnotations } from './unknown-keys.ts';
import { addWwwRedirects } from './www-redirects.ts';

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

/**
 * `memo` carries what earlier passes computed (see memo.ts); without one,
 * everything is computed afresh, with the same result.
 */
export function buildModel(snapshot: Snapshot, options: ModelOptions, memo = new ModelMemo()): DesiredState {
  // Only EndpointSlices changed since the last pass: the same state with fresh endpoints.
  const inputs = passInputs(snapshot, options);
  const reused = memo.reusePass(inputs, (key) => snapshot.endpointSlices.get(key) ?? []);
  if (reused) {
    const ready = options.local ? servicesWithoutReadyEndpoints(reused.state.backends, snapshot) : [];
    return { ...reused.state, problems: dedupe([...snapshot.problems, ...reused.own, ...ready]) };
  }
  const problems: Problem[] = [...snapshot.problems];

  const configMap = snapshot.configMaps.get(options.configMap);
  const configLayer: SettingsLayer | undefined = configMap && {
    scope: 'configmap',
    ref: objectRef('ConfigMap', configMap.metadata),
    values: configMap.data,
  };
  if (configLayer) reportUnknownKeys(configLayer, problems);
  const layers = configLayer ? [configLayer] : [];
  const globalOrigins: Origins<typeof GLOBAL_KEYS> = {};
  const global = resolveAll(GLOBAL_KEYS, layers, problems, globalOrigins);
  const defaults = resolveAll(DEFAULTS_KEYS, layers, problems);
  defaults.httpConnectionMode = legacyConnectionMode(defaults.httpConnectionMode, configLayer, problems);
  const timeoutServer = resolveAll({ t: BACKEND_KEYS.timeoutServer }, layers, problems).t;

  const classify = ingressClassifier(snapshot.ingressClasses, options);
  const ingresses = snapshot.ingresses
    .filter((ingress) => {
      const verdict = classify(ingress);
      if (!verdict.ours) problems.push(ignoredIngress(ingress, verdict));
      return verdict.ours;
    })
    .sort(byAge);
  const backends = new BackendCatalog(snapshot, configLayer, problems, memo, options);
  const table = new RouteTable();
  const gatewayApi = buildGatewayApi(
    snapshot,
    options.gatewayApi ?? { controllerName: DEFAULT_GATEWAY_CONTROLLER, reservedPorts: [] },
  );
  const ranks = ageRanks(
    ingresses,
    gatewayApi.candidates.map((c) => c.owner),
  );
  const vhostFallbacks = new Map<string, string>();
  let catchAll: { backend: string; ingress: ObjectRef } | undefined;
  const reportedServices = new Set<object>();

  const regexes = regexPaths(ingresses, configLayer, options, problems);
  const cookies = cookiePaths(ingresses, configLayer, options);
  const errorPages = errorPagePaths({
    ingresses,
    snapshot,
    backends,
    configLayer,
    dialect: options,
    problems,
  });
  const backendOf = (ingress: Ingress, path: IngressPath) =>
    backends.use(
      path.ref,
      ingress,
      rulesOf(ingress).ref,
      path.tlsHost,
      path.resolutionKey,
      mergeExtras(mergeExtras(regexes.get(path)?.extra, cookies.get(path)), errorPages.get(path)),
    );
  const canaries = planCanaries({
    ingresses,
    configLayer,
    dialect: options,
    rankOf: (ingress) => ranks.ingress(ingress),
    backendOf,
    routeOf: routeOfPath(regexes),
    problems,
  });
  for (const ingress of withoutCanaries(ingresses, { configLayer, dialect: options, problems })) {
    const rank = ranks.ingress(ingress);
    const rules = rulesOf(ingress);
    const ref = rules.ref;
    problems.push(...rules.problems, ...ingressLayers(ingress, options).problems);
    const defaultBackend =
      rules.defaultRef && backends.use(rules.defaultRef, ingress, ref, false, rules.defaultResolutionKey);

    if (rules.vhosts.length === 0 && defaultBackend) {
      // An Ingress with only a defaultBackend is the cluster-wide catch-all.
      if (!catchAll) catchAll = { backend: defaultBackend, ingress: ref };
      else
        problems.push({
          ref,
          field: 'spec.defaultBackend',
          reason: 'Conflict',
          message: `catch-all already set by ${refLabel(catchAll.ingress)}`,
          severity: 'warning',
        });
    }
    for (const vhost of rules.vhosts) {
      table.addHost(vhost);
      if (defaultBackend && !vhostFallbacks.has(vhost)) vhostFallbacks.set(vhost, defaultBackend);
    }
    for (const path of rules.paths) {
      const regex = regexes.get(path);
      if (regexes.has(path) && !regex) continue;
      const backend = canaries.backendFor(path) ?? backendOf(ingress, path);
      const service = snapshot.services.get(nsName(path.ref.namespace, path.ref.name));
      if (service && !reportedServices.has(service)) {
        reportedServices.add(service);
        problems.push(...unknownServiceAnnotations(service));
      }
      const [written, match] = regex
        ? [regex.pattern, regex.match]
        : [path.path, path.match];
      // route-acl: the Service takes the path only when its ACL matches.
      const acl = service && routeAclOf(service, problems);
      table.add(path.vhost, written, match, { backend, rank, owner: ref, ...(acl && { conditions: [acl] }) });
    }
  }
  canaries.addRoutes(table);
  addServerAliases({
    ingresses: withoutCanaries(ingresses, { configLayer, dialect: options, problems }),
    table,
    configLayer,
    dialect: options,
    rankOf: (ingress) => ranks.ingress(ingress),
    backendOf: (ingress, path) => canaries.backendFor(path) ?? backendOf(ingress, path),
    routeOf: routeOfPath(regexes),
    problems,
  });
  addWwwRedirects({
    ingresses,
    table,
    backends,
    configLayer,
    dialect: options,
    rankOf: (ingress) => ranks.ingress(ingress),
    problems,
  });
  const gatewayRouting = addGatewayRoutes({
    model: gatewayApi,
    table,
    backends,
    ranks,
    ingressHosts: new Set(table.hosts()),
    settings: resolveAll(BACKEND_KEYS, layers, []),
  });

  let defaultBackend = catchAll?.backend ?? BUILTIN_DEFAULT_BACKEND;
  if (options.defaultBackendService && !catchAll) {
    const [namespace = '', name = ''] = options.defaultBackendService.split('/');
    const service = snapshot.services.get(options.defaultBackendService);
    const port = service?.spec.ports[0];
    if (port) {
      defaultBackend = backends.use({ namespace, name, port: { number: port.port } }, undefined, {
        flag: '--default-backend-service',
      });
    } else {
      problems.push({
        ref: { flag: '--default-backend-service' },
        reason: 'UnresolvedReference',
        message: `Service ${options.defaultBackendService} not found or has no port; serving 404`,
        severity: 'error',
      });
    }
  }

  let settled = { global, backends: [...backends.list(), ...gatewayRouting.backends] };
  if (!options.allowConfigSnippets) {
    settled = withoutSnippets(settled, snapshot, configLayer, ingresses, problems);
  }

  const routes = table.resolve(problems);
  const hosts = table.hosts();
  const vhostNames =
    routes.some((r) => r.vhost === ANY_HOST) || vhostFallbacks.has(ANY_HOST)
      ? [...hosts, ANY_HOST].sort()
      : hosts;
  const tls = buildTls(
    {
      snapshot,
      configLayer,
      configNamespace: options.configMap.split('/')[0] ?? 'default',
      defaultSslCertificate: options.defaultSslCertificate,
      ingresses,
      serverFiles: backends.files(),
    },
    problems,
  );
  tls.certificates = withGatewayCertificates(tls.certificates, gatewayApi.certificates);
  const clientAuth = clientAuthHosts({
    ingresses,
    tls,
    configLayer,
    dialect: options,
    secretOf: (key) => snapshot.secrets.get(key),
    problems,
  });
  if (clientAuth.hosts.length > 0) {
    tls.clientAuth = clientAuth.hosts;
    tls.files = [...tls.files, ...clientAuth.files.filter((f) => !tls.files.some((t) => t.file === f.file))];
  }
  const gatewayStatus = gatewayApi.status(table.shadowed());
  problems.push(...statusProblems(gatewayStatus));
  const routing = splitPassthrough(
    {
      vhosts: vhostNames.map((name) => {
        const ports = table.hostPorts(name);
        return { name, fallback: vhostFallbacks.get(name), ...(ports && { ports }) };
      }),
      routes,
      ...(gatewayRouting.splits.length + canaries.splits.length > 0 && {
        splits: [...gatewayRouting.splits, ...canaries.splits],
      }),
      defaultBackend,
      passthrough: [],
    },
    settled.backends,
    problems,
  );

  const tcp = buildTcpServices(snapshot, options.tcpServicesConfigMap, configLayer, problems);
  const stableBackends = [...settled.backends, ...tcp.backends]
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((b) => memo.backend(b));
  memo.settle(stableBackends);
  const patternFiles = buildPatternFiles(snapshot, options.patternfilesConfigMap, stableBackends, problems);
  const ready = options.local ? servicesWithoutReadyEndpoints(stableBackends, snapshot) : [];
  const snippet = (lines: string[], origin: KeyOrigin | undefined): Snippet | undefined =>
    origin && lines.length > 0 ? { lines, ref: origin.ref, field: origin.field } : undefined;
  const snippets: DesiredState['snippets'] = options.allowConfigSnippets
    ? {
        global: snippet(global.globalConfigSnippet, globalOrigins.globalConfigSnippet),
        frontend: snippet(global.frontendConfigSnippet, globalOrigins.frontendConfigSnippet),
        stats: snippet(global.statsConfigSnippet, globalOrigins.statsConfigSnippet),
      }
    : {};
  const state: DesiredState = {
    global: settled.global,
    defaults: { ...defaults, timeoutServer, logTraffic: logsTraffic(global.syslogServer) },
    snippets,
    routing: memo.routing(routing),
    backends: stableBackends,
    tls,
    ...(gatewayApi.frontends.length > 0 && { listeners: gatewayApi.frontends }),
    // Routes keep their status while any exists: one that leaves our Gateways loses our entries.
    ...((gatewayStatus.gatewayClasses.length > 0 ||
      snapshot.httpRoutes.length > 0 ||
      snapshot.grpcRoutes.length > 0) && { gatewayStatus }),
    ...(options.errorfilesConfigMap && {
      errorfiles: buildErrorfiles(snapshot, options.errorfilesConfigMap, problems),
    }),
    ...(patternFiles.length > 0 && { patternFiles }),
    ...(options.tcpServicesConfigMap && {
      tcpServices: { services: tcp.services, logFormat: tcp.logFormat },
    }),
    problems: dedupe([...problems, ...ready]),
  };
  memo.rememberPass(inputs, state, problems.slice(snapshot.problems.length));
  return state;
}

/** Everything a pass reads but the EndpointSlices (and the input problems, taken fresh). */
const passInputs = (snapshot: Snapshot, options: ModelOptions): unknown[] => [
  options,
  snapshot.ingresses,
  snapshot.ingressClasses,
  snapshot.services,
  snapshot.secrets,
  snapshot.configMaps,
  snapshot.namespaces,
  snapshot.gatewayClasses,
  snapshot.gateways,
  snapshot.httpRoutes,
  snapshot.grpcRoutes,
  snapshot.referenceGrants,
];

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${refLabel(p.ref)}\u0000${p.field ?? ''}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Certificates of Gateway listeners join the Ingresses' (a Secret used by
 * both is one file, served for the names of both); an SNI name Ingresses
 * already serve stays theirs.
 */
function withGatewayCertificates(
  certificates: Certificate[],
  gateway: readonly Certificate[],
): Certificate[] {
  if (gateway.length === 0) return certificates;
  const byFile = new Map(certificates.map((c) => [c.file, { ...c, sni: [...c.sni] }]));
  const served = new Set(certificates.flatMap((c) => c.sni));
  for (const certificate of gateway) {
    const sni = certificate.sni.filter((name) => !served.has(name));
    for (const name of sni) served.add(name);
    const known = byFile.get(certificate.file);
    if (known) known.sni = [...new Set([...known.sni, ...sni])].sort();
    else byFile.set(certificate.file, { ...certificate, sni });
  }
  return [...byFile.values()].sort((a, b) => (a.file < b.file ? -1 : 1));
}
