/**
 * The model: a pure, deterministic function from a store snapshot and the
 * controller options to the desired HAProxy state. No I/O; every Ingress v1
 * rule the controller honours is decided here.
 */
import type { Problem } from '../store/problems.ts';
import { nsName, type Snapshot } from '../store/store.ts';
import { BackendCatalog, serviceRefOf } from './backends.ts';
import { ingressClassFilter } from './ingress-class.ts';
import { splitPassthrough } from './passthrough.ts';
import { byAge, RouteTable } from './routes.ts';
import { ALL_KEYS, BACKEND_KEYS, DEFAULTS_KEYS, GLOBAL_KEYS } from './settings/keys.ts';
import { ANNOTATION_PREFIXES, resolveAll, type SettingsLayer } from './settings/registry.ts';
import { withoutSnippets } from './snippets.ts';
import { buildTls } from './tls.ts';
import { ANY_HOST, BUILTIN_DEFAULT_BACKEND, type DesiredState } from './types.ts';

export interface ModelOptions {
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
}

const KNOWN_NAMES = new Set(Object.values(ALL_KEYS).flatMap((k) => [k.name, ...(k.aliases ?? [])]));

export function buildModel(snapshot: Snapshot, options: ModelOptions): DesiredState {
  const problems: Problem[] = [...snapshot.problems];

  const configMap = snapshot.configMaps.get(options.configMap);
  const configLayer: SettingsLayer | undefined = configMap && {
    scope: 'configmap',
    object: `ConfigMap ${options.configMap}`,
    values: configMap.data,
  };
  if (configLayer) reportUnknownKeys(configLayer, problems);
  const layers = configLayer ? [configLayer] : [];
  const global = resolveAll(GLOBAL_KEYS, layers, problems);
  const defaults = resolveAll(DEFAULTS_KEYS, layers, problems);
  const timeoutServer = resolveAll({ t: BACKEND_KEYS.timeoutServer }, layers, problems).t;

  const isOurs = ingressClassFilter(snapshot.ingressClasses, options);
  const ingresses = snapshot.ingresses.filter(isOurs).sort(byAge);
  const backends = new BackendCatalog(snapshot, configLayer, problems);
  const table = new RouteTable();
  const vhostFallbacks = new Map<string, string>();
  let catchAll: { backend: string; ingress: string } | undefined;
  const reportedServices = new Set<string>();

  ingresses.forEach((ingress, rank) => {
    const label = `Ingress ${ingress.metadata.namespace}/${ingress.metadata.name}`;
    reportUnknownAnnotations(label, ingress.metadata.annotations, problems);
    const defaultRef = ingress.spec.defaultBackend && serviceRefOf(ingress, ingress.spec.defaultBackend);
    if (ingress.spec.defaultBackend && !defaultRef) {
      problems.push({
        object: label,
        field: 'spec.defaultBackend',
        message: 'resource backends are not supported',
        severity: 'error',
      });
    }
    const defaultBackend = defaultRef && backends.use(defaultRef, ingress, label);

    if (ingress.spec.rules.length === 0 && defaultBackend) {
      // An Ingress with only a defaultBackend is the cluster-wide catch-all.
      if (!catchAll) catchAll = { backend: defaultBackend, ingress: label };
      else
        problems.push({
          object: label,
          field: 'spec.defaultBackend',
          message: `catch-all already set by ${catchAll.ingress}`,
          severity: 'warning',
        });
    }

    ingress.spec.rules.forEach((rule, ruleIndex) => {
      const vhost = rule.host ?? ANY_HOST;
      table.addHost(vhost);
      if (defaultBackend && !vhostFallbacks.has(vhost)) vhostFallbacks.set(vhost, defaultBackend);
      rule.http?.paths.forEach((path, pathIndex) => {
        const field = `spec.rules[${ruleIndex}].http.paths[${pathIndex}]`;
        const ref = serviceRefOf(ingress, path.backend);
        if (!ref) {
          problems.push({
            object: label,
            field,
            message: 'resource backends are not supported',
            severity: 'error',
          });
          return;
        }
        if (path.path === undefined && path.pathType !== 'ImplementationSpecific') {
          problems.push({
            object: label,
            field,
            message: `pathType ${path.pathType} requires a path`,
            severity: 'error',
          });
          return;
        }
        const backend = backends.use(ref, ingress, label, vhost);
        const serviceKey = nsName(ref.namespace, ref.name);
        if (!reportedServices.has(serviceKey)) {
          reportedServices.add(serviceKey);
          const service = snapshot.services.get(serviceKey);
          if (service)
            reportUnknownAnnotations(`Service ${serviceKey}`, service.metadata.annotations, problems);
        }
        if (path.path?.includes('?')) {
          problems.push({
            object: label,
            field: `${field}.path`,
            message:
              'a request path never contains "?" (it starts the query string); this path never matches',
            severity: 'warning',
          });
        }
        const match = path.pathType === 'Exact' ? 'Exact' : 'Prefix';
        table.add(vhost, path.path ?? '/', match, { backend, rank, ingress: label });
      });
    });
  });

  let defaultBackend = catchAll?.backend ?? BUILTIN_DEFAULT_BACKEND;
  if (options.defaultBackendService && !catchAll) {
    const [namespace = '', name = ''] = options.defaultBackendService.split('/');
    const service = snapshot.services.get(options.defaultBackendService);
    const port = service?.spec.ports[0];
    if (port) {
      defaultBackend = backends.use(
        { namespace, name, port: { number: port.port } },
        undefined,
        '--default-backend-service',
      );
    } else {
      problems.push({
        object: '--default-backend-service',
        message: `Service ${options.defaultBackendService} not found or has no port; serving 404`,
        severity: 'error',
      });
    }
  }

  let settled = { global, backends: backends.list() };
  if (!options.allowConfigSnippets) {
    const ingressLayers = ingresses.map((i) => ({
      object: `Ingress ${i.metadata.namespace}/${i.metadata.name}`,
      annotations: i.metadata.annotations,
    }));
    settled = withoutSnippets(settled, snapshot, configLayer, ingressLayers, problems);
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
      backends: settled.backends,
    },
    problems,
  );
  const routing = splitPassthrough(
    {
      vhosts: vhostNames.map((name) => ({ name, fallback: vhostFallbacks.get(name) })),
      routes,
      defaultBackend,
      passthrough: [],
    },
    tls.backends,
    problems,
  );

  return {
    global: settled.global,
    defaults: { ...defaults, timeoutServer },
    routing,
    backends: tls.backends,
    tls: tls.tls,
    problems: dedupe(problems),
  };
}

function reportUnknownKeys(layer: SettingsLayer, problems: Problem[]): void {
  for (const key of Object.keys(layer.values)) {
    if (!KNOWN_NAMES.has(key)) {
      problems.push({
        object: layer.object,
        field: key,
        message: 'not a supported key; ignored',
        severity: 'warning',
      });
    }
  }
}

function reportUnknownAnnotations(
  object: string,
  annotations: Record<string, string>,
  problems: Problem[],
): void {
  for (const key of Object.keys(annotations)) {
    const prefix = ANNOTATION_PREFIXES.find((p) => key.startsWith(p));
    if (prefix && !KNOWN_NAMES.has(key.slice(prefix.length))) {
      problems.push({
        object,
        field: key,
        message: 'not a supported annotation; ignored',
        severity: 'warning',
      });
    }
  }
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.object}\u0000${p.field ?? ''}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
