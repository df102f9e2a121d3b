/**
 * service-upstream through the real HAProxy: the Service's cluster IP is a
 * loopback address where a server of its own listens (standing in for
 * kube-proxy), while its EndpointSlice names other pods. A route with the
 * nginx annotation, or with haproxy.org/service-upstream, is answered by the
 * cluster IP, through one fixed server that endpoint changes do not move;
 * the same Service without it is answered by the pods; a headless Service
 * is reported and its pods answer.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestController } from './harness/controller.ts';
import { endpointSlice, ingress, service } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { eventually } from './harness/wait.ts';

const N = 'nginx.ingress.kubernetes.io/';

const hostRoute = (name: string, annotations: Record<string, string>, svc: string, port: number) =>
  ingress(
    name,
    { rules: [{ host: `${name}.example`, paths: [{ path: '/', service: svc, port }] }] },
    { annotations },
  );

describe('ingress-nginx service-upstream', () => {
  let controller: TestController;
  let cluster: Pods;
  let web: Pods;
  let headless: Pods;

  const webSlice = (count: number) =>
    endpointSlice(
      'web',
      { port: web.port },
      web.addresses.slice(0, count).map((address, i) => ({ address, name: web.names[i] as string })),
    );

  /** Which pods answer `count` requests to the host. */
  const answering = async (host: string, count = 12): Promise<string[]> => {
    const seen = new Set<string>();
    for (let i = 0; i < count; i++) {
      const reply = await controller.get(host, '/');
      seen.add(reply.status === 200 ? (reply.pod ?? '?') : String(reply.status));
    }
    return [...seen].sort();
  };

  /** The server lines of the backend whose servers include `address`. */
  const serversWith = async (address: string): Promise<string[]> => {
    const sections = (await controller.config()).split(/\n(?=backend )/);
    const section = sections.find((s) => s.startsWith('backend ') && s.includes(` ${address}:`));
    return (section ?? '').split('\n').filter((l) => /^ {2}server /.test(l));
  };

  before(async () => {
    cluster = await startPods('cluster', 1);
    web = await startPods('web', 3);
    headless = await startPods('headless', 1);
    controller = await TestController.create({
      'services.yaml': [
        {
          ...service('web', [{ port: cluster.port }]),
          spec: { clusterIP: cluster.addresses[0], ports: [{ port: cluster.port }] },
        },
        webSlice(2),
        { ...service('headless', [{ port: 80 }]), spec: { clusterIP: 'None', ports: [{ port: 80 }] } },
        endpointSlice('headless', { port: headless.port }, [
          { address: headless.addresses[0] as string, name: 'headless-1' },
        ]),
      ],
    });
    await controller.start();
    await controller.write('ingresses.yaml', [
      hostRoute('upstream', { [`${N}service-upstream`]: 'true' }, 'web', cluster.port),
      hostRoute('ours', { 'haproxy.org/service-upstream': 'true' }, 'web', cluster.port),
      hostRoute('pods', { [`${N}service-upstream`]: 'false' }, 'web', cluster.port),
      hostRoute('headless', { [`${N}service-upstream`]: 'true' }, 'headless', 80),
    ]);
    await eventually(
      async () => assert.equal((await controller.get('headless.example', '/')).pod, 'headless-1'),
      15_000,
      100,
    );
  });

  after(async () => {
    await controller?.cleanup();
    await cluster?.stop();
    await web?.stop();
    await headless?.stop();
  });

  it('the cluster IP answers a route with the nginx annotation or our key; the pods answer one without', async () => {
    assert.deepEqual(await answering('upstream.example'), ['cluster-1']);
    assert.deepEqual(await answering('ours.example'), ['cluster-1']);
    assert.deepEqual(await answering('pods.example'), ['web-1', 'web-2']);
  });

  it('its backend has one server, the cluster IP and the Service port', async () => {
    const lines = await serversWith(cluster.addresses[0] as string);
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0] as string, new RegExp(` ${cluster.addresses[0]}:${cluster.port}( |$)`));
  });

  it('endpoint changes move the pods, not the cluster IP, and reload nothing', async () => {
    const reloads = await controller.reloads();
    await controller.write('services.yaml', [
      {
        ...service('web', [{ port: cluster.port }]),
        spec: { clusterIP: cluster.addresses[0], ports: [{ port: cluster.port }] },
      },
      webSlice(3),
      { ...service('headless', [{ port: 80 }]), spec: { clusterIP: 'None', ports: [{ port: 80 }] } },
      endpointSlice('headless', { port: headless.port }, [
        { address: headless.addresses[0] as string, name: 'headless-1' },
      ]),
    ]);
    await eventually(
      async () => assert.deepEqual(await answering('pods.example', 18), ['web-1', 'web-2', 'web-3']),
      15_000,
      100,
    );
    assert.deepEqual(await answering('upstream.example'), ['cluster-1']);
    assert.deepEqual(await answering('ours.example'), ['cluster-1']);
    assert.equal(await controller.reloads(), reloads, 'pods changed over the Runtime API');
    assert.equal((await serversWith(cluster.addresses[0] as string)).length, 1);
  });

  it('a headless Service is reported under the annotation, and its pods answer', async () => {
    assert.deepEqual(await answering('headless.example', 4), ['headless-1']);
    const log = await controller.log();
    assert.match(
      log,
      /Ingress default\/headless nginx\.ingress\.kubernetes\.io\/service-upstream: .*headless/,
    );
  });
});
