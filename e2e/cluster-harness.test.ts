/**
 * The cluster harness itself: a real etcd + kube-apiserver, the deployment manifests applied
 * with strict server-side validation, and the controller's ServiceAccount proven to hold
 * exactly the rights the controller needs (checked with real requests made with its token).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  ApiException,
  AuthorizationV1Api,
  CoordinationV1Api,
  CoreV1Api,
  DiscoveryV1Api,
  KubeConfig,
  type KubernetesObject,
  NetworkingV1Api,
  PatchStrategy,
  setHeaderOptions,
  type V1Ingress,
} from '@kubernetes/client-node';
import { TestCluster } from './cluster/cluster.ts';
import { endpointSliceForPods } from './cluster/objects.ts';
import { configMap, ingress, service } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';

const MANIFESTS = fileURLToPath(new URL('../manifests/', import.meta.url));
const DEFAULT_ELECTION_ID = 'haproxy-sidecar-ingress-leader';

interface ControllerIdentity {
  namespace: string;
  account: string;
  /** The Lease name: the Deployment's --election-id, else the controller's default. */
  electionId: string;
  /** The Deployment's --configmap. */
  configMap: { namespace: string; name: string };
}

type Deployment = KubernetesObject & {
  spec?: { template?: { spec?: { serviceAccountName?: string; containers?: { args?: string[] }[] } } };
};

