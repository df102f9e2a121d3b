/**
 * Runtime first: route changes on existing backends, and backends growing and
 * shrinking with their pods, reach HAProxy over the Runtime API without a
 * reload; a config HAProxy refuses to load is reported once and not retried;
 * a keep-alive client sees no error while HAProxy reloads.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TestController } from './harness/controller.ts';
import { configMap, endpointSlice, ingress, onePodService, podsService, service } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { eventually } from './harness/wait.ts';

/** Service `web` on port 80 with all of `pods`, and an Ingress sending host web.example to it. */
function webSite(pods: Pods, annotations: Record<string, string> = {}) {
  return [
    service('web', [{ port: 80 }], annotations),
    endpointSlice(
      'web',
      { port: pods.port },
      pods.addresses.map((address, i) => ({ address, name: pods.names[i] })),
    ),
    ingress('web', { rules: [{ host: 'web.example', paths: [{ path: '/', service: 'web', port: 80 }] }] }),
  ];
}

/** The master's reload count, worker PIDs and the controller's reload counter: what must not move. */
async function reloadState(controller: TestController) {
  const proc = await controller.showProc();
  return {
    masterReloads: proc.master.reloads,
    workers: proc.workers.map((w) => w.pid),
    counted: await controller.reloads(),
  };
}

describe('route changes over the Runtime API', () => {
  let controller: TestController;
  let web: Pods;
  let api: Pods;

  const site = (paths: { path: string; service: string }[]) =>
    ingress('site', {
      rules: [{ host: 'site.example', paths: paths.map((p) => ({ ...p, port: 80 })) }],
    });

  before(async () => {
    web = await startPods('web', 2);
    api = await startPods('api', 1);
    controller = await TestController.create({
      'services.yaml': [...podsService('web', web), ...onePodService('api', api)],
      'site.yaml': [site([{ path: '/', service: 'web' }])],
      // Keeps the api backend in HAProxy from the start, so routes to it need no new backend.
      'api.yaml': [
        ingress('api', {
          rules: [{ host: 'api.example', paths: [{ path: '/', service: 'api', port: 80 }] }],
        }),
      ],
    });
    await controller.start();
    await eventually(async () => assert.equal((await controller.get('site.example', '/')).status, 200));
  });

  after(async () => {
    await controller?.cleanup();
    await web?.stop();
    await api?.stop();
  });

  it('adds a host, adds a path and removes it, each served without a reload', async (t) => {
    const before = await reloadState(controller);
    assert.equal((await controller.get('new.example', '/')).status, 404);

    await controller.write('new.yaml', [
      ingress('new', { rules: [{ host: 'new.example', paths: [{ path: '/', service: 'web', port: 80 }] }] }),
    ]);
    const hostTook = await eventually(async () => {
      const reply = await controller.get('new.example', '/x');
      assert.equal(reply.status, 200);
      assert.match(reply.pod ?? '', /^web-/);
    });
    t.diagnostic(`new host served ${hostTook.toFixed(0)} ms after the write`);

    await controller.write('site.yaml', [
      site([
        { path: '/', service: 'web' },
        { path: '/v2', service: 'api' },
      ]),
    ]);
    const pathTook = await eventually(async () => {
      assert.equal((await controller.get('site.example', '/v2/users')).pod, 'api-1');
      assert.match((await controller.get('site.example', '/v2x')).pod ?? '', /^web-/);
    });
    t.diagnostic(`new path served ${pathTook.toFixed(0)} ms after the write`);

    await controller.write('site.yaml', [site([{ path: '/', service: 'web' }])]);
    await eventually(async () =>
      assert.match((await controller.get('site.example', '/v2/users')).pod ?? '', /^web-/),
    );

    await controller.remove('new.yaml');
    await eventually(async () => assert.equal((await controller.get('new.example', '/')).status, 404));

    assert.deepEqual(await reloadState(controller), before, 'no reload, same worker');
  });

  it('keeps the map file on disk identical to what HAProxy holds', async () => {
    const file = join(controller.configDir, 'maps/routes.map');
    const onDisk = (await readFile(file, 'utf8')).trim().split('\n').sort();
    const [held] = await controller.runtime([`show map ${file}`]);
    const inHAProxy = (held ?? '')
      .trim()
      .split('\n')
      .map((line) => line.split(' ').slice(1).join(' '))
      .sort();
    assert.deepEqual(inHAProxy, onDisk);
  });
});

