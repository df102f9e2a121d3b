/**
 * The Gateway API in the model: GatewayClasses of ours, their Gateways'
 * listeners, the HTTPRoutes and GRPCRoutes attached to them, turned into the
 * same typed route candidates as Ingress rules (a vhost, a path, request
 * conditions, the declared ports they are served on, and where requests go),
 * plus the certificates and extra frontends the listeners need and the
 * status of every object involved. Steps, in order:
 *   gateway-classes → listeners → attachment (hostnames) → route-rules
 *   (matches, filters) → backend-refs → candidates → status (status.ts).
 */
import type { Snapshot } from '../../store/store.ts';
import type { ServiceRef } from '../backends.ts';
import type { RequestCondition } from '../request-conditions.ts';
import type { Certificate, ListenerFrontend, PathMatch } from '../types.ts';
import { type AttachableRoute, attachRoute, type ParentAttachment } from './attachment.ts';
import { checkBackendRef, type RefProblemReason } from './backend-refs.ts';
import type { FilterPolicy } from './filters.ts';
import { ourGatewayClasses } from './gateway-classes.ts';
import { vhostOf } from './hostnames.ts';
import { HTTP_PORT, HTTPS_PORT, type ResolvedGateway, resolveGateways } from './listeners.ts';
import { type AnyRoute, rulesOfRoute } from './route-rules.ts';
import { gatewayApiStatus, type RouteReport } from './status.ts';
import type { GatewayApiStatus } from './status-types.ts';

export const DEFAULT_GATEWAY_CONTROLLER = 'haproxy.org/gateway-controller';

export interface GatewayApiOptions {
  /** GatewayClasses with this controllerName are ours. */
  controllerName: string;
  /** Ports the controller binds for itself (see listeners.ts). */
  reservedPorts: readonly number[];
}

/** A route of the Gateway API, for ordering, conflicts and status. */
export interface RouteOwner {
  kind: 'HTTPRoute' | 'GRPCRoute';
  namespace: string;
  name: string;
  /** creationTimestamp in ms, MAX_SAFE_INTEGER when unknown: older routes win ties. */
  created: number;
}

/** Where one share of a rule's requests goes. */
export type ShareTarget =
  /** A Service port (none: a backend that only applies its policy, e.g. a redirect) with the filters' policy. */
  | { service: ServiceRef | undefined; policy: FilterPolicy; h2c: boolean; timeoutMs?: number }
  /** 500: an unusable backendRef, a rule without backendRefs, or a filter that cannot be honoured. */
  | 'error';

export interface Share {
  weight: number;
  target: ShareTarget;
}

export interface GatewayCandidate {
  vhost: string;
  /** Declared listener ports the route is served on, ascending. */
  ports: number[];
  path: string;
  match: PathMatch;
  conditions: RequestCondition[];
  /** The rule's shares with a weight above 0; none: every request gets 500. */
  shares: Share[];
  owner: RouteOwner;
  rule: number;
  matchIndex: number;
}

export interface GatewayApiModel {
  candidates: GatewayCandidate[];
  /** Vhosts of programmed listeners with a hostname, by port: their hosts never fall through to other listeners' routes. */
  hosts: { vhost: string; port: number }[];
  frontends: ListenerFrontend[];
  certificates: Certificate[];
  /** The status, once route conflicts with Ingresses are known (`shadowed`: route key → messages). */
  status(shadowed: ReadonlyMap<string, readonly string[]>): GatewayApiStatus;
}

export const routeKey = (owner: Pick<RouteOwner, 'kind' | 'namespace' | 'name'>): string =>
  `${owner.kind} ${owner.namespace}/${owner.name}`;

