/**
 * Backend keys shown by what a user sees through real HAProxy: HTTP health
 * checks mark a failing pod DOWN, timeout-check decides how slow a check may
 * be, load-balance changes who answers, cookie-persistence keeps a client on
 * its pod (also on a pod added over the Runtime API), pod-maxconn queues,
 * send-proxy-protocol starts connections with a PROXY header.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestController } from './harness/controller.ts';
import {
  type CustomPods,
  type HealthPodOptions,
  startHealthPods,
  startProxyProtocolPods,
} from './harness/custom-pods.ts';
import { endpointSlice, ingress, service } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { serverStats, showStat } from './harness/stats.ts';
import { eventually } from './harness/wait.ts';

type AnyPods = { addresses: string[]; port: number; stop(): Promise<void> };

describe('backend keys', () => {
  let controller: TestController;
  const pods: Record<string, AnyPods> = {};
  let health: Record<string, Awaited<ReturnType<typeof startHealthPods>>>;

  const app = (name: string, annotations: Record<string, string>, listed?: number) => {
    const p = pods[name] as AnyPods;
    return [
      service(name, [{ port: 80 }], annotations),
      endpointSlice(
        name,
        { port: p.port },
        p.addresses.slice(0, listed ?? p.addresses.length).map((address) => ({ address })),
      ),
      ingress(name, {
        rules: [{ host: `${name}.example`, paths: [{ path: '/', service: name, port: 80 }] }],
      }),
    ];
  };

  const statusOf = async (name: string, address: string) =>
    (await serverStats(controller, `default_${name}_80`)).find((r) => r.addr?.startsWith(`${address}:`))
      ?.status;

  before(async () => {
    const healthSpecs: Record<string, HealthPodOptions[]> = {
      hc: [{ healthStatus: 200 }, { healthStatus: 500 }],
      hcv: [{ healthStatus: 200 }],
      tcon: [{ healthStatus: 200, healthDelayMs: 300 }],
      tcoff: [{ healthStatus: 200, healthDelayMs: 300 }],
    };
    health = {};
    for (const [name, spec] of Object.entries(healthSpecs)) {
      health[name] = await startHealthPods(name, spec);
      pods[name] = health[name];
    }
    for (const [name, count] of [
      ['src', 3],
      ['rr', 3],
      ['ck', 4],
      ['mx', 1],
    ] as const) {
      pods[name] = await startPods(name, count);
    }
    for (const name of ['pp1', 'pp2', 'ppoff']) pods[name] = await startProxyProtocolPods(name, 1);

    const checkFast = { 'haproxy.org/check-interval': '100ms' };
    const noCheck = { 'haproxy.org/check': 'false' };
    controller = await TestController.create({
      'hc.yaml': app('hc', { ...checkFast, 'haproxy.org/check-http': '/healthz' }),
      'hcv.yaml': app('hcv', { ...checkFast, 'haproxy.com/check-http': 'HEAD /healthz?full=1 HTTP/1.1' }),
      'tcon.yaml': app('tcon', {
        ...checkFast,
        'haproxy.org/check-http': '/healthz',
        'haproxy.org/timeout-check': '1s',
      }),
      'tcoff.yaml': app('tcoff', { ...checkFast, 'haproxy.org/check-http': '/healthz' }),
      'src.yaml': app('src', { ...noCheck, 'haproxy.org/load-balance': 'source' }),
      'rr.yaml': app('rr', noCheck),
      'ck.yaml': app(
        'ck',
        { ...noCheck, 'haproxy.org/cookie-persistence': 'SRVID', 'haproxy.org/servers-increment': '3' },
        3,
      ),
      'mx.yaml': app('mx', { ...noCheck, 'haproxy.org/pod-maxconn': '1' }),
      'pp1.yaml': app('pp1', { 'haproxy.org/send-proxy-protocol': 'proxy-v1' }),
      'pp2.yaml': app('pp2', { 'ingress.kubernetes.io/send-proxy-protocol': 'proxy-v2' }),
      'ppoff.yaml': app('ppoff', noCheck),
    });
    await controller.start();
  });

  after(async () => {
    await controller?.cleanup();
    for (const p of Object.values(pods)) await p.stop();
  });

  it('check-http: the pod whose health URI fails is DOWN and gets no requests', async () => {
    const hc = pods.hc as AnyPods;
    await eventually(
      async () => assert.equal(await statusOf('hc', hc.addresses[1] as string), 'DOWN'),
      5_000,
      50,
    );
    assert.equal(await statusOf('hc', hc.addresses[0] as string), 'UP');
    for (let i = 0; i < 6; i++) assert.equal((await controller.get('hc.example', '/')).pod, 'hc-1');
    const check = health.hc?.checks[0]?.at(-1);
    assert.equal(check?.method, 'GET');
    assert.equal(check?.url, '/healthz');
  });

  it('check-http: method, URI with query and HTTP/1.1 (with a Host header) as given', async () => {
    const checks = health.hcv?.checks[0] as { method: string; url: string; version: string; host?: string }[];
    await eventually(() => assert.ok(checks.length > 0, 'a check arrived'), 5_000, 50);
    const last = checks.at(-1);
    assert.equal(last?.method, 'HEAD');
    assert.equal(last?.url, '/healthz?full=1');
    assert.equal(last?.version, '1.1');
    assert.ok(last?.host, 'HTTP/1.1 checks carry a Host header');
    assert.equal(await statusOf('hcv', (pods.hcv as AnyPods).addresses[0] as string), 'UP');
    assert.equal((await controller.get('hcv.example', '/')).pod, 'hcv-1');
  });

  it('timeout-check: a health endpoint slower than the check interval stays UP only with a longer timeout-check', async () => {
    await eventually(
      async () =>
        assert.equal(await statusOf('tcoff', (pods.tcoff as AnyPods).addresses[0] as string), 'DOWN'),
      5_000,
      50,
    );
    assert.equal((await controller.get('tcoff.example', '/')).status, 503);
    await eventually(
      async () => {
        assert.equal(await statusOf('tcon', (pods.tcon as AnyPods).addresses[0] as string), 'UP');
      },
      3000,
      200,
    );
    assert.equal((await controller.get('tcon.example', '/')).pod, 'tcon-1');
  });

  it('load-balance: source keeps one client on one pod; roundrobin spreads', async () => {
    const seen = async (host: string) => {
      const pods = new Set<string>();
      for (let i = 0; i < 6; i++) pods.add(String((await controller.get(host, '/')).pod));
      return pods;
    };
    assert.equal((await seen('src.example')).size, 1);
    assert.equal((await seen('rr.example')).size, 3);
  });

  it('cookie-persistence: a client with the cookie stays on its pod, also on a pod added at run time', async () => {
    const first = await controller.get('ck.example', '/');
    const setCookie = String(first.headers['set-cookie'] ?? '');
    assert.match(setCookie, /^SRVID=[^;]+/);
    const cookie = setCookie.split(';')[0] as string;
    for (let i = 0; i < 6; i++)
      assert.equal((await controller.get('ck.example', '/', { cookie })).pod, first.pod);

    // A fourth pod does not fit in the 3 slots: it is added with `add server`, without a reload.
    const reloads = (await controller.showProc()).master.reloads;
    await controller.write(
      'ck.yaml',
      app('ck', {
        'haproxy.org/check': 'false',
        'haproxy.org/cookie-persistence': 'SRVID',
        'haproxy.org/servers-increment': '3',
      }),
    );
    let fourth: string | undefined;
    await eventually(async () => {
      const reply = await controller.get('ck.example', '/');
      assert.equal(reply.pod, 'ck-4');
      fourth = String(reply.headers['set-cookie'] ?? '').split(';')[0];
    }, 5_000);
    assert.match(String(fourth), /^SRVID=./);
    for (let i = 0; i < 6; i++)
      assert.equal((await controller.get('ck.example', '/', { cookie: fourth as string })).pod, 'ck-4');
    assert.equal((await controller.showProc()).master.reloads, reloads, 'no reload');
  });

  it('pod-maxconn: concurrent requests beyond the limit wait in the queue', async () => {
    const replies = await Promise.all([1, 2, 3].map(() => controller.get('mx.example', '/?sleep=300')));
    for (const r of replies) assert.equal(r.status, 200);
    const [server] = await serverStats(controller, 'default_mx_80').then((rows) =>
      rows.filter((r) => r.addr?.startsWith(`${(pods.mx as Pods).addresses[0]}:`)),
    );
    assert.equal(server?.smax, '1', 'never more than one connection at a time on the pod');
    const backend = (await showStat(controller)).find(
      (r) => r.pxname === 'default_mx_80' && r.svname === 'BACKEND',
    );
    assert.ok(Number(backend?.qmax) >= 1, 'requests were queued');
  });

  it('send-proxy-protocol: connections to the pod start with a PROXY v1 or v2 header', async () => {
    const proxy = async (host: string) => JSON.parse((await controller.get(host, '/')).body).proxy;
    assert.deepEqual(await proxy('pp1.example'), { version: 1, source: '127.0.0.1' });
    assert.deepEqual(await proxy('pp2.example'), { version: 2, source: '127.0.0.1' });
    assert.deepEqual(await proxy('ppoff.example'), {});
    const pp1 = pods.pp1 as CustomPods<unknown>;
    assert.equal(
      await statusOf('pp1', pp1.addresses[0] as string),
      'UP',
      'health checks send the header too',
    );
  });
});