describe('servers sized to the pods', () => {
  let controller: TestController;
  let pods: Pods;
  const slice = (count: number) =>
    endpointSlice(
      'web',
      { port: pods.port },
      pods.addresses.slice(0, count).map((address, i) => ({ address, name: pods.names[i] })),
    );

  /** `server name → address` of the web backend, as HAProxy has them now. */
  async function servers(): Promise<Map<string, string>> {
    const [state] = await controller.runtime(['show servers state default_web_80']);
    const out = new Map<string, string>();
    for (const line of (state ?? '').split('\n')) {
      const f = line.trim().split(' ');
      if (f[1] === 'default_web_80' && f[3]) out.set(f[3], `${f[4]}:${f[18]}`);
    }
    return out;
  }

  async function podsServing(requests: number): Promise<Set<string>> {
    const seen = new Set<string>();
    for (let i = 0; i < requests; i++) {
      const reply = await controller.get('web.example', '/');
      if (reply.pod) seen.add(reply.pod);
    }
    return seen;
  }

  before(async () => {
    pods = await startPods('web', 12);
    controller = await TestController.create({
      'web.yaml': [
        service('web', [{ port: 80 }]),
        ingress('web', {
          rules: [{ host: 'web.example', paths: [{ path: '/', service: 'web', port: 80 }] }],
        }),
      ],
      'slice.yaml': [slice(2)],
    });
    await controller.start();
  });

  after(async () => {
    await controller?.cleanup();
    await pods?.stop();
  });

  it('renders the pods plus one free server', async () => {
    assert.equal((await servers()).size, 3);
    const config = await controller.config();
    assert.equal(config.match(/^ {2}server SRV_\d+ /gm)?.length, 3);
  });

  it('grows past the headroom with add server and shrinks back with del server, never reloading', async (t) => {
    const before = await reloadState(controller);

    await controller.write('slice.yaml', [slice(12)]);
    const grew = await eventually(async () => assert.equal((await podsServing(30)).size, 12), 5_000);
    t.diagnostic(`12 pods served ${grew.toFixed(0)} ms after the write`);
    assert.ok((await servers()).size >= 12);

    await controller.write('slice.yaml', [slice(1)]);
    await eventually(async () => assert.deepEqual([...(await podsServing(6))], ['web-1']));
    // Freed servers go once HAProxy has let go of their connections.
    const shrank = await eventually(async () => assert.equal((await servers()).size, 2), 20_000, 200);
    t.diagnostic(`shrank to 2 servers ${shrank.toFixed(0)} ms after the pods were served`);

    await controller.write('slice.yaml', [slice(3)]);
    await eventually(async () => assert.equal((await podsServing(12)).size, 3));
    assert.deepEqual(await reloadState(controller), before, 'no reload, same worker');
  });
});

