/**
 * The listeners of our Gateways, checked one by one: what HAProxy can serve
 * (HTTP and HTTPS), on which port, with which certificates, which route kinds
 * may attach, and the conditions each listener reports.
 *
 * Every Gateway shares HAProxy's frontends: port 80 is the plain HTTP
 * frontend (--http-bind-port), port 443 the HTTPS one (--https-bind-port),
 * and any other port gets a frontend of its own, bound on that port. Gateways
 * on the same port are told apart by Host and SNI. The first Gateway (oldest,
 * then by namespace/name) to declare a port decides its protocol; a listener
 * that wants the other one is in conflict.
 */

import { GATEWAY_GROUP } from '../../store/gateway-api/fields.ts';
import type { AllowedRoutes, Gateway, Listener } from '../../store/gateway-api/gateway.ts';
import { TLS_SECRET_TYPE } from '../../store/schemas.ts';
import { nsName, type Snapshot } from '../../store/store.ts';
import { pemBlocks } from '../tls.ts';
import type { Certificate } from '../types.ts';
import { isGranted } from './reference-grants.ts';
import {
  condition,
  type GatewayCondition,
  type ListenerCondition,
  type RouteGroupKind,
} from './status-types.ts';

/** Declared ports served by the main frontends. */
export const HTTP_PORT = 80;
export const HTTPS_PORT = 443;

/** Route kinds an HTTP or HTTPS listener takes. */
export const ROUTE_KINDS: readonly RouteGroupKind[] = [
  { group: GATEWAY_GROUP, kind: 'HTTPRoute' },
  { group: GATEWAY_GROUP, kind: 'GRPCRoute' },
];

export interface ListenerOptions {
  /** Ports the controller binds for itself: a listener on another port may not claim them. */
  reservedPorts: readonly number[];
}

export interface ResolvedListener {
  gateway: Gateway;
  name: string;
  port: number;
  protocol: string;
  hostname: string | undefined;
  allowedRoutes: AllowedRoutes;
  supportedKinds: RouteGroupKind[];
  /** Routes may attach to it. */
  accepted: boolean;
  /** HAProxy serves it: accepted, its Gateway accepted, and an HTTPS listener has a certificate. */
  programmed: boolean;
  tls: boolean;
  /** The certificates it serves, with its hostname as SNI (none: the names in the certificate). */
  certificates: Certificate[];
  /** Accepted, Conflicted and ResolvedRefs; Programmed is added once known. */
  conditions: ListenerCondition[];
  /** Routes attached to it, counted by attachment. */
  attachedRoutes: number;
}

export interface ResolvedGateway {
  gateway: Gateway;
  /** `namespace/name`. */
  key: string;
  accepted: boolean;
  acceptedCondition: GatewayCondition;
  listeners: ResolvedListener[];
}

