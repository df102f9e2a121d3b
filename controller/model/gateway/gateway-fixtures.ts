/** Gateway API objects for the model's unit tests, as they would be written in manifests. */
import { Store } from '../../store/store.ts';
import { parseAll } from '../model-fixtures.ts';

type Obj = Record<string, unknown>;
const V1 = 'gateway.networking.k8s.io/v1';

export const CONTROLLER = 'haproxy.org/gateway-controller';

export const gatewayClass = (name = 'haproxy', controllerName = CONTROLLER, extra: Obj = {}): Obj => ({
  apiVersion: V1,
  kind: 'GatewayClass',
  metadata: { name, generation: 1 },
  spec: { controllerName, ...extra },
});

export interface ListenerSpec {
  name: string;
  port: number;
  protocol?: string;
  hostname?: string;
  from?: 'All' | 'Same' | 'Selector';
  selector?: Obj;
  kinds?: { group?: string; kind: string }[];
  certificateRefs?: Obj[];
}

export function gateway(
  name: string,
  listeners: ListenerSpec[],
  options: { namespace?: string; className?: string; created?: string; spec?: Obj } = {},
): Obj {
  return {
    apiVersion: V1,
    kind: 'Gateway',
    metadata: {
      name,
      namespace: options.namespace ?? 'default',
      generation: 1,
      ...(options.created ? { creationTimestamp: options.created } : {}),
    },
    spec: {
      gatewayClassName: options.className ?? 'haproxy',
      listeners: listeners.map((l) => ({
        name: l.name,
        port: l.port,
        protocol: l.protocol ?? 'HTTP',
        ...(l.hostname ? { hostname: l.hostname } : {}),
        allowedRoutes: {
          namespaces: { from: l.from ?? 'Same', ...(l.selector ? { selector: l.selector } : {}) },
          ...(l.kinds ? { kinds: l.kinds } : {}),
        },
        ...(l.certificateRefs ? { tls: { certificateRefs: l.certificateRefs } } : {}),
      })),
      ...options.spec,
    },
  };
}

export function httpRoute(
  name: string,
  spec: { parentRefs?: Obj[]; hostnames?: string[]; rules?: Obj[] },
  options: { namespace?: string; created?: string } = {},
): Obj {
  return {
    apiVersion: V1,
    kind: 'HTTPRoute',
    metadata: {
      name,
      namespace: options.namespace ?? 'default',
      generation: 1,
      ...(options.created ? { creationTimestamp: options.created } : {}),
    },
    spec: {
      parentRefs: spec.parentRefs ?? [{ name: 'gw' }],
      ...(spec.hostnames ? { hostnames: spec.hostnames } : {}),
      ...(spec.rules ? { rules: spec.rules } : {}),
    },
  };
}

export function grpcRoute(
  name: string,
  spec: { parentRefs?: Obj[]; hostnames?: string[]; rules?: Obj[] },
): Obj {
  return {
    apiVersion: V1,
    kind: 'GRPCRoute',
    metadata: { name, namespace: 'default', generation: 1 },
    spec: { parentRefs: spec.parentRefs ?? [{ name: 'gw' }], ...spec },
  };
}

export const ref = (name: string, port = 80, extra: Obj = {}): Obj => ({ name, port, ...extra });

export const service = (
  name: string,
  namespace = 'default',
  ports: Obj[] = [{ name: 'http', port: 80 }],
): Obj => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace },
  spec: { ports },
});

export const referenceGrant = (namespace: string, from: Obj[], to: Obj[], name = 'grant'): Obj => ({
  apiVersion: 'gateway.networking.k8s.io/v1beta1',
  kind: 'ReferenceGrant',
  metadata: { name, namespace },
  spec: { from, to },
});

export const namespace = (name: string, labels: Record<string, string> = {}): Obj => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels },
});

export function snapshotOf(objects: readonly Obj[]) {
  const store = new Store();
  store.replaceOrigin('test', parseAll(objects));
  return store.snapshot();
}
