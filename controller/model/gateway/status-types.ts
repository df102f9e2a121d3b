/**
 * Gateway API status as the model computes it: typed conditions per object,
 * with the reasons the spec defines. The cluster emitter writes it (adding
 * observedGeneration, lastTransitionTime and the published addresses) once
 * HAProxy serves what it describes.
 */

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export const GATEWAY_CLASS_REASONS = ['Accepted', 'InvalidParameters'] as const;
export const GATEWAY_REASONS = [
  'Accepted',
  'ListenersNotValid',
  'InvalidParameters',
  'UnsupportedAddress',
  'Programmed',
  'Invalid',
] as const;
export const LISTENER_REASONS = [
  'Accepted',
  'PortUnavailable',
  'UnsupportedProtocol',
  'UnsupportedValue',
  'NoConflicts',
  'HostnameConflict',
  'ProtocolConflict',
  'ResolvedRefs',
  'InvalidCertificateRef',
  'InvalidRouteKinds',
  'RefNotPermitted',
  'Programmed',
  'Invalid',
] as const;
export const ROUTE_REASONS = [
  'Accepted',
  'NotAllowedByListeners',
  'NoMatchingListenerHostname',
  'NoMatchingParent',
  'UnsupportedValue',
  'ResolvedRefs',
  'RefNotPermitted',
  'InvalidKind',
  'BackendNotFound',
  /** Implementation-specific: an Ingress keeps a host and path this route also claims. */
  'ShadowedByIngress',
] as const;

export interface Condition<Reason extends string = string> {
  type: string;
  status: ConditionStatus;
  reason: Reason;
  message: string;
}

export type GatewayClassCondition = Condition<(typeof GATEWAY_CLASS_REASONS)[number]>;
export type GatewayCondition = Condition<(typeof GATEWAY_REASONS)[number]>;
export type ListenerCondition = Condition<(typeof LISTENER_REASONS)[number]>;
export type RouteCondition = Condition<(typeof ROUTE_REASONS)[number]>;

/** An object status is written to: its kind, namespace (empty: cluster-scoped), name and generation. */
export interface StatusTarget {
  kind: 'GatewayClass' | 'Gateway' | 'HTTPRoute' | 'GRPCRoute';
  namespace: string;
  name: string;
  /** metadata.generation of the object the status describes: its observedGeneration. */
  generation: number | undefined;
  resourceVersion: string | undefined;
}

export interface RouteGroupKind {
  group: string;
  kind: string;
}

export interface GatewayClassStatus {
  target: StatusTarget;
  conditions: GatewayClassCondition[];
}

export interface ListenerStatus {
  name: string;
  supportedKinds: RouteGroupKind[];
  attachedRoutes: number;
  conditions: ListenerCondition[];
}

export interface GatewayStatus {
  target: StatusTarget;
  conditions: GatewayCondition[];
  listeners: ListenerStatus[];
}

/** A parentRef as written, with the defaults filled in (the spec's form for status). */
export interface ParentRef {
  group: string;
  kind: string;
  namespace: string | undefined;
  name: string;
  sectionName: string | undefined;
  port: number | undefined;
}

export interface RouteParentStatus {
  parentRef: ParentRef;
  conditions: RouteCondition[];
}

export interface RouteStatus {
  target: StatusTarget;
  /** Our entries; entries of other controllers are kept by the writer. */
  parents: RouteParentStatus[];
}

export interface GatewayApiStatus {
  /** The controllerName status entries are written under. */
  controllerName: string;
  gatewayClasses: GatewayClassStatus[];
  gateways: GatewayStatus[];
  routes: RouteStatus[];
}

export const condition = <R extends string>(
  type: string,
  status: boolean,
  reason: R,
  message: string,
): Condition<R> => ({ type, status: status ? 'True' : 'False', reason, message });