/** Oldest first, then by namespace/name: the order in which Gateways claim ports. */
export function byAge(a: Gateway, b: Gateway): number {
  const ta = a.metadata.creationTimestamp?.getTime() ?? Number.MAX_SAFE_INTEGER;
  const tb = b.metadata.creationTimestamp?.getTime() ?? Number.MAX_SAFE_INTEGER;
  if (ta !== tb) return ta - tb;
  const ka = nsName(a.metadata.namespace, a.metadata.name);
  const kb = nsName(b.metadata.namespace, b.metadata.name);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

const isHttpProtocol = (protocol: string): protocol is 'HTTP' | 'HTTPS' =>
  protocol === 'HTTP' || protocol === 'HTTPS';

export function resolveGateways(
  snapshot: Pick<Snapshot, 'gateways' | 'secrets' | 'referenceGrants'>,
  classes: { accepted: ReadonlySet<string>; ours: ReadonlyMap<string, unknown> },
  options: ListenerOptions,
): ResolvedGateway[] {
  const gateways = [...snapshot.gateways.values()]
    .filter((g) => classes.ours.has(g.spec.gatewayClassName))
    .sort(byAge);
  /** Declared port → protocol, claimed by the main frontends and then by the oldest Gateway. */
  const claims = new Map<number, { protocol: string; by: string }>([
    [HTTP_PORT, { protocol: 'HTTP', by: 'the plain HTTP frontend' }],
    [HTTPS_PORT, { protocol: 'HTTPS', by: 'the HTTPS frontend' }],
  ]);
  const reserved = new Set(options.reservedPorts.filter((p) => p !== HTTP_PORT && p !== HTTPS_PORT));
  return gateways.map((gateway) => {
    const key = nsName(gateway.metadata.namespace, gateway.metadata.name);
    const refused = gatewayRefusal(gateway, classes.accepted);
    const listeners = gateway.spec.listeners.map((listener) =>
      resolveListener(gateway, listener, snapshot, {
        claims,
        reserved,
        gatewayRefused: refused !== undefined,
      }),
    );
    const valid = listeners.filter((l) => l.accepted).length;
    let acceptedCondition: GatewayCondition;
    if (refused) acceptedCondition = refused;
    else if (valid === 0)
      acceptedCondition = condition('Accepted', false, 'ListenersNotValid', 'No listener is valid');
    else if (valid < listeners.length)
      acceptedCondition = condition(
        'Accepted',
        true,
        'ListenersNotValid',
        `${listeners.length - valid} of ${listeners.length} listeners are not valid`,
      );
    else acceptedCondition = condition('Accepted', true, 'Accepted', 'Accepted');
    const accepted = acceptedCondition.status === 'True';
    for (const l of listeners) {
      l.programmed = accepted && l.accepted && (!l.tls || l.certificates.length > 0);
      l.conditions.push(
        l.programmed
          ? condition('Programmed', true, 'Programmed', 'Programmed')
          : condition(
              'Programmed',
              false,
              'Invalid',
              !accepted
                ? 'The Gateway is not accepted'
                : !l.accepted
                  ? 'The listener is not accepted'
                  : 'No usable certificate',
            ),
      );
    }
    return { gateway, key, accepted, acceptedCondition, listeners };
  });
}

/** Why a whole Gateway cannot be served, if it cannot. */
function gatewayRefusal(
  gateway: Gateway,
  acceptedClasses: ReadonlySet<string>,
): GatewayCondition | undefined {
  const { spec } = gateway;
  if (!acceptedClasses.has(spec.gatewayClassName))
    return condition(
      'Accepted',
      false,
      'InvalidParameters',
      `GatewayClass ${spec.gatewayClassName} is not accepted`,
    );
  const params = spec.infrastructure?.parametersRef;
  if (params)
    return condition(
      'Accepted',
      false,
      'InvalidParameters',
      `infrastructure.parametersRef ${params.kind} ${params.name}: this controller takes no parameters`,
    );
  if (spec.addresses.length > 0)
    return condition(
      'Accepted',
      false,
      'UnsupportedAddress',
      'spec.addresses cannot be requested: the Gateway is reached at the published addresses of the controller',
    );
  return undefined;
}

interface Context {
  claims: Map<number, { protocol: string; by: string }>;
  reserved: ReadonlySet<number>;
  gatewayRefused: boolean;
}

function resolveListener(
  gateway: Gateway,
  listener: Listener,
  snapshot: Pick<Snapshot, 'secrets' | 'referenceGrants'>,
  context: Context,
): ResolvedListener {
  const { name, port, protocol } = listener;
  const kinds = supportedKinds(listener);
  const resolved: ResolvedListener = {
    gateway,
    name,
    port,
    protocol,
    hostname: listener.hostname,
    allowedRoutes: listener.allowedRoutes,
    supportedKinds: kinds.supported,
    accepted: false,
    programmed: false,
    tls: protocol === 'HTTPS',
    certificates: [],
    conditions: [],
    attachedRoutes: 0,
  };
  const refuse = (reason: ListenerCondition['reason'], message: string, conflicted = false) => {
    resolved.conditions.push(
      condition('Accepted', false, reason, message),
      conflicted
        ? condition('Conflicted', true, reason, message)
        : condition('Conflicted', false, 'NoConflicts', 'No conflicts'),
    );
    return resolved;
  };
  // Unsupported listeners are not served and take no routes: nothing else about them matters.
  if (!isHttpProtocol(protocol)) {
    resolved.supportedKinds = [];
    return refuse('UnsupportedProtocol', `Protocol ${protocol} is not supported; use HTTP or HTTPS`);
  }
  const frontendTls = gateway.spec.tls?.frontend;
  if (protocol === 'HTTPS' && frontendTls)
    return refuse(
      'UnsupportedValue',
      'Client certificate validation (spec.tls.frontend) is not supported; the listener is not served rather than served without it',
    );
  if (context.reserved.has(port))
    return refuse('PortUnavailable', `Port ${port} is used by the controller itself`);
  const claim = context.claims.get(port);
  if (claim && claim.protocol !== protocol)
    return refuse('ProtocolConflict', `Port ${port} is served as ${claim.protocol} (${claim.by})`, true);
  // A refused Gateway claims nothing: its listeners are not served.
  if (!claim && !context.gatewayRefused)
    context.claims.set(port, {
      protocol,
      by: `Gateway ${nsName(gateway.metadata.namespace, gateway.metadata.name)}`,
    });
  resolved.accepted = true;
  resolved.conditions.push(
    condition('Accepted', true, 'Accepted', 'Accepted'),
    condition('Conflicted', false, 'NoConflicts', 'No conflicts'),
  );
  const refs: ListenerCondition[] = [];
  if (kinds.invalid.length > 0)
    refs.push(
      condition(
        'ResolvedRefs',
        false,
        'InvalidRouteKinds',
        `Route kinds not supported: ${kinds.invalid.map((k) => `${k.group}/${k.kind}`).join(', ')}`,
      ),
    );
  if (resolved.tls) {
    const certificates = listenerCertificates(gateway, listener, snapshot);
    resolved.certificates = certificates.certificates;
    if (certificates.problem) refs.push(certificates.problem);
  }
  resolved.conditions.push(refs[0] ?? condition('ResolvedRefs', true, 'ResolvedRefs', 'Resolved'));
  return resolved;
}

function supportedKinds(listener: Listener): { supported: RouteGroupKind[]; invalid: RouteGroupKind[] } {
  const wanted = listener.allowedRoutes.kinds;
  if (wanted.length === 0) return { supported: [...ROUTE_KINDS], invalid: [] };
  const known = (k: RouteGroupKind) => ROUTE_KINDS.some((r) => r.group === k.group && r.kind === k.kind);
  return {
    supported: wanted.filter(known).map((k) => ({ group: k.group, kind: k.kind })),
    invalid: wanted.filter((k) => !known(k)),
  };
}

/** The certificates of an HTTPS listener, and the first reason a reference could not be used. */
function listenerCertificates(
  gateway: Gateway,
  listener: Listener,
  snapshot: Pick<Snapshot, 'secrets' | 'referenceGrants'>,
): { certificates: Certificate[]; problem?: ListenerCondition } {
  const certificates: Certificate[] = [];
  let problem: ListenerCondition | undefined;
  const fail = (reason: 'InvalidCertificateRef' | 'RefNotPermitted', message: string) => {
    problem ??= condition('ResolvedRefs', false, reason, message);
  };
  const refs = listener.tls?.certificateRefs ?? [];
  if (refs.length === 0) fail('InvalidCertificateRef', 'No certificateRefs');
  for (const ref of refs) {
    const namespace = ref.namespace ?? gateway.metadata.namespace;
    const key = nsName(namespace, ref.name);
    if (ref.group !== '' || ref.kind !== 'Secret') {
      fail(
        'InvalidCertificateRef',
        `${ref.group || 'core'}/${ref.kind} ${key}: only Secrets can be certificates`,
      );
      continue;
    }
    const granted = isGranted(snapshot, {
      from: { group: GATEWAY_GROUP, kind: 'Gateway', namespace: gateway.metadata.namespace },
      to: { group: '', kind: 'Secret', namespace, name: ref.name },
    });
    if (!granted) {
      fail('RefNotPermitted', `Secret ${key}: no ReferenceGrant in ${namespace} lets this Gateway use it`);
      continue;
    }
    const secret = snapshot.secrets.get(key);
    if (!secret) {
      fail('InvalidCertificateRef', `Secret ${key} not found (or not a valid TLS Secret)`);
      continue;
    }
    if (secret.type !== TLS_SECRET_TYPE) {
      fail('InvalidCertificateRef', `Secret ${key} is of type ${secret.type}, expected ${TLS_SECRET_TYPE}`);
      continue;
    }
    const pem = `${[...pemBlocks(secret.values['tls.crt'] ?? ''), ...pemBlocks(secret.values['tls.key'] ?? '')].join('\n')}\n`;
    certificates.push({
      file: `${key.replace('/', '_')}.pem`,
      pem,
      sni: listener.hostname === undefined ? [] : [listener.hostname],
    });
  }
  return problem ? { certificates, problem } : { certificates };
}
