/**
 * The reference controller's three extra ConfigMaps in cluster mode, against a
 * real kube-apiserver: the controller watches exactly the ConfigMaps its flags
 * name (RBAC grants those names, as the chart does when they are set), and an
 * update or a deletion of each reaches HAProxy: TCP services, error pages and
 * pattern files. Run with --disable-ingress-status-update, which leaves Ingress
 * status alone.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  type ClusterEnv,
  CONTROLLER_NAMESPACE,
  loopbackSlice,
  PUBLISH_SERVICE,
  SERVICE_ACCOUNT,
  startClusterController,
  startClusterWithManifests,
} from './harness/cluster-setup.ts';
import type { TestController } from './harness/controller.ts';
import { httpGet } from './harness/http.ts';
import { freePort } from './harness/net.ts';
import { configMap, ingress, service } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { eventually } from './harness/wait.ts';

const NS = 'shop';
const NAMES = ['tcp-services', 'errorfiles', 'patternfiles'];

/** What the chart renders for controller.tcpServicesConfigMap and the others. */
const grant = [
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'reference-configmaps', namespace: CONTROLLER_NAMESPACE },
    rules: [{ apiGroups: [''], resources: ['configmaps'], resourceNames: NAMES, verbs: ['list', 'watch'] }],
  },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'reference-configmaps', namespace: CONTROLLER_NAMESPACE },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reference-configmaps' },
    subjects: [{ kind: 'ServiceAccount', name: SERVICE_ACCOUNT, namespace: CONTROLLER_NAMESPACE }],
  },
];

const route = (name: string, target: string, annotations: Record<string, string> = {}) =>
  ingress(
    name,
    { rules: [{ host: `${name}.example`, paths: [{ path: '/', service: target, port: 80 }] }] },
    { namespace: NS, annotations },
  );

const portOpen = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('error', () => resolve(false));
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
  });

describe('the reference ConfigMaps in cluster mode', () => {
  let env: ClusterEnv;
  let controller: TestController;
  let pods: Pods;
  let tcpPort: number;
  const extra = (name: string, data: Record<string, string>) => configMap(data, name, CONTROLLER_NAMESPACE);
  const from = (source: string, host: string) =>
    httpGet(controller.ports.http, '/', { host }, 5_000, { localAddress: source });

  before(async () => {
    env = await startClusterWithManifests();
    await env.cluster.ensureNamespace(NS);
    await env.cluster.apply(grant);
    pods = await startPods('web', 1);
    tcpPort = await freePort();
    await env.cluster.apply([
      service('web', [{ port: 80 }], {}, NS),
      loopbackSlice('web', pods.port, [{ address: pods.addresses[0] as string, name: 'web-1' }], NS),
      service('empty', [{ port: 80 }], {}, NS),
      route('office', 'web', { 'haproxy.org/allow-list': 'patterns/office' }),
      route('down', 'empty'),
      extra('tcp-services', { [tcpPort]: `${NS}/web:80` }),
      extra('errorfiles', { '503': 'HTTP/1.1 503 Service Unavailable\nX-Error-Page: custom\n\nnot yet' }),
      extra('patternfiles', { office: '127.0.0.5' }),
    ]);
    controller = await startClusterController(env, {
      args: [
        '--publish-service',
        PUBLISH_SERVICE,
        ...NAMES.map((name) => `--configmap-${name}=${CONTROLLER_NAMESPACE}/${name}`),
        '--disable-ingress-status-update',
      ],
    });
  });

  after(async () => {
    await controller?.cleanup();
    await pods?.stop();
    await env?.cluster.stop();
  });

  it('each ConfigMap is read: a TCP port, an error page, a pattern file', async () => {
    await eventually(async () => assert.equal((await httpGet(tcpPort, '/')).pod, 'web-1'), 10_000, 50);
    const down = await controller.get('down.example', '/');
    assert.equal(down.status, 503);
    assert.equal(down.body, 'not yet');
    assert.equal((await from('127.0.0.5', 'office.example')).pod, 'web-1');
    assert.equal((await from('127.0.0.6', 'office.example')).status, 403);
  });

  it('updates reach HAProxy', async () => {
    await env.cluster.apply([
      extra('errorfiles', { '503': 'HTTP/1.1 503 Service Unavailable\nX-Error-Page: custom\n\nsoon' }),
      extra('patternfiles', { office: '127.0.0.6' }),
    ]);
    await eventually(
      async () => assert.equal((await controller.get('down.example', '/')).body, 'soon'),
      10_000,
      50,
    );
    await eventually(
      async () => assert.equal((await from('127.0.0.6', 'office.example')).pod, 'web-1'),
      10_000,
      50,
    );
    assert.equal((await from('127.0.0.5', 'office.example')).status, 403);
  });

  it('--disable-ingress-status-update: served Ingresses keep an empty status', async () => {
    // Served, and an update applied since: a status write would have come with either.
    assert.equal((await from('127.0.0.6', 'office.example')).pod, 'web-1');
    assert.deepEqual(await env.cluster.ingressStatus(NS, 'office'), []);
    assert.deepEqual(await env.cluster.ingressStatus(NS, 'down'), []);
  });

  it('deletions reach HAProxy', async () => {
    for (const name of NAMES)
      await env.cluster.delete({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name, namespace: CONTROLLER_NAMESPACE },
      });
    await eventually(async () => assert.equal(await portOpen(tcpPort), false), 10_000, 50);
    await eventually(
      async () =>
        assert.equal((await controller.get('down.example', '/')).headers['x-error-page'], undefined),
      10_000,
      50,
    );
    await eventually(
      async () =>
        assert.equal((await from('127.0.0.6', 'office.example')).status, 403, 'an emptied allow-list'),
      10_000,
      50,
    );
  });
});
