/** The API resources the controller watches, and how to address them. */
import type { Kind } from '../../store/schemas.ts';

export interface Resource {
  kind: Kind;
  /** `v1` for the core group, else `group/version`. */
  apiVersion: string;
  plural: string;
  namespaced: boolean;
  /**
   * Needed only for the Gateway API, which may not be installed (404: its CRDs
   * are missing) or not granted (403: RBAC older than it): then the collection
   * is empty, looked for again slowly, and Ingresses work as ever.
   */
  optional?: true;
}

const gatewayApi = (kind: Kind, plural: string, namespaced: boolean, version = 'v1'): Resource => ({
  kind,
  apiVersion: `gateway.networking.k8s.io/${version}`,
  plural,
  namespaced,
  optional: true,
});

export const RESOURCES: Record<Kind, Resource> = {
  Ingress: { kind: 'Ingress', apiVersion: 'networking.k8s.io/v1', plural: 'ingresses', namespaced: true },
  IngressClass: {
    kind: 'IngressClass',
    apiVersion: 'networking.k8s.io/v1',
    plural: 'ingressclasses',
    namespaced: false,
  },
  Service: { kind: 'Service', apiVersion: 'v1', plural: 'services', namespaced: true },
  EndpointSlice: {
    kind: 'EndpointSlice',
    apiVersion: 'discovery.k8s.io/v1',
    plural: 'endpointslices',
    namespaced: true,
  },
  Secret: { kind: 'Secret', apiVersion: 'v1', plural: 'secrets', namespaced: true },
  ConfigMap: { kind: 'ConfigMap', apiVersion: 'v1', plural: 'configmaps', namespaced: true },
  // Only listeners' namespace selectors need Namespaces.
  Namespace: { kind: 'Namespace', apiVersion: 'v1', plural: 'namespaces', namespaced: false, optional: true },
  GatewayClass: gatewayApi('GatewayClass', 'gatewayclasses', false),
  Gateway: gatewayApi('Gateway', 'gateways', true),
  HTTPRoute: gatewayApi('HTTPRoute', 'httproutes', true),
  GRPCRoute: gatewayApi('GRPCRoute', 'grpcroutes', true),
  // v1beta1: served by every release of the CRDs (v1.6 serves it as v1 as well).
  ReferenceGrant: gatewayApi('ReferenceGrant', 'referencegrants', true, 'v1beta1'),
};

/** Collection path, e.g. `/apis/networking.k8s.io/v1/namespaces/default/ingresses`; all namespaces without one. */
export function collectionPath(resource: Resource, namespace?: string): string {
  const base = resource.apiVersion.includes('/')
    ? `/apis/${resource.apiVersion}`
    : `/api/${resource.apiVersion}`;
  return resource.namespaced && namespace
    ? `${base}/namespaces/${namespace}/${resource.plural}`
    : `${base}/${resource.plural}`;
}