describe('a config that passes haproxy -c but does not load', () => {
  let controller: TestController;
  let pods: Pods;

  before(async () => {
    pods = await startPods('web', 1);
    controller = await TestController.create({
      'web.yaml': webSite(pods),
    });
    await controller.start();
  });

  after(async () => {
    await controller?.cleanup();
    await pods?.stop();
  });

  /** Log lines that report the refused config (the line names it twice: message and problem field). */
  const refusals = async () =>
    (await controller.log()).split('\n').filter((line) => line.includes('HAProxy refused to load the config'))
      .length;
  const failures = async () =>
    Number(/^haproxy_sidecar_reload_failures_total (\d+)/m.exec(await controller.metrics())?.[1] ?? 0);

  it('is reported once, the old config keeps serving, and it is not retried until the input changes', async () => {
    // More connections than this machine's file-descriptor limit allows: `haproxy -c`
    // accepts it, the master cannot raise its limit that far and keeps the old worker.
    await controller.write('configmap.yaml', [configMap({ maxconn: '5000000' })]);
    await eventually(async () => assert.equal(await failures(), 1), 10_000, 50);
    assert.equal((await controller.get('web.example', '/')).pod, 'web-1');
    const log = await controller.log();
    assert.match(log, /Cannot raise FD limit/, "the problem carries HAProxy's own words");
    assert.match(
      log,
      /the config needs about \d+ file descriptors .* above the hard limit of \d+/,
      'said before',
    );

    // Other changes meanwhile (pods, routes) keep working over the Runtime API: nothing loops.
    await controller.write('web.yaml', [
      ...webSite(pods),
      ingress('other', {
        rules: [{ host: 'other.example', paths: [{ path: '/', service: 'web', port: 80 }] }],
      }),
    ]);
    await new Promise((r) => setTimeout(r, 1_500));
    assert.equal(await failures(), 1, 'the same config is not tried again');
    assert.equal(await refusals(), 1, 'reported once');
    const proc = await controller.showProc();
    assert.equal(proc.master.failed, 1, 'the master saw one failed reload');

    // A changed input is tried again.
    await controller.write('configmap.yaml', [configMap({ maxconn: '6000000' })]);
    await eventually(async () => assert.equal(await failures(), 2), 10_000, 50);

    // And a loadable one is loaded.
    await controller.write('configmap.yaml', [configMap({ maxconn: '2000' })]);
    await eventually(async () => assert.match(await controller.config(), /^ {2}maxconn 2000$/m), 10_000, 50);
    await eventually(async () => assert.equal((await controller.get('other.example', '/')).pod, 'web-1'));
    await eventually(async () =>
      assert.doesNotMatch(
        await controller.metrics(),
        /haproxy_sidecar_problems\{severity="error",reason="[A-Za-z]+"\} [1-9]/,
      ),
    );
  });
});

describe('reloads under keep-alive load', () => {
  let controller: TestController;
  let pods: Pods;

  before(async () => {
    pods = await startPods('web', 2);
    controller = await TestController.create({
      'web.yaml': webSite(pods),
    });
    await controller.start();
  });

  after(async () => {
    await controller?.cleanup();
    await pods?.stop();
  });

  it('a keep-alive client sending without pause through 10 reloads sees no error', async (t) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    const port = controller.ports.http;
    const get = () =>
      new Promise<number>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port, path: '/', agent, headers: { host: 'web.example' }, timeout: 5_000 },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', reject);
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.end();
      });
    let stop = false;
    let sent = 0;
    const errors: string[] = [];
    const client = async () => {
      while (!stop && sent < 200_000) {
        sent++;
        try {
          const status = await get();
          if (status !== 200) errors.push(`status ${status}`);
        } catch (error) {
          errors.push((error as Error).message);
        }
      }
    };
    const clients = Array.from({ length: 4 }, client);
    const reloadsBefore = await controller.reloads();
    for (let i = 0; i < 10; i++) {
      // A backend setting changes the structure: each write is one reload.
      await controller.write('web.yaml', webSite(pods, { 'haproxy.org/timeout-server': `${10 + i}s` }));
      await eventually(
        async () => assert.match(await controller.config(), new RegExp(`timeout server ${10 + i}s`)),
        10_000,
        20,
      );
      await eventually(
        async () => assert.equal(await controller.reloads(), reloadsBefore + i + 1),
        10_000,
        20,
      );
    }
    stop = true;
    await Promise.all(clients);
    agent.destroy();
    t.diagnostic(`${sent} requests through 10 reloads, ${errors.length} errors`);
    assert.ok(sent > 100, 'the clients kept sending');
    assert.deepEqual(errors, []);
  });
});