export function buildGatewayApi(snapshot: Snapshot, options: GatewayApiOptions): GatewayApiModel {
  const classes = ourGatewayClasses(snapshot, options.controllerName);
  const gateways = resolveGateways(snapshot, classes, options);
  const byKey = new Map<string, ResolvedGateway>(gateways.map((g) => [g.key, g]));
  const routes: AnyRoute[] = [
    ...snapshot.httpRoutes.map((r) => ({ ...r, kind: 'HTTPRoute' as const })),
    ...snapshot.grpcRoutes.map((r) => ({ ...r, kind: 'GRPCRoute' as const })),
  ];
  const candidates: GatewayCandidate[] = [];
  const reports: RouteReport[] = [];
  for (const route of routes) {
    const parents = attachRoute(route as AttachableRoute, byKey, snapshot);
    if (parents.length === 0) continue;
    const owner: RouteOwner = {
      kind: route.kind,
      namespace: route.metadata.namespace,
      name: route.metadata.name,
      created: route.metadata.creationTimestamp?.getTime() ?? Number.MAX_SAFE_INTEGER,
    };
    const report = routeCandidates(route, owner, parents, snapshot, candidates);
    reports.push(report);
  }
  const hosts = gateways.flatMap((g) =>
    g.listeners
      .filter((l) => l.programmed && l.hostname !== undefined)
      .map((l) => ({ vhost: vhostOf(l.hostname), port: l.port })),
  );
  const frontends = new Map<number, ListenerFrontend>();
  const certificates: Certificate[] = [];
  for (const g of gateways)
    for (const l of g.listeners) {
      if (!l.programmed) continue;
      certificates.push(...l.certificates);
      if (l.port !== HTTP_PORT && l.port !== HTTPS_PORT && !frontends.has(l.port))
        frontends.set(l.port, { port: l.port, tls: l.tls });
    }
  return {
    candidates,
    hosts,
    frontends: [...frontends.values()].sort((a, b) => a.port - b.port),
    certificates,
    status: (shadowed) =>
      gatewayApiStatus(options.controllerName, classes.status, gateways, reports, shadowed),
  };
}

/** Adds the candidates of one attached route; returns what its status needs. */
function routeCandidates(
  route: AnyRoute,
  owner: RouteOwner,
  parents: ParentAttachment[],
  snapshot: Snapshot,
  candidates: GatewayCandidate[],
): RouteReport {
  // Each accepted parent's listeners count the route once.
  const counted = new Set<object>();
  const portsByVhost = new Map<string, Set<number>>();
  for (const parent of parents)
    for (const { listener, hostnames } of parent.attachments) {
      if (!counted.has(listener)) {
        counted.add(listener);
        listener.attachedRoutes++;
      }
      if (!listener.programmed) continue;
      for (const hostname of hostnames) {
        const vhost = vhostOf(hostname);
        const ports = portsByVhost.get(vhost) ?? new Set<number>();
        ports.add(listener.port);
        portsByVhost.set(vhost, ports);
      }
    }
  const rules = rulesOfRoute(route);
  const problems = rules.flatMap((r) => r.problems);
  let refProblem: { reason: RefProblemReason; message: string } | undefined;
  let served = 0;
  for (const rule of rules) {
    let shares: Share[];
    if (rule.action.kind === 'error') shares = [{ weight: 1, target: 'error' }];
    else if (rule.action.kind === 'policy')
      shares = [{ weight: 1, target: { service: undefined, policy: rule.action.policy, h2c: false } }];
    else {
      shares = [];
      for (const ref of rule.action.refs) {
        const checked = checkBackendRef(ref, { kind: route.kind, namespace: owner.namespace }, snapshot);
        if (!checked.ok) refProblem ??= { reason: checked.reason, message: checked.message };
        if (ref.weight === 0) continue;
        shares.push({
          weight: ref.weight,
          target:
            checked.ok && !('problem' in ref.policy)
              ? {
                  service: checked.service,
                  policy: ref.policy,
                  h2c: checked.h2c,
                  ...(rule.timeoutMs !== undefined && { timeoutMs: rule.timeoutMs }),
                }
              : 'error',
        });
      }
    }
    if (rule.action.kind !== 'error' && rule.matches.length > 0) served++;
    for (const [vhost, ports] of portsByVhost)
      rule.matches.forEach((match, matchIndex) => {
        candidates.push({
          vhost,
          ports: [...ports].sort((a, b) => a - b),
          path: match.path,
          match: match.match,
          conditions: match.conditions,
          shares,
          owner,
          rule: rule.index,
          matchIndex,
        });
      });
  }
  return {
    route,
    key: routeKey(owner),
    target: {
      kind: route.kind,
      namespace: owner.namespace,
      name: owner.name,
      generation: route.metadata.generation,
      resourceVersion: route.metadata.resourceVersion,
    },
    parents,
    problems,
    refProblem,
    noRuleServed: served === 0,
  };
}
