/** Model fixtures for the unit tests: plain Kubernetes objects in, desired state out. */
import { type Parsed, parseObject, Store } from '../store/store.ts';
import { buildModel, type ModelOptions } from './build.ts';
import type { DesiredState } from './types.ts';

export const MODEL_OPTIONS: ModelOptions = {
  configMap: 'default/haproxy-configmap',
  ingressClass: 'haproxy',
  emptyIngressClass: false,
  defaultBackendService: undefined,
  defaultSslCertificate: undefined,
};

/** Parses fixtures through the store's boundary; a fixture that does not parse is a broken test. */
export function parseAll(objects: readonly Record<string, unknown>[]): Parsed[] {
  return objects.map((o) => {
    const result = parseObject(o);
    if (!result.ok) throw new Error(`fixture does not parse: ${JSON.stringify(result)}`);
    return result.value;
  });
}

export function modelOf(
  objects: readonly Record<string, unknown>[],
  options: Partial<ModelOptions> = {},
): DesiredState {
  const store = new Store();
  store.replaceOrigin('test', parseAll(objects));
  return buildModel(store.snapshot(), { ...MODEL_OPTIONS, ...options });
}

type Obj = Record<string, unknown>;

/** An Ingress of our class with one rule: `host`, path `/` (Prefix) to port 80 of `service`. */
export const ingressObject = (
  name: string,
  host: string,
  service: string,
  annotations: Record<string, string> = {},
  created?: string,
) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name, namespace: 'default', annotations, ...(created && { creationTimestamp: created }) },
  spec: {
    ingressClassName: 'haproxy',
    rules: [
      {
        host,
        http: {
          paths: [
            { path: '/', pathType: 'Prefix', backend: { service: { name: service, port: { number: 80 } } } },
          ],
        },
      },
    ],
  },
});

/** A Service on port 80; `spec` adds to (or replaces) its fields. */
export const serviceObject = (
  name: string,
  annotations: Record<string, string> = {},
  spec: Obj = {},
): Obj => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default', annotations },
  spec: { ports: [{ port: 80 }], ...spec },
});

/** The EndpointSlice of Service `name`: ready endpoints on port 8080. */
export const sliceObject = (name: string, addresses: string[]): Obj => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: `${name}-x`, namespace: 'default', labels: { 'kubernetes.io/service-name': name } },
  addressType: 'IPv4',
  ports: [{ port: 8080, protocol: 'TCP' }],
  endpoints: addresses.map((address) => ({ addresses: [address], conditions: { ready: true } })),
});
