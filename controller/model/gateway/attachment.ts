/**
 * Route attachment: which listeners of our Gateways each parentRef of a route
 * reaches, and for which hostnames. A parentRef selects listeners by
 * sectionName and port; a listener takes the route when it is accepted, its
 * allowedRoutes admit the route's namespace and kind, and its hostname
 * intersects the route's hostnames. The parent's Accepted condition says
 * which step failed, with the spec's reasons.
 */

import type { z } from 'zod';
import { GATEWAY_GROUP, type ParentReferenceSchema } from '../../store/gateway-api/fields.ts';
import { nsName, type Snapshot } from '../../store/store.ts';
import { intersectHostnames } from './hostnames.ts';
import { namespaceLabels, selects } from './label-selector.ts';
import type { ResolvedGateway, ResolvedListener } from './listeners.ts';
import { condition, type ParentRef, type RouteCondition } from './status-types.ts';

export type RouteKind = 'HTTPRoute' | 'GRPCRoute';

/** What attachment needs of a route, HTTPRoute or GRPCRoute. */
export interface AttachableRoute {
  kind: RouteKind;
  metadata: { namespace: string; name: string };
  spec: { parentRefs: z.infer<typeof ParentReferenceSchema>[]; hostnames: string[] };
}

export interface Attachment {
  listener: ResolvedListener;
  /** Hosts served through this listener (`undefined`: any host). */
  hostnames: (string | undefined)[];
}

export interface ParentAttachment {
  parentRef: ParentRef;
  /** Empty when the parent did not accept the route. */
  attachments: Attachment[];
  accepted: RouteCondition;
}

/** Every parentRef of the route that names one of our Gateways, with what it attached to. */
export function attachRoute(
  route: AttachableRoute,
  gateways: ReadonlyMap<string, ResolvedGateway>,
  snapshot: Pick<Snapshot, 'namespaces'>,
): ParentAttachment[] {
  const results: ParentAttachment[] = [];
  const namespace = route.metadata.namespace;
  for (const ref of route.spec.parentRefs) {
    if (ref.group !== GATEWAY_GROUP || ref.kind !== 'Gateway') continue;
    const gateway = gateways.get(nsName(ref.namespace ?? namespace, ref.name));
    if (!gateway) continue;
    const parentRef: ParentRef = {
      group: ref.group,
      kind: ref.kind,
      namespace: ref.namespace,
      name: ref.name,
      sectionName: ref.sectionName,
      port: ref.port,
    };
    const refused = (reason: RouteCondition['reason'], message: string): ParentAttachment => ({
      parentRef,
      attachments: [],
      accepted: condition('Accepted', false, reason, message),
    });
    const selected = gateway.listeners.filter(
      (l) =>
        (ref.sectionName === undefined || l.name === ref.sectionName) &&
        (ref.port === undefined || l.port === ref.port),
    );
    if (selected.length === 0) {
      results.push(
        refused('NoMatchingParent', `No listener ${describeSelection(ref)} on Gateway ${gateway.key}`),
      );
      continue;
    }
    const allowed = selected.filter((l) => gateway.accepted && l.accepted && admits(l, route, snapshot));
    if (allowed.length === 0) {
      results.push(
        refused(
          'NotAllowedByListeners',
          gateway.accepted
            ? `No listener ${describeSelection(ref)} admits ${route.kind}s from namespace ${namespace}`
            : `Gateway ${gateway.key} is not accepted`,
        ),
      );
      continue;
    }
    const attachments = allowed
      .map((listener) => ({
        listener,
        hostnames: intersectHostnames(listener.hostname, route.spec.hostnames),
      }))
      .filter((a) => a.hostnames.length > 0);
    if (attachments.length === 0) {
      results.push(
        refused('NoMatchingListenerHostname', 'No listener hostname intersects the route hostnames'),
      );
      continue;
    }
    results.push({ parentRef, attachments, accepted: condition('Accepted', true, 'Accepted', 'Accepted') });
  }
  return results;
}

function describeSelection(ref: { sectionName?: string | undefined; port?: number | undefined }): string {
  const parts = [];
  if (ref.sectionName !== undefined) parts.push(`named ${ref.sectionName}`);
  if (ref.port !== undefined) parts.push(`on port ${ref.port}`);
  return parts.join(' ');
}

/** The listener's allowedRoutes admit the route's kind and namespace. */
function admits(
  listener: ResolvedListener,
  route: AttachableRoute,
  snapshot: Pick<Snapshot, 'namespaces'>,
): boolean {
  if (!listener.supportedKinds.some((k) => k.group === GATEWAY_GROUP && k.kind === route.kind)) return false;
  const { from, selector } = listener.allowedRoutes.namespaces;
  const gatewayNamespace = listener.gateway.metadata.namespace;
  switch (from) {
    case 'All':
      return true;
    case 'Same':
      return route.metadata.namespace === gatewayNamespace;
    case 'Selector':
      return (
        selector !== undefined &&
        selects(selector, namespaceLabels(snapshot, route.metadata.namespace)) === true
      );
  }
}
