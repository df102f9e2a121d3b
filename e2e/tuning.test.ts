/**
 * The first set of tuning keys, shown by what a user sees: health checks mark
 * a dead pod DOWN, load-balance, forwarded-for and timeout-server change how
 * requests are handled, servers-increment sizes the slots, maxconn and nbthread
 * reach HAProxy, and Service > Ingress > ConfigMap precedence holds.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestController } from './harness/controller.ts';
import { configMap, endpointSlice, ingress, service } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { eventually } from './harness/wait.ts';

describe('tuning keys', () => {
  let controller: TestController;
  const pods: Record<string, Pods> = {};

  /** One Service per scenario, each with its own pods and host. */
  const app = (
    name: string,
    annotations: Record<string, string>,
    ingressAnnotations: Record<string, string> = {},
  ) => [
    service(name, [{ port: 80 }], annotations),
    endpointSlice(
      name,
      { port: (pods[name] as Pods).port },
      (pods[name] as Pods).addresses.map((address, i) => ({ address, name: `${name}-${i + 1}` })),
    ),
    ingress(
      name,
      { rules: [{ host: `${name}.example`, paths: [{ path: '/', service: name, port: 80 }] }] },
      { annotations: ingressAnnotations },
    ),
  ];

  async function serversState(backend: string): Promise<string[][]> {
    const [out = ''] = await controller.runtime([`show servers state ${backend}`]);
    return out
      .split('\n')
      .filter((l) => /^\d+ \S+ \d+ /.test(l))
      .map((l) => l.split(' '));
  }

  before(async () => {
    for (const [name, count] of [
      ['checked', 2],
      ['first', 3],
      ['fwd', 1],
      ['nofwd', 1],
      ['slow', 1],
      ['override', 1],
    ] as const) {
      pods[name] = await startPods(name, count);
    }
    controller = await TestController.create({
      'configmap.yaml': [
        configMap({ 'servers-increment': '5', 'timeout-server': '300ms', maxconn: '1234', nbthread: '1' }),
      ],
      'checked.yaml': app('checked', {
        'haproxy.org/check': 'enabled',
        'haproxy.org/check-interval': '100ms',
      }),
      'first.yaml': app('first', { 'haproxy.org/load-balance': 'first', 'haproxy.org/check': 'false' }),
      'fwd.yaml': app('fwd', {}),
      'nofwd.yaml': app('nofwd', { 'haproxy.org/forwarded-for': 'false' }),
      'slow.yaml': app('slow', {}),
      // Ingress says 5s, Service says 700ms: the Service wins over the Ingress and the ConfigMap's 300ms.
      'override.yaml': app(
        'override',
        { 'haproxy.org/timeout-server': '700ms' },
        { 'haproxy.org/timeout-server': '5s' },
      ),
    });
    await controller.start();
  });

  after(async () => {
    await controller?.cleanup();
    for (const p of Object.values(pods)) await p.stop();
  });

  it('check: a pod that stops answering is marked DOWN and gets no more requests', async () => {
    const checked = pods.checked as Pods;
    await eventually(async () => {
      const seen = new Set<string>();
      for (let i = 0; i < 6; i++) seen.add(String((await controller.get('checked.example', '/')).pod));
      assert.equal(seen.size, 2);
    });
    // Kill pod 2 without telling Kubernetes: only the health check can notice.
    const states = async () =>
      (await serversState('default_checked_80')).filter((s) => s[4] === checked.addresses[1]);
    await checked.stopOne(1);
    await eventually(
      async () => {
        const [row] = await states();
        assert.ok(row, 'pod 2 is in a slot');
        assert.equal(row[5], '0', 'srv_op_state 0 = DOWN');
      },
      5_000,
      50,
    );
    for (let i = 0; i < 6; i++) assert.equal((await controller.get('checked.example', '/')).pod, 'checked-1');
  });

  it('load-balance: "first" sends everything to the first server', async () => {
    for (let i = 0; i < 6; i++) assert.equal((await controller.get('first.example', '/')).pod, 'first-1');
  });

  it('forwarded-for: X-Forwarded-For is added by default and not when disabled', async () => {
    const on = JSON.parse((await controller.get('fwd.example', '/')).body);
    assert.equal(on.headers['x-forwarded-for'], '127.0.0.1');
    const off = JSON.parse((await controller.get('nofwd.example', '/')).body);
    assert.equal(off.headers['x-forwarded-for'], undefined);
  });

  it('timeout-server from the ConfigMap cuts a slow pod off with 504', async () => {
    assert.equal((await controller.get('slow.example', '/?sleep=50')).status, 200);
    assert.equal((await controller.get('slow.example', '/?sleep=1000')).status, 504);
  });

  it('Service annotation beats Ingress annotation beats ConfigMap', async () => {
    assert.equal(
      (await controller.get('override.example', '/?sleep=450')).status,
      200,
      'not the ConfigMap 300ms',
    );
    assert.equal(
      (await controller.get('override.example', '/?sleep=1200')).status,
      504,
      'the Service 700ms, not the Ingress 5s',
    );
  });

  it('servers-increment sizes the slots; maxconn and nbthread reach HAProxy', async () => {
    assert.equal((await serversState('default_first_80')).length, 5);
    const [info = ''] = await controller.runtime(['show info']);
    assert.match(info, /^Maxconn: 1234$/m);
    assert.match(info, /^Nbthread: 1$/m);
  });
});
