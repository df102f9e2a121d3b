/**
 * Step 2, routes: the route table. Ingress rules (regular expression,
 * cookie-path and error-page paths with their backend variants), canaries,
 * server aliases, www redirects and Gateway API routes join one table,
 * resolved oldest first; the catch-all or --default-backend-service is the
 * default backend. Every backend a route names is resolved here.
 */
import { type ObjectRef, type Problem, refLabel } from '../../store/problems.ts';
import type { Ingress } from '../../store/schemas.ts';
import { nsName, type Snapshot } from '../../store/store.ts';
import { BackendCatalog } from '../backends.ts';
import { planCanaries, withoutCanaries } from '../canaries.ts';
import { cookiePaths, mergeExtras } from '../cookie-paths.ts';
import { errorPagePaths } from '../error-pages.ts';
import { buildGatewayApi, DEFAULT_GATEWAY_CONTROLLER } from '../gateway/gateway-api.ts';
import { addGatewayRoutes, ageRanks } from '../gateway/gateway-routing.ts';
import { type IngressPath, rulesOf } from '../ingress-rules.ts';
import { regexPaths, routeOfPath } from '../path-regex.ts';
import { RouteTable } from '../routes.ts';
import { addServerAliases } from '../server-aliases.ts';
import { ingressLayers } from '../settings/ingress-nginx/dialect.ts';
import { BACKEND_KEYS } from '../settings/keys.ts';
import { resolveAll } from '../settings/registry.ts';
import { routeAclOf } from '../settings/route-acl.ts';
import { ANY_HOST, BUILTIN_DEFAULT_BACKEND } from '../types.ts';
import { unknownServiceAnnotations } from '../unknown-keys.ts';
import { addWwwRedirects } from '../www-redirects.ts';
import type { BuildStep, ModelOptions } from './builder.ts';

interface CatchAll {
  backend: string;
  ingress: ObjectRef;
}

export const routes: BuildStep<'routes'> = {
  name: 'routes',
  run({ snapshot, options, memo, problems, classes: { configLayer, layers, ingresses } }) {
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
    const rankOf = (ingress: Ingress) => ranks.ingress(ingress);
    const vhostFallbacks = new Map<string, string>();
    let catchAll: CatchAll | undefined;
    const reportedServices = new Set<object>();

    // Every rule host is read by its Ingress, canaries included (they follow a main Ingress's host).
    for (const ingress of ingresses) {
      const rules = rulesOf(ingress);
      for (const vhost of rules.vhosts) table.noteReader(vhost, rules.ref);
    }
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
      rankOf,
      backendOf,
      routeOf: routeOfPath(regexes),
      problems,
    });
    for (const ingress of withoutCanaries(ingresses, { configLayer, dialect: options, problems })) {
      const rank = rankOf(ingress);
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
        const [written, match] = regex ? [regex.pattern, regex.match] : [path.path, path.match];
        // route-acl: the Service takes the path only when its ACL matches.
        const acl = service && routeAclOf(service, problems);
        table.add(path.vhost, written, match, {
          backend,
          rank,
          owner: ref,
          ...(acl && { conditions: [acl] }),
        });
      }
    }
    canaries.addRoutes(table);
    addServerAliases({
      ingresses: withoutCanaries(ingresses, { configLayer, dialect: options, problems }),
      table,
      configLayer,
      dialect: options,
      rankOf,
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
      rankOf,
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
    const defaultBackend = defaultBackendOf(catchAll, snapshot, options, backends, problems);

    const resolved = table.resolve(problems);
    const hosts = table.hosts();
    const vhostNames =
      resolved.some((r) => r.vhost === ANY_HOST) || vhostFallbacks.has(ANY_HOST)
        ? [...hosts, ANY_HOST].sort()
        : hosts;
    const splits = [...gatewayRouting.splits, ...canaries.splits];
    return {
      routing: {
        vhosts: vhostNames.map((name) => {
          const ports = table.hostPorts(name);
          return { name, fallback: vhostFallbacks.get(name), ...(ports && { ports }) };
        }),
        routes: resolved,
        ...(splits.length > 0 && { splits }),
        defaultBackend,
        passthrough: [],
      },
      shadowed: table.shadowed(),
      gatewayApi,
      backends: [...backends.list(), ...gatewayRouting.backends],
      serverFiles: backends.files(),
      facts: { readers: table.readers(), users: backends.users(), variantNames: backends.variantNames() },
    };
  },
};

/** The catch-all Ingress's backend, else --default-backend-service's, else the built-in 404. */
function defaultBackendOf(
  catchAll: CatchAll | undefined,
  snapshot: Snapshot,
  options: ModelOptions,
  backends: BackendCatalog,
  problems: Problem[],
): string {
  if (!options.defaultBackendService || catchAll) return catchAll?.backend ?? BUILTIN_DEFAULT_BACKEND;
  const [namespace = '', name = ''] = options.defaultBackendService.split('/');
  const service = snapshot.services.get(options.defaultBackendService);
  const port = service?.spec.ports[0];
  if (port)
    return backends.use({ namespace, name, port: { number: port.port } }, undefined, {
      flag: '--default-backend-service',
    });
  problems.push({
    ref: { flag: '--default-backend-service' },
    reason: 'UnresolvedReference',
    message: `Service ${options.defaultBackendService} not found or has no port; serving 404`,
    severity: 'error',
  });
  return BUILTIN_DEFAULT_BACKEND;
}
