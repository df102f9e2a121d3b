/**
 * The controller as an operator sees it: endpoints for probes and metrics,
 * the HAProxy stats page, counted reloads with no dropped requests, and a
 * clean stop on SIGTERM or SIGINT that leaves no HAProxy behind.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestController } from './harness/controller.ts';
import { httpGet } from './harness/http.ts';
import { endpointSlice, ingress, service } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { eventually } from './harness/wait.ts';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function appObjects(pods: Pods) {
  return [
    service('app', [{ port: 80 }]),
    endpointSlice(
      'app',
      { port: pods.port },
      pods.addresses.map((address) => ({ address })),
    ),
    ingress('app', { rules: [{ host: 'app.example', paths: [{ path: '/', service: 'app', port: 80 }] }] }),
  ];
}

describe('controller lifecycle', () => {
  let controller: TestController;
  let pods: Pods;

  before(async () => {
    pods = await startPods('app', 2);
    controller = await TestController.create({ 'app.yaml': await appObjects(pods) });
    await controller.start();
  });

  after(async () => {
    await controller?.cleanup();
    await pods?.stop();
  });

  it('serves /healthz, /readyz and Prometheus /metrics on the controller port', async () => {
    assert.equal((await httpGet(controller.ports.controller, '/healthz')).status, 200);
    assert.equal((await httpGet(controller.ports.controller, '/readyz')).status, 200);
    const metrics = await controller.metrics();
    assert.match(metrics, /^# TYPE haproxy_reloads_total counter$/m);
    assert.match(metrics, /^haproxy_sidecar_backends 1$/m);
    assert.match(metrics, /^haproxy_sidecar_endpoints\{state="ready"\} 2$/m);
  });

  it('serves the HAProxy stats page, its Prometheus exporter and its health check', async () => {
    const stats = await httpGet(controller.ports.stats, '/');
    assert.equal(stats.status, 200);
    assert.match(stats.body, /Statistics Report/);
    assert.match(stats.body, /default_app_80/);
    const exporter = await httpGet(controller.ports.stats, '/metrics');
    assert.equal(exporter.status, 200);
    assert.match(exporter.body, /haproxy_backend_status\{proxy="default_app_80"[,}]/);
    assert.equal((await httpGet(controller.ports.healthz, '/healthz')).status, 200);
  });

  it('reloads once per structural change, counts it, replaces the worker and drops no request', async (t) => {
    const before = await controller.showProc();
    const reloadsBefore = await controller.reloads();
    let failures = 0;
    let sent = 0;
    let stop = false;
    // Steady traffic during the reloads, on fresh connections and on a kept-alive one.
    const traffic = (async () => {
      while (!stop && sent < 2_000) {
        sent++;
        const reply = await controller.get('app.example', '/').catch(() => undefined);
        if (reply?.status !== 200) failures++;
      }
    })();
    for (let i = 1; i <= 5; i++) {
      // Each with its own timeout: a new backend, which needs a reload (a new route alone does not).
      await controller.write(`extra-${i}.yaml`, [
        ingress(
          `extra-${i}`,
          { rules: [{ host: `extra-${i}.example`, paths: [{ path: '/', service: 'app', port: 80 }] }] },
          { annotations: { 'haproxy.org/timeout-server': `${10 + i}s` } },
        ),
      ]);
      const took = await eventually(async () =>
        assert.equal((await controller.get(`extra-${i}.example`, '/')).status, 200),
      );
      t.diagnostic(`new Ingress ${i} served ${took.toFixed(0)} ms after the manifest write (reload)`);
    }
    stop = true;
    await traffic;
    assert.ok(sent > 20, `sent ${sent} requests`);
    t.diagnostic(`${sent} requests during 5 reloads, ${failures} failed`);
    assert.equal(failures, 0, `${failures} of ${sent} requests failed during reloads`);
    const after = await controller.showProc();
    assert.ok(after.master.reloads >= before.master.reloads + 1);
    assert.notDeepEqual(
      after.workers.map((w) => w.pid),
      before.workers.map((w) => w.pid),
    );
    await eventually(async () => assert.ok((await controller.reloads()) >= reloadsBefore + 1));
    assert.ok((await controller.reloads()) <= reloadsBefore + 5, 'at most one reload per change');
    assert.match(
      await controller.log(),
      /"reason":"backends added \(default_app_80_[0-9a-f]+\)","outcome":"reload"/,
    );
  });

  it('stops HAProxy and itself on SIGTERM, leaving no process behind', async () => {
    const { master, workers } = await controller.showProc();
    const code = await controller.stop('SIGTERM');
    assert.equal(code, 0);
    await eventually(() => {
      assert.ok(!alive(master.pid), 'master gone');
      for (const w of workers) assert.ok(!alive(w.pid), 'worker gone');
    }, 5_000);
    await assert.rejects(controller.get('app.example', '/'), 'the HTTP port is closed');
  });
});

describe('controller stop on SIGINT', () => {
  it('stops HAProxy and itself on SIGINT', async () => {
    const pods = await startPods('int', 1);
    const controller = await TestController.create({ 'app.yaml': await appObjects(pods) });
    try {
      await controller.start();
      const { master, workers } = await controller.showProc();
      assert.equal(await controller.stop('SIGINT'), 0);
      await eventually(() => {
        assert.ok(!alive(master.pid));
        for (const w of workers) assert.ok(!alive(w.pid));
      }, 5_000);
    } finally {
      await controller.cleanup();
      await pods.stop();
    }
  });
});