/** Who the Deployment in the manifests runs the controller as, and which Lease it elects a leader with. */
function controllerIdentity(applied: KubernetesObject[]): ControllerIdentity {
  const deployment = applied.find((o) => o.kind === 'Deployment') as Deployment | undefined;
  const pod = deployment?.spec?.template?.spec;
  const account = pod?.serviceAccountName;
  const namespace = deployment?.metadata?.namespace;
  assert.ok(account && namespace, 'the manifests run the controller as a ServiceAccount');
  assert.ok(
    applied.some(
      (o) =>
        o.kind === 'ServiceAccount' && o.metadata?.name === account && o.metadata?.namespace === namespace,
    ),
    `ServiceAccount ${namespace}/${account} is among the manifests`,
  );
  const args = (pod?.containers ?? []).flatMap((c) => c.args ?? []);
  const flag = (name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
  const [configMapNamespace, configMapName] = (flag('configmap') ?? '').split('/');
  assert.ok(configMapNamespace && configMapName, 'the Deployment names its ConfigMap');
  return {
    namespace,
    account,
    electionId: flag('election-id') ?? DEFAULT_ELECTION_ID,
    configMap: { namespace: configMapNamespace, name: configMapName },
  };
}

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** Resolves with the HTTP status of a refused request, or fails if the request went through. */
async function refusedWith(request: Promise<unknown>): Promise<number> {
  try {
    await request;
  } catch (error) {
    if (error instanceof ApiException) return error.code;
    throw error;
  }
  assert.fail('the request was allowed');
}

describe('cluster harness: real etcd and kube-apiserver', () => {
  let cluster: TestCluster;
  let applied: KubernetesObject[];
  let identity: ControllerIdentity;
  let controller: KubeConfig;
  let pods: Pods;

  before(async () => {
    cluster = await TestCluster.start((line) => console.log(line));
    try {
      applied = await cluster.apply(MANIFESTS);
      identity = controllerIdentity(applied);
      controller = new KubeConfig();
      controller.loadFromFile(await cluster.serviceAccountKubeconfig(identity.namespace, identity.account));
      pods = await startPods('harness', 2);
    } catch (error) {
      console.log(await cluster.logTails());
      throw error;
    }
  });

  after(async () => {
    await pods?.stop();
    await cluster?.stop();
  });

  test('starts in seconds and reports what it took', (t) => {
    t.diagnostic(
      `kube-apiserver binary: ${cluster.binary} (build step ${(cluster.timings.build / 1000).toFixed(1)} s)`,
    );
    t.diagnostic(`etcd ready in ${cluster.timings.etcd.toFixed(0)} ms`);
    t.diagnostic(`kube-apiserver /readyz in ${cluster.timings.apiserver.toFixed(0)} ms`);
    t.diagnostic(`applied ${applied.length} objects from ${MANIFESTS}`);
    assert.match(cluster.server, /^https:\/\/127\.0\.0\.1:\d+$/);
  });

  test('the API server validates applied objects strictly', async () => {
    const unknownField = { ...configMap({ a: 'b' }, 'strict-check'), dta: { a: 'b' } };
    await assert.rejects(cluster.apply([unknownField]), /\.dta: field not declared in schema/);
    const badKey = configMap({ 'not a key': 'b' }, 'invalid-check');
    await assert.rejects(cluster.apply([badKey]), /HTTP 422: .*data\[not a key\]/);
  });

  test('apply updates an existing object', async () => {
    await cluster.apply([configMap({ key: 'one' }, 'updated', 'default')]);
    await cluster.apply([configMap({ key: 'two' }, 'updated', 'default')]);
    const read = await cluster
      .client(CoreV1Api)
      .readNamespacedConfigMap({ namespace: 'default', name: 'updated' });
    assert.deepEqual(read.data, { key: 'two' });
  });

  test('the controller account lists every kind it watches: cluster-wide, its ConfigMap by name', async () => {
    await cluster.apply([
      service('web', [{ name: 'http', port: 80 }]),
      endpointSliceForPods('web', pods, { portName: 'http' }),
    ]);
    const core = controller.makeApiClient(CoreV1Api);
    const networking = controller.makeApiClient(NetworkingV1Api);
    const discovery = controller.makeApiClient(DiscoveryV1Api);
    await networking.listIngressForAllNamespaces();
    await networking.listIngressClass();
    await core.listServiceForAllNamespaces();
    await core.listSecretForAllNamespaces();
    // The controller's own ConfigMap, the way the controller lists it: by name, in its namespace.
    const settings = await core.listNamespacedConfigMap({
      namespace: identity.configMap.namespace,
      fieldSelector: `metadata.name=${identity.configMap.name}`,
    });
    assert.deepEqual(
      settings.items.map((c) => c.metadata?.name),
      [identity.configMap.name],
    );
    const slices = await discovery.listEndpointSliceForAllNamespaces({
      labelSelector: 'kubernetes.io/service-name=web',
    });
    const addresses = slices.items.flatMap((s) => (s.endpoints ?? []).flatMap((e) => e.addresses));
    assert.deepEqual(addresses, pods.addresses);
    // The slice points at pods that answer, each under its own name.
    for (const [index, address] of pods.addresses.entries()) {
      const reply = await fetch(`http://${address}:${pods.port}/`);
      assert.equal(reply.status, 200);
      assert.equal(reply.headers.get('x-pod'), pods.names[index]);
    }
  });

  test('the controller account may watch what it lists (access review)', async () => {
    const authorization = controller.makeApiClient(AuthorizationV1Api);
    const can = async (group: string, resource: string, verb: string, ns = '', name?: string) => {
      const review = await authorization.createSelfSubjectAccessReview({
        body: { spec: { resourceAttributes: { group, resource, verb, namespace: ns, name } } },
      });
      return review.status?.allowed === true;
    };
    const watched = [
      ['networking.k8s.io', 'ingresses'],
      ['networking.k8s.io', 'ingressclasses'],
      ['', 'services'],
      ['discovery.k8s.io', 'endpointslices'],
      ['', 'secrets'],
    ] as const;
    for (const [group, resource] of watched) {
      assert.ok(await can(group, resource, 'watch'), `watch ${group}/${resource}`);
      // The reflectors never read one object by name.
      assert.equal(await can(group, resource, 'get', 'default', 'x'), false, `get ${group}/${resource}`);
    }
    const { namespace, name } = identity.configMap;
    assert.ok(await can('', 'configmaps', 'watch', namespace, name), 'watch its ConfigMap');
    assert.equal(await can('', 'configmaps', 'watch'), false, 'watch ConfigMaps cluster-wide');
    assert.equal(
      await can('', 'configmaps', 'watch', namespace),
      false,
      'watch every ConfigMap of its namespace',
    );
    assert.equal(await can('', 'configmaps', 'get', namespace, name), false, 'get its ConfigMap');
    assert.equal(await can('', 'pods', 'watch'), false, 'watch pods');
    assert.equal(await can('', 'secrets', 'create', 'default'), false, 'create secrets');
    assert.equal(
      await can('networking.k8s.io', 'ingresses/status', 'update', 'default', 'x'),
      false,
      'update Ingress status (it is patched)',
    );
  });

  test('the controller account reads no other ConfigMap than its own', async () => {
    const core = controller.makeApiClient(CoreV1Api);
    const { namespace, name } = identity.configMap;
    await cluster.apply([configMap({ secret: 'value' }, 'neighbour', namespace)]);
    assert.equal(await refusedWith(core.listNamespacedConfigMap({ namespace })), 403);
    assert.equal(
      await refusedWith(
        core.listNamespacedConfigMap({ namespace, fieldSelector: 'metadata.name=neighbour' }),
      ),
      403,
    );
    assert.equal(await refusedWith(core.readNamespacedConfigMap({ namespace, name })), 403);
    assert.equal(await refusedWith(core.listConfigMapForAllNamespaces()), 403);
    assert.equal(
      await refusedWith(
        core.listNamespacedConfigMap({ namespace: 'default', fieldSelector: `metadata.name=${name}` }),
      ),
      403,
    );
  });

  test('the controller account patches Ingress status but not the spec', async () => {
    const [created] = await cluster.apply([
      ingress('status-check', {
        rules: [{ host: 'a.example', paths: [{ path: '/', service: 'web', port: 80 }] }],
      }),
    ]);
    assert.ok(created);
    const networking = controller.makeApiClient(NetworkingV1Api);
    // Reading by name is not granted (the controller watches): the admin reads.
    const admin = cluster.client(NetworkingV1Api);
    assert.equal(
      await refusedWith(networking.readNamespacedIngress({ namespace: 'default', name: 'status-check' })),
      403,
    );
    const current = await admin.readNamespacedIngress({ namespace: 'default', name: 'status-check' });
    const withStatus: V1Ingress = {
      ...current,
      status: { loadBalancer: { ingress: [{ ip: '127.0.0.2' }] } },
    };
    // The controller writes status with a merge patch; a full replace (update) is not granted.
    assert.equal(
      await refusedWith(
        networking.replaceNamespacedIngressStatus({
          namespace: 'default',
          name: 'status-check',
          body: withStatus,
        }),
      ),
      403,
    );
    await networking.patchNamespacedIngressStatus(
      {
        namespace: 'default',
        name: 'status-check',
        body: { status: { loadBalancer: { ingress: [{ ip: '127.0.0.1' }] } } },
      },
      mergePatch,
    );
    assert.deepEqual(
      (await cluster.ingressStatus('default', 'status-check')).map((i) => i.ip),
      ['127.0.0.1'],
    );

    const latest = await admin.readNamespacedIngress({ namespace: 'default', name: 'status-check' });
    const specChange: V1Ingress = { ...latest, spec: { ...latest.spec, ingressClassName: 'other' } };
    assert.equal(
      await refusedWith(
        networking.replaceNamespacedIngress({ namespace: 'default', name: 'status-check', body: specChange }),
      ),
      403,
    );
    assert.equal(
      await refusedWith(networking.deleteNamespacedIngress({ namespace: 'default', name: 'status-check' })),
      403,
    );
  });

  test('the controller account records Events and raises their count', async () => {
    const core = controller.makeApiClient(CoreV1Api);
    const now = new Date();
    const created = await core.createNamespacedEvent({
      namespace: 'default',
      body: {
        metadata: { generateName: 'status-check.', namespace: 'default' },
        involvedObject: {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'Ingress',
          namespace: 'default',
          name: 'status-check',
        },
        reason: 'InvalidAnnotation',
        message: 'bad value',
        type: 'Warning',
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
        source: { component: 'haproxy-sidecar-ingress' },
      },
    });
    const name = created.metadata?.name ?? '';
    const again = await core.readNamespacedEvent({ namespace: 'default', name });
    await core.patchNamespacedEvent({
      namespace: 'default',
      name,
      body: [{ op: 'replace', path: '/count', value: (again.count ?? 1) + 1 }],
    });
    const seen = await cluster.events('default', 'Ingress', 'status-check');
    assert.deepEqual(
      seen.map((e) => [e.reason, e.message, e.count]),
      [['InvalidAnnotation', 'bad value', 2]],
    );
    assert.equal(await refusedWith(core.deleteNamespacedEvent({ namespace: 'default', name })), 403);
  });

  test('the controller account holds its leader Lease in its own namespace only', async () => {
    const coordination = controller.makeApiClient(CoordinationV1Api);
    const { namespace, electionId } = identity;
    const lease = (ns: string) => ({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: electionId, namespace: ns },
      spec: { holderIdentity: 'e2e', leaseDurationSeconds: 15 },
    });
    await coordination.createNamespacedLease({ namespace, body: lease(namespace) });
    const held = await coordination.readNamespacedLease({ namespace, name: electionId });
    held.spec = { ...held.spec, holderIdentity: 'e2e-2' };
    await coordination.replaceNamespacedLease({ namespace, name: electionId, body: held });
    assert.equal((await cluster.lease(namespace, electionId))?.spec?.holderIdentity, 'e2e-2');
    assert.equal(
      await refusedWith(coordination.createNamespacedLease({ namespace: 'default', body: lease('default') })),
      403,
    );
    assert.equal(await cluster.lease('default', electionId), undefined);
  });

  test('the controller account cannot write Secrets, read Pods or touch RBAC', async () => {
    const core = controller.makeApiClient(CoreV1Api);
    assert.equal(
      await refusedWith(
        core.createNamespacedSecret({
          namespace: identity.namespace,
          body: { metadata: { name: 'stolen' }, stringData: { a: 'b' } },
        }),
      ),
      403,
    );
    assert.equal(await refusedWith(core.listPodForAllNamespaces()), 403);
    assert.equal(await refusedWith(core.listNamespacedPod({ namespace: identity.namespace })), 403);
    assert.equal(
      await refusedWith(
        core.createNamespacedServiceAccountToken({
          namespace: identity.namespace,
          name: identity.account,
          body: { spec: { audiences: [] } },
        }),
      ),
      403,
    );
    assert.equal(
      await refusedWith(
        controller.makeApiClient(CoreV1Api).patchNamespacedConfigMap({
          namespace: 'default',
          name: 'updated',
          body: { data: { key: 'three' } },
        }),
      ),
      403,
    );
  });

  test('a stopped API server comes back on the same address with its data', async () => {
    await cluster.stopApiServer();
    await assert.rejects(
      cluster.client(CoreV1Api).readNamespacedConfigMap({ namespace: 'default', name: 'updated' }),
    );
    await cluster.startApiServer();
    const read = await cluster
      .client(CoreV1Api)
      .readNamespacedConfigMap({ namespace: 'default', name: 'updated' });
    assert.deepEqual(read.data, { key: 'two' });
  });

  test('restart() keeps etcd data, and the service account token still works', async (t) => {
    const started = performance.now();
    await cluster.restart();
    t.diagnostic(`restart (API server and etcd) took ${(performance.now() - started).toFixed(0)} ms`);
    const read = await cluster
      .client(CoreV1Api)
      .readNamespacedConfigMap({ namespace: 'default', name: 'updated' });
    assert.deepEqual(read.data, { key: 'two' });
    const ingresses = await controller.makeApiClient(NetworkingV1Api).listIngressForAllNamespaces();
    assert.ok(ingresses.items.some((i) => i.metadata?.name === 'status-check'));
    assert.equal(
      (await cluster.lease(identity.namespace, identity.electionId))?.spec?.holderIdentity,
      'e2e-2',
    );
  });
});
