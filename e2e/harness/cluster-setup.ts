/**
 * Cluster-mode test setup: a real etcd and kube-apiserver with `manifests/`
 * applied, and the controller running with the manifests' ServiceAccount token
 * and nothing more, so every test also proves the RBAC is sufficient.
 */
import { fileURLToPath } from 'node:url';
import { TestCluster } from '../cluster/cluster.ts';
import { installCrds } from '../cluster/crds.ts';
import { gatewayApiCrds } from '../gateway-api/crds.ts';
import { TestController } from './controller.ts';
import { type EndpointSpec, endpointSlice } from './objects.ts';

export const MANIFESTS_DIR = fileURLToPath(new URL('../../manifests/', import.meta.url));
export const CONTROLLER_NAMESPACE = 'haproxy-controller';
export const SERVICE_ACCOUNT = 'haproxy-ingress';
export const PUBLISH_SERVICE = `${CONTROLLER_NAMESPACE}/haproxy-ingress`;

export interface ClusterEnv {
  cluster: TestCluster;
  /** Kubeconfig holding a token of the manifests' ServiceAccount. */
  kubeconfig: string;
}

export async function startClusterWithManifests(
  options: {
    /** Install the Gateway API CRDs (standard channel, e2e/gateway-api/go.mod's release) first. */
    gatewayApi?: boolean;
  } = {},
): Promise<ClusterEnv> {
  const cluster = await TestCluster.start();
  try {
    if (options.gatewayApi) await installCrds(cluster, (await gatewayApiCrds()).crds);
    await cluster.apply(MANIFESTS_DIR);
    const kubeconfig = await cluster.serviceAccountKubeconfig(CONTROLLER_NAMESPACE, SERVICE_ACCOUNT);
    return { cluster, kubeconfig };
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}

/** Starts a controller in cluster mode, the way the Deployment in manifests/ runs it. */
export async function startClusterController(
  env: ClusterEnv,
  options: { podName?: string; args?: string[] } = {},
): Promise<TestController> {
  const controller = await TestController.create();
  await controller.start(
    [
      '--kubeconfig',
      env.kubeconfig,
      '--configmap',
      `${CONTROLLER_NAMESPACE}/haproxy-configmap`,
      '--election-lease-duration',
      '3000',
      ...(options.args ?? ['--publish-service', PUBLISH_SERVICE]),
    ],
    { POD_NAMESPACE: CONTROLLER_NAMESPACE, POD_NAME: options.podName ?? 'haproxy-ingress-0', KUBECONFIG: '' },
  );
  return controller;
}

/**
 * An EndpointSlice for pods on loopback. The API server refuses loopback IPs in
 * IPv4 slices, so these are FQDN slices whose names are the IP literals.
 */
export function loopbackSlice(
  service: string,
  port: number,
  endpoints: EndpointSpec[],
  namespace: string,
  sliceName = `${service}-slice`,
) {
  return { ...endpointSlice(service, { port }, endpoints, namespace, sliceName), addressType: 'FQDN' };
}
