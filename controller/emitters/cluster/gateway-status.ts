/**
 * Gateway API status as the API server stores it, worked out from the
 * model's typed status (controller/model/gateway/status-types.ts): every
 * condition gets the object's observedGeneration and a lastTransitionTime
 * (kept while its status stays the same), Gateways get the published
 * addresses, and route parents of other controllers are kept as they are,
 * as are conditions of types this controller does not write. An object whose
 * status would not change gets no patch. Pure: the writer sends the patches.
 */
import type {
  Condition,
  GatewayApiStatus,
  ParentRef,
  StatusTarget,
} from '../../model/gateway/status-types.ts';
import type { Snapshot } from '../../store/store.ts';
import type { LoadBalancerIngress } from './ingress-status.ts';

const API = '/apis/gateway.networking.k8s.io/v1';

/** Features of the Gateway API this controller supports, as GatewayClass status lists them. */
export const SUPPORTED_FEATURES = [
  'GRPCRoute',
  'Gateway',
  'HTTPRoute',
  'HTTPRoute303RedirectStatusCode',
  'HTTPRoute307RedirectStatusCode',
  'HTTPRoute308RedirectStatusCode',
  'HTTPRouteBackendProtocolH2C',
  'HTTPRouteBackendProtocolWebSocket',
  'HTTPRouteBackendRequestHeaderModification',
  'HTTPRouteHostRewrite',
  'HTTPRouteMethodMatching',
  'HTTPRouteParentRefPort',
  'HTTPRoutePathRedirect',
  'HTTPRoutePathRewrite',
  'HTTPRoutePortRedirect',
  'HTTPRouteQueryParamMatching',
  'HTTPRouteResponseHeaderModification',
  'HTTPRouteSchemeRedirect',
  'ReferenceGrant',
] as const;

export interface StatusPatch {
  /** `Kind namespace/name`, for logs. */
  object: string;
  path: string;
  /** A merge patch of the status subresource, with the resourceVersion it was worked out from. */
  body: { metadata: { resourceVersion?: string }; status: Record<string, unknown> };
  /** resourceVersion the patch was worked out from. */
  resourceVersion: string | undefined;
}

