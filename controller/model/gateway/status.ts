/**
 * The status of every Gateway API object of ours, as typed data: the
 * GatewayClasses' Accepted; each Gateway's Accepted and Programmed and its
 * listeners' conditions, supported kinds and attached routes; each route
 * parent's Accepted and ResolvedRefs (and PartiallyInvalid, or Conflicted
 * when an Ingress keeps a host and path the route also claims).
 */
import type { ParentAttachment } from './attachment.ts';
import type { RefProblemReason } from './backend-refs.ts';
import type { ResolvedGateway } from './listeners.ts';
import type { AnyRoute } from './route-rules.ts';
import {
  condition,
  type GatewayApiStatus,
  type GatewayClassStatus,
  type GatewayStatus,
  type RouteCondition,
  type RouteStatus,
  type StatusTarget,
} from './status-types.ts';

/** What the route steps found about one route. */
export interface RouteReport {
  route: AnyRoute;
  key: string;
  target: StatusTarget;
  parents: ParentAttachment[];
  /** Matches or rules not served as written. */
  problems: string[];
  /** The first backendRef that could not be used. */
  refProblem: { reason: RefProblemReason; message: string } | undefined;
  /** No rule is served as written (every one answers 500 or has no valid match). */
  noRuleServed: boolean;
}

export function gatewayApiStatus(
  controllerName: string,
  classes: GatewayClassStatus[],
  gateways: readonly ResolvedGateway[],
  reports: readonly RouteReport[],
  shadowed: ReadonlyMap<string, readonly string[]>,
): GatewayApiStatus {
  return {
    controllerName,
    gatewayClasses: classes,
    gateways: gateways.map(gatewayStatus),
    routes: reports.map((r) => routeStatus(r, shadowed.get(r.key) ?? [])),
  };
}

function gatewayStatus(resolved: ResolvedGateway): GatewayStatus {
  const { gateway } = resolved;
  const programmed = resolved.accepted && resolved.listeners.some((l) => l.programmed);
  return {
    target: {
      kind: 'Gateway',
      namespace: gateway.metadata.namespace,
      name: gateway.metadata.name,
      generation: gateway.metadata.generation,
      resourceVersion: gateway.metadata.resourceVersion,
    },
    conditions: [
      resolved.acceptedCondition,
      programmed
        ? condition('Programmed', true, 'Programmed', 'Served by HAProxy')
        : condition(
            'Programmed',
            false,
            'Invalid',
            resolved.accepted ? 'No listener can be served' : 'The Gateway is not accepted',
          ),
    ],
    listeners: resolved.listeners.map((l) => ({
      name: l.name,
      supportedKinds: l.supportedKinds,
      attachedRoutes: l.attachedRoutes,
      conditions: l.conditions,
    })),
  };
}

function routeStatus(report: RouteReport, shadowed: readonly string[]): RouteStatus {
  const resolvedRefs: RouteCondition = report.refProblem
    ? condition('ResolvedRefs', false, report.refProblem.reason, report.refProblem.message)
    : condition('ResolvedRefs', true, 'ResolvedRefs', 'Resolved');
  return {
    target: report.target,
    parents: report.parents.map((parent) => {
      const conditions: RouteCondition[] = [];
      if (parent.accepted.status === 'True' && report.noRuleServed && report.problems.length > 0)
        conditions.push(condition('Accepted', false, 'UnsupportedValue', report.problems.join('; ')));
      else conditions.push(parent.accepted);
      conditions.push(resolvedRefs);
      if (parent.accepted.status === 'True' && !report.noRuleServed && report.problems.length > 0)
        conditions.push(condition('PartiallyInvalid', true, 'UnsupportedValue', report.problems.join('; ')));
      if (parent.accepted.status === 'True' && shadowed.length > 0)
        conditions.push(condition('Conflicted', true, 'ShadowedByIngress', shadowed.join('; ')));
      return { parentRef: parent.parentRef, conditions };
    }),
  };
}
