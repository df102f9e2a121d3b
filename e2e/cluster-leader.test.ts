/**
 * Two controller replicas on one cluster: both serve traffic, only the Lease
 * holder writes Ingress status. Each replica publishes a different address, so
 * the status tells which replica wrote it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type ClusterEnv,
  CONTROLLER_NAMESPACE,
  loopbackSlice,
  startClusterController,
  startClusterWithManifests,
} from './harness/cluster-setup.ts';
import type { TestController } from './harness/controller.ts';
import { ingress, service } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { eventually } from './harness/wait.ts';

const NS = 'replicas';
const LEASE = 'haproxy-sidecar-ingress-leader';

describe('leader election between replicas', () => {
  let env: ClusterEnv;
  let pods: Pods;
  let a: TestController;
  let b: TestController;

  before(async () => {
    env = await startClusterWithManifests();
    await env.cluster.ensureNamespace(NS);
    pods = await startPods('rep', 2);
    await env.cluster.apply([
      service('app', [{ port: 80 }], {}, NS),
      loopbackSlice(
        'app',
        pods.port,
        pods.addresses.map((address) => ({ address })),
        NS,
      ),
      route('first'),
    ]);
  });

  after(async () => {
    await a?.cleanup();
    await b?.cleanup();
    await pods?.stop();
    await env?.cluster.stop();
  });

  const route = (name: string) =>
    ingress(
      name,
      { rules: [{ host: `${name}.example`, paths: [{ path: '/', service: 'app', port: 80 }] }] },
      { namespace: NS },
    );
  const status = async (name: string) =>
    (await env.cluster.ingressStatus(NS, name)).map((i) => i.ip ?? i.hostname).join(',');
  const holder = async () =>
    (await env.cluster.lease(CONTROLLER_NAMESPACE, LEASE))?.spec?.holderIdentity ?? '';

  it('lets only the leader write status, while every replica serves', async () => {
    a = await startClusterController(env, { podName: 'replica-a', args: ['--publish-address', '192.0.2.1'] });
    await eventually(async () => assert.equal(await holder(), 'replica-a'), 10_000);
    b = await startClusterController(env, { podName: 'replica-b', args: ['--publish-address', '192.0.2.2'] });

    for (const replica of [a, b]) {
      await eventually(async () => assert.equal((await replica.get('first.example', '/')).status, 200));
    }
    await eventually(async () => assert.equal(await status('first'), '192.0.2.1'), 5_000);
    await env.cluster.apply([route('second')]);
    await eventually(async () => assert.equal(await status('second'), '192.0.2.1'), 5_000);

    // For longer than a lease lasts, the standby never writes.
    for (let i = 0; i < 20; i++) {
      assert.equal(await status('first'), '192.0.2.1');
      assert.equal(await status('second'), '192.0.2.1');
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(await holder(), 'replica-a');
    assert.match(await b.metrics(), /haproxy_sidecar_leader 0/);
    assert.match(await a.metrics(), /haproxy_sidecar_leader 1/);
  });

  it('hands leadership over when the leader is killed, and status follows the new leader', async (t) => {
    // A crash: no chance to release the Lease, so the standby waits for it to expire.
    const haproxy = await a.showProc();
    const killed = performance.now();
    await a.stop('SIGKILL');
    for (const pid of [haproxy.master.pid, ...haproxy.workers.map((w) => w.pid)]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }

    await eventually(async () => assert.equal(await holder(), 'replica-b'), 15_000, 100);
    t.diagnostic(`replica-b took over ${(performance.now() - killed).toFixed(0)} ms after the leader died`);
    await eventually(async () => {
      assert.equal(await status('first'), '192.0.2.2');
      assert.equal(await status('second'), '192.0.2.2');
    }, 5_000);
    await env.cluster.apply([route('third')]);
    await eventually(async () => assert.equal(await status('third'), '192.0.2.2'), 5_000);
    await eventually(async () => assert.equal((await b.get('third.example', '/')).status, 200));
  });

  it('releases the Lease on a clean shutdown, so a successor need not wait', async () => {
    await b.stop('SIGTERM');
    const lease = await env.cluster.lease(CONTROLLER_NAMESPACE, LEASE);
    assert.equal(lease?.spec?.holderIdentity ?? '', '');
  });
});
