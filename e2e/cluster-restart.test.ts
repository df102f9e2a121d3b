/**
 * The API server going away while the controller runs: a restart of etcd and
 * the API server, a refused connection, and a silent one. Resources change
 * while the controller cannot see them; HAProxy must match the cluster within
 * seconds of the API coming back, without the controller restarting.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import {
  type ClusterEnv,
  loopbackSlice,
  PUBLISH_SERVICE,
  startClusterController,
  startClusterWithManifests,
} from './harness/cluster-setup.ts';
import type { TestController } from './harness/controller.ts';
import { ingress, service } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { TcpProxy } from './harness/tcp-proxy.ts';
import { eventually } from './harness/wait.ts';

const NS = 'outage';
const CONVERGE_MS = 20_000;

describe('API server outages', () => {
  let env: ClusterEnv;
  let proxy: TcpProxy;
  let controller: TestController;
  let pods: Pods;
  let pid: number | undefined;

  before(async () => {
    env = await startClusterWithManifests();
    await env.cluster.ensureNamespace(NS);
    pods = await startPods('api', 4);
    // The controller reaches the API server through a proxy the test can break.
    proxy = await TcpProxy.start(env.cluster.ports.apiserver);
    const text = await readFile(env.kubeconfig, 'utf8');
    const viaProxy = `${env.kubeconfig}.proxy`;
    await writeFile(
      viaProxy,
      text.replace(`127.0.0.1:${env.cluster.ports.apiserver}`, `127.0.0.1:${proxy.port}`),
    );
    controller = await startClusterController(
      { ...env, kubeconfig: viaProxy },
      { args: ['--publish-service', PUBLISH_SERVICE, '--watch-timeout', '3000'] },
    );
    pid = controller.child?.pid;
    await env.cluster.apply([
      service('app', [{ port: 80 }], {}, NS),
      slice(2),
      route('kept'),
      route('removed'),
    ]);
    await eventually(async () => {
      assert.deepEqual(await serving('kept.example'), ['api-1', 'api-2']);
      assert.deepEqual(await serving('removed.example'), ['api-1', 'api-2']);
    });
  });

  after(async () => {
    await controller?.cleanup();
    await proxy?.stop();
    await pods?.stop();
    await env?.cluster.stop();
  });

  const slice = (count: number) =>
    loopbackSlice(
      'app',
      pods.port,
      pods.addresses.slice(0, count).map((address) => ({ address })),
      NS,
    );
  const route = (name: string) =>
    ingress(
      name,
      { rules: [{ host: `${name}.example`, paths: [{ path: '/', service: 'app', port: 80 }] }] },
      { namespace: NS },
    );

  async function serving(host: string): Promise<string[] | number> {
    const seen = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const reply = await controller.get(host, '/');
      if (reply.status !== 200) return reply.status;
      seen.add(String(reply.headers['x-pod']));
    }
    return [...seen].sort();
  }

  /** Waits until HAProxy serves exactly what the cluster now holds; returns how long it took. */
  function converged(expected: Record<string, string[] | number>): Promise<number> {
    return eventually(
      async () => {
        for (const [host, wanted] of Object.entries(expected))
          assert.deepEqual(await serving(host), wanted, host);
      },
      CONVERGE_MS,
      100,
    );
  }

  it('catches up with changes made while its connection to the API server was refused', async (t) => {
    proxy.set('refuse');
    await env.cluster.apply([slice(3), route('added-while-down')]);
    await env.cluster.delete(route('removed'));
    // Nothing reaches the controller meanwhile: HAProxy keeps serving what it had.
    assert.deepEqual(await serving('removed.example'), ['api-1', 'api-2']);
    const ready = await fetch(`http://127.0.0.1:${controller.ports.controller}/readyz`).then((r) => r.text());
    assert.match(ready, /retrying|watching/);

    proxy.set('forward');
    const took = await converged({
      'kept.example': ['api-1', 'api-2', 'api-3'],
      'added-while-down.example': ['api-1', 'api-2', 'api-3'],
      'removed.example': 404,
    });
    t.diagnostic(`converged ${took.toFixed(0)} ms after the API server became reachable`);
    assert.equal(controller.child?.pid, pid);
    assert.equal(controller.child?.exitCode, null);
  });

  it('rebuilds watches that went silent (a half-open connection) and catches up', async (t) => {
    proxy.set('blackhole');
    await env.cluster.apply([slice(1), route('added-while-silent')]);
    // Longer than a watch lasts (3 s) plus its grace: only the watchdog can notice.
    await new Promise((r) => setTimeout(r, 5_000));
    proxy.set('forward');
    const took = await converged({
      'kept.example': ['api-1'],
      'added-while-silent.example': ['api-1'],
    });
    t.diagnostic(`converged ${took.toFixed(0)} ms after the connection came back to life`);
    assert.match(await controller.log(), /watch silent for/);
    assert.equal(controller.child?.pid, pid);
  });

  it('recovers when etcd and the API server restart, with changes made as they come back', async (t) => {
    const started = performance.now();
    await env.cluster.restart();
    await env.cluster.apply([slice(4), route('added-after-restart')]);
    const took = await converged({
      'kept.example': ['api-1', 'api-2', 'api-3', 'api-4'],
      'added-after-restart.example': ['api-1', 'api-2', 'api-3', 'api-4'],
      'added-while-down.example': ['api-1', 'api-2', 'api-3', 'api-4'],
    });
    t.diagnostic(
      `restart took ${(performance.now() - started - took).toFixed(0)} ms; converged ${took.toFixed(0)} ms after the API was back`,
    );
    assert.equal(controller.child?.pid, pid);
    assert.equal(controller.child?.exitCode, null);
  });
});
