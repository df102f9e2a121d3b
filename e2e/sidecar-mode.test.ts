/**
 * Sidecar mode: HAProxy is started by its own container (haproxy/entrypoint.sh,
 * on the bootstrap config) and the controller drives it through the master CLI
 * socket it is given: first config, reloads, Runtime API churn. Stopping the
 * controller leaves that HAProxy alone.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { TestController } from './harness/controller.ts';
import { httpGet } from './harness/http.ts';
import { endpointSlice, ingress, service } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { eventually } from './harness/wait.ts';

const ENTRYPOINT = fileURLToPath(new URL('../haproxy/entrypoint.sh', import.meta.url));

describe('sidecar mode', () => {
  let controller: TestController;
  let haproxy: ChildProcess;
  let pods: Pods;

  const objects = (count: number) => [
    service('side', [{ port: 80 }], { 'haproxy.org/check': 'false' }),
    endpointSlice(
      'side',
      { port: pods.port },
      pods.addresses.slice(0, count).map((address) => ({ address })),
    ),
    ingress('side', { rules: [{ host: 'side.example', paths: [{ path: '/', service: 'side', port: 80 }] }] }),
  ];

  before(async () => {
    pods = await startPods('side', 3);
    controller = await TestController.create({ 'side.yaml': objects(1) });
    haproxy = startHAProxyContainer();
    // The HAProxy container is up on the bootstrap config before the controller runs.
    await eventually(
      async () => assert.equal((await httpGet(controller.ports.healthz, '/')).status, 503),
      10_000,
    );
    await controller.start(['--haproxy-master-socket', join(controller.runtimeDir, 'master.sock')]);
  });

  /** What the HAProxy container runs: the entrypoint on the shared directories. */
  const startHAProxyContainer = () =>
    spawn(ENTRYPOINT, [], {
      stdio: 'ignore',
      env: {
        ...process.env,
        CONFIG_DIR: controller.configDir,
        RUNTIME_DIR: controller.runtimeDir,
        HEALTHZ_ADDRESS: '127.0.0.1',
        HEALTHZ_PORT: String(controller.ports.healthz),
      },
    });

  after(async () => {
    await controller?.cleanup();
    haproxy?.kill('SIGTERM');
    await pods?.stop();
  });

  it('writes the first config into the shared directory and reloads the running HAProxy', async () => {
    await eventually(async () => assert.equal((await controller.get('side.example', '/')).pod, 'side-1'));
    assert.equal((await httpGet(controller.ports.healthz, '/healthz')).status, 200);
    const proc = await controller.showProc();
    assert.equal(proc.master.pid, haproxy.pid, 'the controller drives the HAProxy it was given');
  });

  it('applies endpoint churn over the Runtime API without reloading', async () => {
    const before = (await controller.showProc()).master.reloads;
    await controller.write('side.yaml', objects(3));
    await eventually(async () => {
      const seen = new Set<string>();
      for (let i = 0; i < 8; i++) seen.add(String((await controller.get('side.example', '/')).pod));
      assert.deepEqual([...seen].sort(), ['side-1', 'side-2', 'side-3']);
    }, 1_000);
    assert.equal((await controller.showProc()).master.reloads, before);
  });

  it('gives a restarted HAProxy container the full current state', async () => {
    // The config file on disk predates the churn above, which went over the Runtime API only.
    const exited = new Promise((resolve) => haproxy.once('exit', resolve));
    haproxy.kill('SIGKILL');
    await exited;
    haproxy = startHAProxyContainer();
    await eventually(async () => {
      assert.equal((await controller.showProc()).master.pid, haproxy.pid);
      const seen = new Set<string>();
      for (let i = 0; i < 8; i++) seen.add(String((await controller.get('side.example', '/')).pod));
      assert.deepEqual([...seen].sort(), ['side-1', 'side-2', 'side-3']);
    }, 10_000);
    assert.match(await controller.log(), /HAProxy container was restarted/);
  });

  it('leaves HAProxy running when the controller stops', async () => {
    const pid = haproxy.pid as number;
    assert.equal(await controller.stop('SIGTERM'), 0);
    process.kill(pid, 0);
    assert.equal((await controller.get('side.example', '/')).status, 200);
  });

  it('drains on the preStop command: serves through the delay, finishes in-flight requests, exits 0', async () => {
    const haproxyExit = new Promise<number | null>((resolve) => haproxy.once('exit', resolve));
    const inFlight = controller.get('side.example', '/?sleep=3000');
    // The slow request is inside HAProxy before the drain starts.
    await eventually(async () =>
      assert.match((await controller.runtime(['show sess']))[0] ?? '', /fe=http /),
    );

    const drain = spawn(ENTRYPOINT, ['drain'], {
      stdio: 'ignore',
      env: { ...process.env, RUNTIME_DIR: controller.runtimeDir, DRAIN_DELAY: '1', DRAIN_TIMEOUT: '20' },
    });
    const drainExit = new Promise<number | null>((resolve) => drain.once('exit', resolve));
    // During DRAIN_DELAY (endpoints being removed) new requests are still served...
    assert.equal((await controller.get('side.example', '/')).status, 200);
    // ...then HAProxy soft-stops: it stops accepting connections...
    await eventually(() => assert.rejects(controller.get('side.example', '/'), /ECONNREFUSED/), 10_000, 50);
    // ...while the request it had accepted completes normally.
    const reply = await inFlight;
    assert.equal(reply.status, 200);
    assert.match(String(reply.pod), /^side-[123]$/);
    assert.equal(await haproxyExit, 0, 'HAProxy exits cleanly once its last request is done');
    assert.equal(await drainExit, 0, 'the preStop command returns once HAProxy is gone');
  });
});
