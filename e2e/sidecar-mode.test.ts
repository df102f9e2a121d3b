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
    haproxy = spawn(ENTRYPOINT, [], {
      stdio: 'ignore',
      env: {
        ...process.env,
        CONFIG_DIR: controller.configDir,
        RUNTIME_DIR: controller.runtimeDir,
        HEALTHZ_ADDRESS: '127.0.0.1',
        HEALTHZ_PORT: String(controller.ports.healthz),
      },
    });
    // The HAProxy container is up on the bootstrap config before the controller runs.
    await eventually(
      async () => assert.equal((await httpGet(controller.ports.healthz, '/')).status, 503),
      10_000,
    );
    await controller.start(['--haproxy-master-socket', join(controller.runtimeDir, 'master.sock')]);
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

  it('leaves HAProxy running when the controller stops', async () => {
    const pid = haproxy.pid as number;
    assert.equal(await controller.stop('SIGTERM'), 0);
    process.kill(pid, 0);
    assert.equal((await controller.get('side.example', '/')).status, 200);
  });
});
