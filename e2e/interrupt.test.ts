/**
 * Ctrl-C in a terminal sends SIGINT to the whole foreground process group. It must reach
 * only the controller, which soft-stops HAProxy: new connections are refused, the request
 * in flight completes, and nothing is left running. (A SIGINT straight to HAProxy would
 * stop it at once and cut that request.)
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { TestController } from './harness/controller.ts';
import { podSubnet } from './harness/net.ts';
import { endpointSlice, ingress, service } from './harness/objects.ts';
import { eventually } from './harness/wait.ts';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('Ctrl-C (SIGINT to the process group)', () => {
  let controller: TestController;
  let pod: Server;
  let address: string;
  let port: number;
  /** Resolves when the pod has a request; the pod answers once `release` is called. */
  let arrived: Promise<void>;
  let release: () => void;

  before(async () => {
    let arrive: () => void = () => {};
    arrived = new Promise<void>((resolve) => {
      arrive = resolve;
    });
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    pod = createServer(async (_req, res) => {
      arrive();
      await released;
      res.writeHead(200, { 'x-pod': 'slow-1' }).end('finished\n');
    });
    address = `${podSubnet()}.1`;
    await new Promise<void>((resolve) => pod.listen(0, address, resolve));
    port = (pod.address() as { port: number }).port;
    controller = await TestController.create({
      'app.yaml': [
        service('slow', [{ port: 80 }]),
        endpointSlice('slow', { port }, [{ address }]),
        ingress('slow', {
          rules: [{ host: 'slow.example', paths: [{ path: '/', service: 'slow', port: 80 }] }],
        }),
      ],
    });
    await controller.start([], {}, { ownProcessGroup: true });
  });

  after(async () => {
    release?.();
    await controller?.cleanup();
    pod?.closeAllConnections();
    await new Promise((resolve) => pod?.close(resolve));
  });

  it('soft-stops HAProxy: the request in flight completes, new ones are refused, nothing is left', async () => {
    const { master, workers } = await controller.showProc();
    const inFlight = controller.get('slow.example', '/');
    await arrived;
    const group = controller.child?.pid as number;
    process.kill(-group, 'SIGINT');
    // HAProxy stops listening first (the soft stop), while the request is still open.
    await eventually(async () => {
      // Another host: answered at once (404) while HAProxy still listens, refused once it stopped.
      await assert.rejects(controller.get('unknown.example', '/'), 'new connections are refused');
    }, 10_000);
    release();
    const reply = await inFlight;
    assert.equal(reply.status, 200);
    assert.equal(reply.body, 'finished\n');
    assert.equal(await controller.exit, 0, 'the controller exits cleanly');
    await eventually(() => {
      assert.ok(!alive(master.pid), 'HAProxy master gone');
      for (const w of workers) assert.ok(!alive(w.pid), 'HAProxy worker gone');
    }, 5_000);
    assert.match(await controller.log(), /"msg":"shutting down"/);
  });
});
