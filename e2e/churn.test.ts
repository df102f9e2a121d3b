/**
 * Pod churn goes through the Runtime API: scaling 10 → 3 → 14, readiness flips
 * and draining are served (how long after the manifest change is printed as a
 * diagnostic), and the HAProxy worker is never replaced.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestController } from './harness/controller.ts';
import { type EndpointSpec, endpointSlice, ingress, service } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { eventually } from './harness/wait.ts';

describe('pod churn without reloads', () => {
  let controller: TestController;
  let pods: Pods;
  const HOST = 'churn.example';

  const slice = (endpoints: EndpointSpec[]) =>
    endpointSlice('web', { name: 'http', port: pods.port }, endpoints);
  const ready = (count: number) =>
    pods.addresses.slice(0, count).map((address, i) => ({ address, name: pods.names[i] }));

  /** Collects which pods answer over enough requests to see every one of them under round robin. */
  async function podsServing(requests: number): Promise<Set<string>> {
    const seen = new Set<string>();
    for (let i = 0; i < requests; i++) {
      const reply = await controller.get(HOST, '/');
      if (reply.status === 200 && reply.pod) seen.add(reply.pod);
    }
    return seen;
  }

  async function workerPids(): Promise<number[]> {
    return (await controller.showProc()).workers.map((w) => w.pid);
  }

  before(async () => {
    pods = await startPods('web', 14);
    controller = await TestController.create({
      'service.yaml': [
        service('web', [{ name: 'http', port: 80 }], { 'haproxy.org/check-interval': '500ms' }),
      ],
      'ingress.yaml': [
        ingress('web', { rules: [{ host: HOST, paths: [{ path: '/', service: 'web', port: 80 }] }] }),
      ],
      'slice.yaml': [
        endpointSlice(
          'web',
          { name: 'http', port: pods.port },
          ready(10).map((e) => e),
        ),
      ],
    });
    // Small slot increment so that scaling to 14 needs servers added at run time.
    await controller.write('configmap.yaml', [
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'haproxy-configmap', namespace: 'default' },
        data: { 'servers-increment': '12' },
      },
    ]);
    await controller.start();
  });

  after(async () => {
    await controller?.cleanup();
    await pods?.stop();
  });

  it('serves all 10 pods at start', async () => {
    await eventually(async () => assert.equal((await podsServing(24)).size, 10), 5_000);
  });

  it('scales 10 → 3 → 14 and flips readiness over the Runtime API, with the same worker', async (t) => {
    const workersBefore = await workerPids();
    const reloadsBefore = await controller.reloads();
    const procBefore = await controller.showProc();

    const steps: { name: string; endpoints: EndpointSpec[]; expect: string[] }[] = [
      { name: 'scale down to 3', endpoints: ready(3), expect: pods.names.slice(0, 3) },
      { name: 'scale up to 14', endpoints: ready(14), expect: pods.names.slice(0, 14) },
      {
        name: 'pods 1-4 not ready',
        endpoints: ready(14).map((e, i) => (i < 4 ? { ...e, ready: false, serving: false } : e)),
        expect: pods.names.slice(4, 14),
      },
      {
        name: 'pods 1-4 ready again, 14 terminating (drain)',
        endpoints: ready(14).map((e, i) =>
          i === 13 ? { ...e, ready: false, serving: true, terminating: true } : e,
        ),
        expect: pods.names.slice(0, 13),
      },
    ];
    for (const step of steps) {
      await controller.write('slice.yaml', [slice(step.endpoints)]);
      const took = await eventually(
        async () => {
          const seen = await podsServing(step.expect.length * 2 + 2);
          assert.deepEqual([...seen].sort(), [...step.expect].sort(), step.name);
        },
        10_000,
        5,
      );
      t.diagnostic(`${step.name}: served ${took.toFixed(0)} ms after the manifest write`);
    }

    assert.deepEqual(await workerPids(), workersBefore, 'the HAProxy worker must not change');
    const procAfter = await controller.showProc();
    assert.equal(procAfter.master.reloads, procBefore.master.reloads, 'the master must not reload');
    assert.equal(await controller.reloads(), reloadsBefore, 'haproxy_reloads_total must not move');
    assert.match(await controller.metrics(), /haproxy_sidecar_runtime_commands_total [1-9]/);
  });

  it('a restarted HAProxy gets the full current state', async () => {
    const [worker] = await workerPids();
    const { master } = await controller.showProc();
    process.kill(master.pid, 'SIGKILL');
    if (worker) process.kill(worker, 'SIGKILL');
    await eventually(
      async () => {
        const seen = await podsServing(28);
        assert.equal(seen.size, 13);
        assert.ok(!seen.has('web-14'));
      },
      10_000,
      50,
    );
  });
});
