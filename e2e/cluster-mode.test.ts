/**
 * Cluster mode against a real kube-apiserver: objects written through the API
 * are served by HAProxy, pod churn goes over the Runtime API without reloads,
 * problems become Events, and Ingress status carries the publish Service's
 * address. The controller runs with the manifests' ServiceAccount only.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type ClusterEnv,
  loopbackSlice,
  startClusterController,
  startClusterWithManifests,
} from './harness/cluster-setup.ts';
import type { TestController } from './harness/controller.ts';
import { ingress, service } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { eventually } from './harness/wait.ts';

const NS = 'shop';

describe('cluster mode', () => {
  let env: ClusterEnv;
  let controller: TestController;
  let pods: Pods;

  before(async () => {
    env = await startClusterWithManifests();
    await env.cluster.ensureNamespace(NS);
    pods = await startPods('web', 4);
    controller = await startClusterController(env);
  });

  after(async () => {
    await controller?.cleanup();
    await pods?.stop();
    await env?.cluster.stop();
  });

  const slice = (count: number, extra: Parameters<typeof loopbackSlice>[2] = []) =>
    loopbackSlice(
      'web',
      pods.port,
      [...pods.addresses.slice(0, count).map((address) => ({ address })), ...extra],
      NS,
    );

  /** Which pods answer a host, over enough requests to see each of them. */
  async function podsServing(host: string, path = '/'): Promise<string[]> {
    const seen = new Set<string>();
    for (let i = 0; i < 16; i++) {
      const reply = await controller.get(host, path);
      if (reply.status !== 200) throw new Error(`${host}${path}: ${reply.status}`);
      seen.add(String(reply.headers['x-pod']));
    }
    return [...seen].sort();
  }

  // How fast is printed (and measured by bench/api-to-served.ts); a loaded machine may take longer.
  it('serves an Ingress created through the API, and its edit and delete', async (t) => {
    await env.cluster.apply([service('web', [{ port: 80 }], {}, NS), slice(2)]);
    const route = ingress(
      'web',
      { rules: [{ host: 'shop.example', paths: [{ path: '/', service: 'web', port: 80 }] }] },
      { namespace: NS },
    );

    await env.cluster.apply([route]);
    const created = await eventually(async () => {
      assert.deepEqual(await podsServing('shop.example'), ['web-1', 'web-2']);
    }, 10_000);

    const edited = ingress(
      'web',
      {
        rules: [
          { host: 'shop.example', paths: [{ path: '/store', pathType: 'Exact', service: 'web', port: 80 }] },
        ],
      },
      { namespace: NS },
    );
    await env.cluster.apply([edited]);
    const edit = await eventually(async () => {
      assert.equal((await controller.get('shop.example', '/')).status, 404);
      assert.equal((await controller.get('shop.example', '/store')).status, 200);
    }, 10_000);

    await env.cluster.delete(edited);
    const deleted = await eventually(async () => {
      assert.equal((await controller.get('shop.example', '/store')).status, 404);
    }, 10_000);
    t.diagnostic(
      `API write → served: create ${created.toFixed(0)} ms, edit ${edit.toFixed(0)} ms, delete ${deleted.toFixed(0)} ms`,
    );
  });

  it('applies pod churn made through the API over the Runtime API, without a reload', async () => {
    await env.cluster.apply([
      service('web', [{ port: 80 }], {}, NS),
      slice(3),
      ingress(
        'churn',
        { rules: [{ host: 'churn.example', paths: [{ path: '/', service: 'web', port: 80 }] }] },
        { namespace: NS },
      ),
    ]);
    await eventually(async () => {
      assert.deepEqual(await podsServing('churn.example'), ['web-1', 'web-2', 'web-3']);
    });
    // The new worker can serve before the controller has confirmed (and counted) its reload.
    let reloadsBefore = -1;
    await eventually(
      async () => {
        const count = await controller.reloads();
        const settled = count === reloadsBefore;
        reloadsBefore = count;
        assert.ok(settled);
      },
      5_000,
      200,
    );
    const before = await controller.showProc();

    // Scale down to one pod, then up to four.
    await env.cluster.apply([slice(1)]);
    await eventually(async () => assert.deepEqual(await podsServing('churn.example'), ['web-1']));
    await env.cluster.apply([slice(4)]);
    await eventually(async () =>
      assert.deepEqual(await podsServing('churn.example'), ['web-1', 'web-2', 'web-3', 'web-4']),
    );

    // Readiness flips: a pod that is not ready gets no new requests.
    const [a1, a2, a3] = pods.addresses as [string, string, string, string];
    await env.cluster.apply([
      loopbackSlice('web', pods.port, [{ address: a1 }, { address: a2, ready: false }, { address: a3 }], NS),
    ]);
    await eventually(async () => assert.deepEqual(await podsServing('churn.example'), ['web-1', 'web-3']));

    // Terminating pods drain: no new requests, whatever the order of the updates.
    await env.cluster.apply([
      loopbackSlice(
        'web',
        pods.port,
        [{ address: a1, ready: false, serving: true, terminating: true }, { address: a3 }],
        NS,
      ),
    ]);
    await eventually(async () => assert.deepEqual(await podsServing('churn.example'), ['web-3']));

    const afterChurn = await controller.showProc();
    const reloadLog = async () =>
      (await controller.log())
        .split('\n')
        .filter((l) => l.includes('HAProxy reloaded'))
        .join('\n');
    assert.equal(afterChurn.master.reloads, before.master.reloads, await reloadLog());
    assert.deepEqual(
      afterChurn.workers.map((w) => w.pid),
      before.workers.map((w) => w.pid),
    );
    assert.equal(await controller.reloads(), reloadsBefore);
  });

  it('writes the publish Service address into the status of the Ingresses it serves', async () => {
    await env.cluster.apply([
      ingress(
        'status',
        { rules: [{ host: 'status.example', paths: [{ path: '/', service: 'web', port: 80 }] }] },
        { namespace: NS },
      ),
      ingress(
        'other-class',
        {
          className: 'nginx',
          rules: [{ host: 'other.example', paths: [{ path: '/', service: 'web', port: 80 }] }],
        },
        { namespace: NS },
      ),
    ]);
    const publish = (await env.cluster.objects().read({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'haproxy-ingress', namespace: 'haproxy-controller' },
    })) as { spec?: { clusterIP?: string } };
    const clusterIP = publish.spec?.clusterIP;
    assert.ok(clusterIP, 'the publish Service has a cluster IP');
    const status = async (name: string) => JSON.stringify(await env.cluster.ingressStatus(NS, name));
    await eventually(async () => {
      assert.equal(await status('status'), JSON.stringify([{ ip: clusterIP }]));
    }, 5_000);
    // Status describes what HAProxy serves: once it is written, the route answers.
    assert.equal((await controller.get('status.example', '/')).status, 200);
    // Not ours: left alone, but it says why, as an Event.
    assert.equal(await status('other-class'), '[]');
    await eventually(async () => {
      const events = await env.cluster.events(NS, 'Ingress', 'other-class');
      assert.deepEqual(
        events.map((e) => [e.type, e.reason]),
        [['Warning', 'IngressIgnored']],
      );
      assert.match(events[0]?.message ?? '', /^spec\.ingressClassName: class "nginx" /);
    }, 5_000);
  });

  it('watches only the namespaces it is scoped to', async () => {
    await env.cluster.ensureNamespace('scoped');
    await env.cluster.apply([
      service('web', [{ port: 80 }], {}, NS),
      slice(1),
      ingress(
        'main',
        { rules: [{ host: 'main.example', paths: [{ path: '/', service: 'web', port: 80 }] }] },
        { namespace: NS },
      ),
      service('web', [{ port: 80 }], {}, 'scoped'),
      loopbackSlice('web', pods.port, [{ address: pods.addresses[3] as string }], 'scoped'),
      ingress(
        'scoped',
        { rules: [{ host: 'scoped.example', paths: [{ path: '/', service: 'web', port: 80 }] }] },
        { namespace: 'scoped' },
      ),
    ]);
    const only = await startClusterController(env, {
      podName: 'scoped-replica',
      args: ['--namespace-whitelist', 'scoped'],
    });
    const except = await startClusterController(env, {
      podName: 'unscoped-replica',
      args: ['--namespace-blacklist', 'scoped'],
    });
    try {
      await eventually(async () => {
        assert.equal((await only.get('scoped.example', '/')).pod, 'web-4');
        assert.equal((await only.get('main.example', '/')).status, 404);
        assert.equal((await except.get('scoped.example', '/')).status, 404);
        assert.equal((await except.get('main.example', '/')).pod, 'web-1');
      });
    } finally {
      await only.cleanup();
      await except.cleanup();
    }
  });

  it('reports an invalid annotation as an Event on its object and keeps the other routes serving', async () => {
    await env.cluster.apply([
      service('web', [{ port: 80 }], {}, NS),
      slice(2),
      ingress(
        'healthy',
        { rules: [{ host: 'healthy.example', paths: [{ path: '/', service: 'web', port: 80 }] }] },
        { namespace: NS },
      ),
      ingress(
        'broken',
        {
          rules: [
            { host: 'broken.example', paths: [{ path: '/', service: 'web', port: 80 }] },
            { host: 'broken.example', paths: [{ path: '/missing', service: 'nowhere', port: 80 }] },
          ],
        },
        { namespace: NS, annotations: { 'haproxy.org/timeout-server': '5s\n  http-request deny' } },
      ),
    ]);
    await eventually(async () => {
      const events = await env.cluster.events(NS, 'Ingress', 'broken');
      const reasons = events.map((e) => `${e.reason}: ${e.message}`);
      assert.ok(
        reasons.some((r) => r.startsWith('InvalidValue: haproxy.org/timeout-server')),
        reasons.join('\n'),
      );
      assert.ok(
        reasons.some((r) => r.startsWith('UnresolvedReference:') && r.includes('nowhere')),
        reasons.join('\n'),
      );
      assert.ok(events.every((e) => e.type === 'Warning' && e.involvedObject.uid));
    }, 5_000);
    await eventually(async () => {
      assert.deepEqual(await podsServing('healthy.example'), ['web-1', 'web-2']);
      assert.deepEqual(await podsServing('broken.example'), ['web-1', 'web-2']);
      assert.equal((await controller.get('broken.example', '/missing')).status, 503);
    });
    assert.doesNotMatch(await controller.config(), /http-request deny/);
  });
});
