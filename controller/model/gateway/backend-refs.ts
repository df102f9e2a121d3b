/**
 * The backendRefs of a route rule, checked: a core Service, in the route's
 * namespace or one whose ReferenceGrant admits the route, that exists and
 * has the port. A reference that fails keeps its weight: its share of the
 * rule's requests gets 500, and the route's ResolvedRefs condition says why.
 */
import { GATEWAY_GROUP } from '../../store/gateway-api/fields.ts';
import { nsName, type Snapshot } from '../../store/store.ts';
import type { ServiceRef } from '../backends.ts';
import { isGranted } from './reference-grants.ts';

export type RefProblemReason = 'InvalidKind' | 'RefNotPermitted' | 'BackendNotFound';

export type CheckedRef =
  | {
      ok: true;
      service: ServiceRef;
      weight: number;
      /** The pods speak HTTP/2 in clear text (GRPCRoute, or appProtocol kubernetes.io/h2c). */
      h2c: boolean;
    }
  | { ok: false; weight: number; reason: RefProblemReason; message: string };

export interface RefInput {
  group: string;
  kind: string;
  name: string;
  namespace?: string | undefined;
  port?: number | undefined;
  weight: number;
}

export function checkBackendRef(
  ref: RefInput,
  route: { kind: 'HTTPRoute' | 'GRPCRoute'; namespace: string },
  snapshot: Pick<Snapshot, 'services' | 'referenceGrants'>,
): CheckedRef {
  const namespace = ref.namespace ?? route.namespace;
  const key = nsName(namespace, ref.name);
  const fail = (reason: RefProblemReason, message: string): CheckedRef => ({
    ok: false,
    weight: ref.weight,
    reason,
    message,
  });
  if (ref.group !== '' || ref.kind !== 'Service')
    return fail(
      'InvalidKind',
      `${ref.group ? `${ref.group}/` : ''}${ref.kind} ${key}: only Services are supported`,
    );
  const granted = isGranted(snapshot, {
    from: { group: GATEWAY_GROUP, kind: route.kind, namespace: route.namespace },
    to: { group: '', kind: 'Service', namespace, name: ref.name },
  });
  if (!granted)
    return fail(
      'RefNotPermitted',
      `Service ${key}: no ReferenceGrant in ${namespace} lets this ${route.kind} use it`,
    );
  const service = snapshot.services.get(key);
  if (!service) return fail('BackendNotFound', `Service ${key} not found`);
  if (service.spec.type === 'ExternalName')
    return fail('BackendNotFound', `Service ${key} is of type ExternalName, which is not supported`);
  const port = service.spec.ports.find((p) => p.port === ref.port);
  if (!port || ref.port === undefined)
    return fail('BackendNotFound', `Service ${key} has no port ${ref.port}`);
  return {
    ok: true,
    service: { namespace, name: ref.name, port: { number: ref.port } },
    weight: ref.weight,
    h2c: route.kind === 'GRPCRoute' || port.appProtocol === 'kubernetes.io/h2c',
  };
}
