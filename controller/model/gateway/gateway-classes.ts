/**
 * GatewayClasses: ours when their controllerName is the controller's
 * (`haproxy.org/gateway-controller`, or --gateway-controller-name). A class
 * with parametersRef is not accepted: this controller takes no parameters.
 */
import type { GatewayClass } from '../../store/gateway-api/gateway.ts';
import type { Snapshot } from '../../store/store.ts';
import { condition, type GatewayClassStatus } from './status-types.ts';

export interface OurClasses {
  /** Accepted classes by name: their Gateways are served. */
  accepted: ReadonlySet<string>;
  /** Every class of ours, accepted or not, by name. */
  ours: ReadonlyMap<string, GatewayClass>;
  status: GatewayClassStatus[];
}

export function ourGatewayClasses(
  snapshot: Pick<Snapshot, 'gatewayClasses'>,
  controllerName: string,
): OurClasses {
  const ours = new Map<string, GatewayClass>();
  const accepted = new Set<string>();
  const status: GatewayClassStatus[] = [];
  for (const [name, gatewayClass] of snapshot.gatewayClasses) {
    if (gatewayClass.spec.controllerName !== controllerName) continue;
    ours.set(name, gatewayClass);
    const ref = gatewayClass.spec.parametersRef;
    const ok = ref === undefined;
    if (ok) accepted.add(name);
    status.push({
      target: {
        kind: 'GatewayClass',
        namespace: '',
        name,
        generation: gatewayClass.metadata.generation,
        resourceVersion: gatewayClass.metadata.resourceVersion,
      },
      conditions: [
        ok
          ? condition('Accepted', true, 'Accepted', 'Handled by haproxy-sidecar-ingress')
          : condition(
              'Accepted',
              false,
              'InvalidParameters',
              `parametersRef ${ref.group}/${ref.kind} ${ref.name}: this controller takes no parameters`,
            ),
      ],
    });
  }
  return { accepted, ours, status };
}
