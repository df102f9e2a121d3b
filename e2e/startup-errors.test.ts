/**
 * Start-up mistakes a newcomer makes end the controller at once, with a message that
 * says what is wrong, instead of a controller that runs and serves nothing.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { TestController } from './harness/controller.ts';
import { ingress, service } from './harness/objects.ts';
import { eventually } from './harness/wait.ts';

describe('start-up errors', () => {
  let controller: TestController | undefined;
  let squatter: Server | undefined;

  afterEach(async () => {
    await controller?.cleanup();
    controller = undefined;
    await new Promise((resolve) => (squatter ? squatter.close(resolve) : resolve(undefined)));
    squatter = undefined;
  });

  it('--manifests naming a missing directory: a clear error and exit code 2', async () => {
    controller = await TestController.create();
    const missing = join(controller.dir, 'no-such-dir');
    await assert.rejects(controller.start(['--manifests', missing]), /controller exited with 2/);
    assert.equal(await controller.exit, 2);
    // The log file gets the last output a moment after the exit.
    await eventually(async () =>
      assert.match(
        String(await controller?.log()),
        new RegExp(`haproxy-sidecar-ingress: --manifests ${missing}: no such directory`),
      ),
    );
    assert.doesNotMatch(await controller.log(), /controller started/);
  });

  it("a port already in use: HAProxy's error, and the controller exits non-zero instead of retrying", async () => {
    controller = await TestController.create({
      'app.yaml': [
        service('app', [{ port: 80 }]),
        ingress('app', {
          rules: [{ host: 'app.example', paths: [{ path: '/', service: 'app', port: 80 }] }],
        }),
      ],
    });
    const taken = createServer();
    squatter = taken;
    await new Promise<void>((resolve) => taken.listen(controller?.ports.http, '127.0.0.1', resolve));
    await assert.rejects(controller.start(), /controller exited with 1/);
    assert.equal(await controller.exit, 1);
    const ports = controller.ports;
    await eventually(async () =>
      assert.match(
        String(await controller?.log()),
        new RegExp(
          `haproxy-sidecar-ingress: HAProxy could not start: .*cannot bind socket \\(Address already in use\\) for \\[127\\.0\\.0\\.1:${ports.http}\\]`,
        ),
      ),
    );
    const log = await controller.log();
    assert.equal(log.match(/"msg":"HAProxy exited unexpectedly; restarting"/g), null, 'no restart loop');
  });
});
