/**
 * The controller's /metrics as an operator graphs it: every metric docs/metrics.md lists
 * is exposed, the build info carries the version, and the histograms move with what the
 * controller does (a pod change applied over the Runtime API, a new backend reloaded).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { Metrics } from '../controller/http/metrics.ts';
import { TestController } from './harness/controller.ts';
import { endpointSlice, ingress, service } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { type Exposition, parseExposition, sumOf } from './harness/prometheus.ts';
import { eventually } from './harness/wait.ts';

const route = (name: string, host: string) =>
  ingress(name, { rules: [{ host, paths: [{ path: '/', service: 'app', port: 80 }] }] });

describe('controller metrics', () => {
  let controller: TestController;
  let pods: Pods;
  const scrape = async (): Promise<Exposition> => parseExposition(await controller.metrics());
  const slice = (count: number) =>
    endpointSlice(
      'app',
      { port: pods.port },
      pods.addresses.slice(0, count).map((address) => ({ address })),
    );

  before(async () => {
    pods = await startPods('app', 3);
    controller = await TestController.create({
      'app.yaml': [service('app', [{ port: 80 }]), route('app', 'app.example')],
      'slice.yaml': [slice(1)],
    });
    await controller.start();
  });

  after(async () => {
    await controller?.cleanup();
    await pods?.stop();
  });

  it('exposes every metric of docs/metrics.md with its type, and the version as build info', async () => {
    const live = await scrape();
    const missing = new Metrics()
      .describe()
      .filter((m) => live.types.get(m.name) !== m.type)
      .map((m) => `${m.name} (${m.type})`);
    assert.deepEqual(missing, []);
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    assert.equal(sumOf(live, 'haproxy_sidecar_build_info', { version }), 1);
    assert.ok(sumOf(live, 'process_resident_memory_bytes') > 0);
    assert.ok(sumOf(live, 'haproxy_sidecar_reconcile_duration_seconds_count') >= 1);
  });

  it('counts a pod change as a Runtime API change: change-to-served (runtime) and a round trip', async (t) => {
    const before = await scrape();
    await controller.write('slice.yaml', [slice(3)]);
    await eventually(async () => {
      const seen = new Set<string>();
      for (let i = 0; i < 6; i++) seen.add(String((await controller.get('app.example', '/')).pod));
      assert.deepEqual([...seen].sort(), ['app-1', 'app-2', 'app-3']);
    });
    let now = before;
    await eventually(async () => {
      now = await scrape();
      const served = (e: Exposition) =>
        sumOf(e, 'haproxy_sidecar_change_to_served_seconds_count', { path: 'runtime' });
      assert.ok(served(now) > served(before), 'change-to-served{path="runtime"} observed');
    });
    const trips = (e: Exposition) => sumOf(e, 'haproxy_sidecar_runtime_api_round_trip_seconds_count');
    assert.ok(trips(now) > trips(before), 'a Runtime API round trip observed');
    assert.equal(sumOf(now, 'haproxy_reloads_total'), sumOf(before, 'haproxy_reloads_total'), 'no reload');
    assert.equal(
      sumOf(now, 'haproxy_sidecar_reload_duration_seconds_count'),
      sumOf(before, 'haproxy_sidecar_reload_duration_seconds_count'),
    );
    const seconds =
      sumOf(now, 'haproxy_sidecar_change_to_served_seconds_sum', { path: 'runtime' }) -
      sumOf(before, 'haproxy_sidecar_change_to_served_seconds_sum', { path: 'runtime' });
    t.diagnostic(`change to served over the Runtime API: ${(seconds * 1000).toFixed(1)} ms`);
  });

  it('counts a new backend as a reload: change-to-served (reload) and the reload duration', async (t) => {
    const before = await scrape();
    await controller.write('other.yaml', [
      service('other', [{ port: 80 }]),
      endpointSlice('other', { port: pods.port }, [{ address: pods.addresses[2] as string }]),
      ingress('other', {
        rules: [{ host: 'other.example', paths: [{ path: '/', service: 'other', port: 80 }] }],
      }),
    ]);
    await eventually(async () => assert.equal((await controller.get('other.example', '/')).pod, 'app-3'));
    let now = before;
    await eventually(async () => {
      now = await scrape();
      const reloads = (e: Exposition) => sumOf(e, 'haproxy_sidecar_reload_duration_seconds_count');
      const served = (e: Exposition) =>
        sumOf(e, 'haproxy_sidecar_change_to_served_seconds_count', { path: 'reload' });
      assert.equal(reloads(now), reloads(before) + 1, 'one reload timed');
      assert.equal(served(now), served(before) + 1, 'change-to-served{path="reload"} observed once');
    });
    assert.equal(sumOf(now, 'haproxy_reloads_total'), sumOf(before, 'haproxy_reloads_total') + 1);
    const delta = (name: string, labels: Record<string, string> = {}) =>
      ((sumOf(now, name, labels) - sumOf(before, name, labels)) * 1000).toFixed(1);
    t.diagnostic(
      `reload ${delta('haproxy_sidecar_reload_duration_seconds_sum')} ms, change to served by reload ${delta('haproxy_sidecar_change_to_served_seconds_sum', { path: 'reload' })} ms`,
    );
  });
});