/** A condition as stored: the model's, with observedGeneration and lastTransitionTime. */
interface StoredCondition {
  type: string;
  status: string;
  observedGeneration?: number | undefined;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

/** Key-sorted JSON: equal statuses compare equal whatever order their fields were read in. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v)
            .filter(([, x]) => x !== undefined)
            .sort(([a], [b]) => (a < b ? -1 : 1)),
        )
      : v,
  );
}

/** Ours with their times carried over from `current` while the status holds, then foreign types as they are. */
function conditions(
  ours: readonly Condition[],
  current: readonly StoredCondition[],
  generation: number | undefined,
  now: string,
): StoredCondition[] {
  const types = new Set(ours.map((c) => c.type));
  return [
    ...ours.map((c) => {
      const before = current.find((o) => o.type === c.type);
      return {
        type: c.type,
        status: c.status,
        ...(generation !== undefined && { observedGeneration: generation }),
        lastTransitionTime: before && before.status === c.status ? before.lastTransitionTime : now,
        reason: c.reason,
        message: c.message.slice(0, 32_768),
      };
    }),
    ...current.filter((c) => !types.has(c.type)),
  ];
}

const statusPath = (target: StatusTarget): string => {
  const plural = {
    GatewayClass: 'gatewayclasses',
    Gateway: 'gateways',
    HTTPRoute: 'httproutes',
    GRPCRoute: 'grpcroutes',
  }[target.kind];
  return target.namespace
    ? `${API}/namespaces/${target.namespace}/${plural}/${target.name}/status`
    : `${API}/${plural}/${target.name}/status`;
};

const label = (t: StatusTarget) => `${t.kind} ${t.namespace ? `${t.namespace}/` : ''}${t.name}`;

function patch(target: StatusTarget, status: Record<string, unknown>): StatusPatch {
  return {
    object: label(target),
    path: statusPath(target),
    body: { metadata: target.resourceVersion ? { resourceVersion: target.resourceVersion } : {}, status },
    resourceVersion: target.resourceVersion,
  };
}

const gatewayAddresses = (published: readonly LoadBalancerIngress[]) =>
  published.map((a) => (a.ip ? { type: 'IPAddress', value: a.ip } : { type: 'Hostname', value: a.hostname }));

const sameParent = (a: ParentRef, b: Partial<ParentRef>) =>
  a.group === b.group &&
  a.kind === b.kind &&
  a.name === b.name &&
  a.namespace === b.namespace &&
  a.sectionName === b.sectionName &&
  a.port === b.port;

/**
 * The patches that bring status in the cluster to `status`. `addresses`:
 * where clients reach the Gateways (undefined: not known yet, left as it is).
 */
export function gatewayStatusPatches(
  status: GatewayApiStatus,
  snapshot: Pick<Snapshot, 'gatewayClasses' | 'gateways' | 'httpRoutes' | 'grpcRoutes'>,
  addresses: readonly LoadBalancerIngress[] | undefined,
  now: string,
): StatusPatch[] {
  const patches: StatusPatch[] = [];
  for (const c of status.gatewayClasses) {
    const current = snapshot.gatewayClasses.get(c.target.name)?.status;
    if (!current) continue;
    const wanted = {
      conditions: conditions(c.conditions, current.conditions, c.target.generation, now),
      supportedFeatures: SUPPORTED_FEATURES.map((name) => ({ name })),
    };
    if (
      canonical(wanted) !==
      canonical({ conditions: current.conditions, supportedFeatures: current.supportedFeatures })
    )
      patches.push(patch(c.target, wanted));
  }
  for (const g of status.gateways) {
    const current = snapshot.gateways.get(`${g.target.namespace}/${g.target.name}`)?.status;
    if (!current) continue;
    const wanted = {
      addresses: addresses ? gatewayAddresses(addresses) : current.addresses,
      conditions: conditions(g.conditions, current.conditions, g.target.generation, now),
      listeners: g.listeners.map((l) => ({
        name: l.name,
        supportedKinds: l.supportedKinds,
        attachedRoutes: l.attachedRoutes,
        conditions: conditions(
          l.conditions,
          current.listeners.find((c) => c.name === l.name)?.conditions ?? [],
          g.target.generation,
          now,
        ),
      })),
    };
    if (canonical(wanted) !== canonical(current)) patches.push(patch(g.target, wanted));
  }
  const routes = new Map(
    status.routes.map((r) => [`${r.target.kind} ${r.target.namespace}/${r.target.name}`, r]),
  );
  const objects = [
    ...snapshot.httpRoutes.map((o) => ({ kind: 'HTTPRoute' as const, o })),
    ...snapshot.grpcRoutes.map((o) => ({ kind: 'GRPCRoute' as const, o })),
  ];
  for (const { kind, o } of objects) {
    const ours = routes.get(`${kind} ${o.metadata.namespace}/${o.metadata.name}`);
    const current = o.status.parents;
    const foreign = current.filter((p) => p.controllerName !== status.controllerName);
    // A route that no longer names a Gateway of ours loses our entries.
    if (!ours && foreign.length === current.length) continue;
    const target: StatusTarget = ours?.target ?? {
      kind,
      namespace: o.metadata.namespace,
      name: o.metadata.name,
      generation: o.metadata.generation,
      resourceVersion: o.metadata.resourceVersion,
    };
    const wanted = {
      parents: [
        ...(ours?.parents ?? []).map((p) => ({
          parentRef: p.parentRef,
          controllerName: status.controllerName,
          conditions: conditions(
            p.conditions,
            current.find(
              (c) => c.controllerName === status.controllerName && sameParent(p.parentRef, c.parentRef),
            )?.conditions ?? [],
            target.generation,
            now,
          ),
        })),
        ...foreign,
      ],
    };
    if (canonical(wanted) !== canonical({ parents: current })) patches.push(patch(target, wanted));
  }
  return patches;
}
