/** Builders for the Kubernetes objects tests write into the manifests directory. */

export interface EndpointSpec {
  address: string;
  name?: string;
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
}

export function service(
  name: string,
  ports: { name?: string; port: number }[],
  annotations: Record<string, string> = {},
  namespace = 'default',
) {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace, annotations }, spec: { ports } };
}

export function endpointSlice(
  serviceName: string,
  port: { name?: string; port: number },
  endpoints: EndpointSpec[],
  namespace = 'default',
  sliceName = `${serviceName}-slice`,
) {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: sliceName, namespace, labels: { 'kubernetes.io/service-name': serviceName } },
    addressType: 'IPv4',
    ports: [{ name: port.name ?? '', port: port.port, protocol: 'TCP' }],
    endpoints: endpoints.map((e) => ({
      addresses: [e.address],
      conditions: {
        ready: e.ready ?? true,
        serving: e.serving ?? e.ready ?? true,
        terminating: e.terminating ?? false,
      },
      ...(e.name ? { targetRef: { kind: 'Pod', name: e.name } } : {}),
    })),
  };
}

export interface PathSpec {
  path?: string;
  pathType?: 'Exact' | 'Prefix' | 'ImplementationSpecific';
  service: string;
  port: number | string;
}

export function backendRef(serviceName: string, port: number | string) {
  return {
    service: { name: serviceName, port: typeof port === 'number' ? { number: port } : { name: port } },
  };
}

export function ingress(
  name: string,
  spec: {
    className?: string | null;
    rules?: { host?: string; paths: PathSpec[] }[];
    defaultBackend?: { service: string; port: number | string };
    tls?: { hosts: string[]; secretName: string }[];
  },
  options: { namespace?: string; annotations?: Record<string, string>; created?: string } = {},
) {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name,
      namespace: options.namespace ?? 'default',
      annotations: options.annotations ?? {},
      ...(options.created ? { creationTimestamp: options.created } : {}),
    },
    spec: {
      ...(spec.className === null ? {} : { ingressClassName: spec.className ?? 'haproxy' }),
      ...(spec.defaultBackend
        ? { defaultBackend: backendRef(spec.defaultBackend.service, spec.defaultBackend.port) }
        : {}),
      ...(spec.tls ? { tls: spec.tls } : {}),
      rules: (spec.rules ?? []).map((r) => ({
        ...(r.host ? { host: r.host } : {}),
        http: {
          paths: r.paths.map((p) => ({
            ...(p.path !== undefined ? { path: p.path } : {}),
            pathType: p.pathType ?? 'Prefix',
            backend: backendRef(p.service, p.port),
          })),
        },
      })),
    },
  };
}

export function tlsSecret(name: string, certPem: string, keyPem: string, namespace = 'default') {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace },
    type: 'kubernetes.io/tls',
    data: {
      'tls.crt': Buffer.from(certPem).toString('base64'),
      'tls.key': Buffer.from(keyPem).toString('base64'),
    },
  };
}

export function configMap(data: Record<string, string>, name = 'haproxy-configmap', namespace = 'default') {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data };
}

export const ingressClass = (
  name = 'haproxy',
  isDefault = false,
  controller = 'haproxy.org/ingress-controller',
) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'IngressClass',
  metadata: { name, annotations: isDefault ? { 'ingressclass.kubernetes.io/is-default-class': 'true' } : {} },
  spec: { controller },
});

/** Service `name` on port 80 whose one endpoint is the first of `pods`, named after that pod. */
export function onePodService(name: string, pods: { addresses: string[]; names: string[]; port: number }) {
  return [
    service(name, [{ port: 80 }]),
    endpointSlice(name, { port: pods.port }, [
      { address: pods.addresses[0] as string, name: pods.names[0] as string },
    ]),
  ];
}

/** Service `name` on port 80 whose endpoints are all of `pods`, each named after its pod. */
export function podsService(name: string, pods: { addresses: string[]; names: string[]; port: number }) {
  return [
    service(name, [{ port: 80 }]),
    endpointSlice(
      name,
      { port: pods.port },
      pods.addresses.map((address, i) => ({ address, name: pods.names[i] as string })),
    ),
  ];
}

/** An Ingress `name` that sends every path of host `<name>.example` to port 80 of `service`. */
export function hostRoute(name: string, annotations: Record<string, string> = {}, service = 'web') {
  return ingress(
    name,
    { rules: [{ host: `${name}.example`, paths: [{ path: '/', service, port: 80 }] }] },
    { annotations },
  );
}
