/**
 * The chart's output in a real kube-apiserver: the objects of the default install and of both
 * values files (three releases side by side) are created with server-side apply and strict
 * field validation, the ServiceMonitor against the Prometheus Operator's real CRD. Then the
 * controller runs the way the default-class release's Deployment runs it (its flags, its
 * ServiceAccount's token and nothing more) and serves an Ingress that names no class.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiextensionsV1Api, CoreV1Api, type KubernetesObject } from '@kubernetes/client-node';
import { TestCluster } from './cluster/cluster.ts';
import { loopbackSlice } from './harness/cluster-setup.ts';
import { TestController } from './harness/controller.ts';
import { ingress, service } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { eventually } from './harness/wait.ts';
import { template } from './helm/helm.ts';
import { RELEASES, type ReleaseName } from './helm/releases.ts';
import { type Install, installOf } from './helm/rendered.ts';
import { SERVICE_MONITOR_CRD_NAME, serviceMonitorCrd } from './helm/service-monitor-crd.ts';

/** Flags naming paths inside the pod's volumes: the test controller has its own directories. */
const POD_PATHS = /^--(config-dir|runtime-dir|haproxy-master-socket)=/;
const APPS = 'apps';

const key = (o: KubernetesObject) => `${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;

describe('helm chart in a real API server', () => {
  let cluster: TestCluster;
  const installs = {} as Record<ReleaseName, Install>;
  const applied = {} as Record<ReleaseName, KubernetesObject[]>;
  let controller: TestController | undefined;
  let pods: Pods | undefined;

  before(async () => {
    cluster = await TestCluster.start((line) => console.log(line));
    try {
      await cluster.apply([await serviceMonitorCrd()]);
      await eventually(async () => {
        const crd = await cluster
          .client(ApiextensionsV1Api)
          .readCustomResourceDefinition({ name: SERVICE_MONITOR_CRD_NAME });
        const established = crd.status?.conditions?.find((c) => c.type === 'Established');
        assert.equal(established?.status, 'True');
      }, 20_000);
      for (const [name, options] of Object.entries(RELEASES)) {
        const install = installOf(await template(options));
        installs[name as ReleaseName] = install;
        applied[name as ReleaseName] = await cluster.apply(install.objects);
      }
    } catch (error) {
      console.log(await cluster.logTails());
      throw error;
    }
  });

  after(async () => {
    await controller?.cleanup();
    await pods?.stop();
    await cluster?.stop();
  });

  it('creates every rendered object of the three installs, as written (strict field validation)', () => {
    for (const [name, install] of Object.entries(installs)) {
      const created = applied[name as ReleaseName];
      assert.deepEqual(
        created.map(key).sort(),
        install.objects.map(key).sort(),
        `${name}: every object was created`,
      );
      for (const object of created)
        assert.ok(object.metadata?.uid && object.metadata.managedFields?.length, `${name}: ${key(object)}`);
    }
    const monitor = applied.loadBalancer.find((o) => o.kind === 'ServiceMonitor');
    assert.equal(monitor?.apiVersion, 'monitoring.coreos.com/v1');
  });

  it('gives each Service the type and ports its values ask for', async () => {
    const core = cluster.client(CoreV1Api);
    const read = (install: Install) => {
      const { name, namespace = '' } = install.service().metadata;
      return core.readNamespacedService({ name, namespace });
    };
    const nodePort = await read(installs.defaults);
    assert.equal(nodePort.spec?.type, 'NodePort');
    assert.deepEqual(
      nodePort.spec?.ports?.map((p) => p.port),
      [80, 443],
    );
    assert.ok(
      nodePort.spec?.ports?.every((p) => p.nodePort),
      'node ports assigned',
    );
    const balancer = await read(installs.loadBalancer);
    assert.equal(balancer.spec?.type, 'LoadBalancer');
    assert.deepEqual(
      balancer.spec?.ports?.map((p) => p.nodePort),
      [30080, 30443],
    );
    assert.ok(balancer.spec?.healthCheckNodePort, 'externalTrafficPolicy Local: a health check node port');
    const internal = await read(installs.defaultClass);
    assert.equal(internal.spec?.type, 'ClusterIP');
    assert.deepEqual(
      internal.spec?.ports?.map((p) => p.port),
      [8080, 8443, 1024],
    );
  });

  it('runs the controller with the default-class release’s flags and RBAC: it serves an Ingress that names no class', async () => {
    const install = installs.defaultClass;
    const namespace = install.deployment.metadata.namespace ?? '';
    const args = install.container('controller').args.filter((arg) => !POD_PATHS.test(arg));
    const kubeconfig = await cluster.serviceAccountKubeconfig(namespace, install.pod.serviceAccountName);
    controller = await TestController.create();
    await controller.start(['--kubeconfig', kubeconfig, '--election-lease-duration', '3000', ...args], {
      POD_NAMESPACE: namespace,
      POD_NAME: 'internal-ingress-0',
      KUBECONFIG: '',
    });

    pods = await startPods('chart', 1);
    await cluster.ensureNamespace(APPS);
    await cluster.apply([
      service('web', [{ port: 80 }], {}, APPS),
      loopbackSlice('web', pods.port, [{ address: pods.addresses[0] ?? '' }], APPS),
      ingress(
        'web',
        {
          className: null,
          rules: [{ host: 'web.internal', paths: [{ path: '/', service: 'web', port: 80 }] }],
        },
        { namespace: APPS },
      ),
    ]);
    const running = controller;
    await eventually(async () => {
      const reply = await running.get('web.internal', '/');
      assert.equal(reply.status, 200);
      assert.equal(reply.headers['x-pod'], 'chart-1');
    }, 10_000);

    // Leader through the Lease its Role names; status through the Service it publishes.
    const electionId = args.find((a) => a.startsWith('--election-id='))?.split('=')[1] ?? '';
    await eventually(async () => {
      assert.equal((await cluster.lease(namespace, electionId))?.spec?.holderIdentity, 'internal-ingress-0');
    }, 10_000);
    const { name, namespace: serviceNamespace = '' } = install.service().metadata;
    const published = await cluster
      .client(CoreV1Api)
      .readNamespacedService({ name, namespace: serviceNamespace });
    await eventually(async () => {
      assert.deepEqual(
        (await cluster.ingressStatus(APPS, 'web')).map((i) => i.ip),
        [published.spec?.clusterIP],
      );
    }, 10_000);
    // The release's ConfigMap, read by name in its namespace.
    assert.match(await running.config(), /^\s*timeout client 42s$/m);
  });
});
