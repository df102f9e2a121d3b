/**
 * The embedded default: `--demo` serves the demo resources with its own demo backends,
 * and keeps those backends in step with the EndpointSlices as the README invites users to edit them.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { TestController } from './harness/controller.ts';
import { podSubnet } from './harness/net.ts';
import { endpointSlice, ingress, service } from './harness/objects.ts';
import { eventually } from './harness/wait.ts';

describe('demo mode', () => {
  let controller: TestController;

  before(async () => {
    controller = await TestController.create();
    await controller.start(['--demo']);
  });

  after(async () => {
    await controller?.cleanup();
  });

  it('routes the walk-through host to both demo pods, /api to the api pods, and unknown hosts to 404', async () => {
    await eventually(async () => {
      const seen = new Set<string>();
      for (let i = 0; i < 4; i++) seen.add(String((await controller.get('foo.bar', '/')).pod));
      assert.deepEqual([...seen].sort(), ['app-1', 'app-2']);
    });
    assert.match(String((await controller.get('foo.bar', '/api/users')).pod), /^api-[123]$/);
    assert.match(String((await controller.get('x.demo.local', '/')).pod), /^app-[12]$/);
    assert.equal((await controller.get('unknown.example', '/')).status, 404);
  });

  it('routes the Gateway API host: /api to api, a canary header to api, the rest split 80/20', async () => {
    assert.match(String((await controller.get('gateway.demo.local', '/api/users')).pod), /^api-[123]$/);
    const canary = await controller.get('gateway.demo.local', '/', { 'x-canary': 'yes' });
    assert.match(String(canary.pod), /^api-[123]$/);
    assert.equal(canary.headers['x-canary'], 'served by api');
    const seen = new Set<string>();
    for (let i = 0; i < 60; i++)
      seen.add(String((await controller.get('gateway.demo.local', '/')).pod).replace(/-\d$/, ''));
    assert.deepEqual([...seen].sort(), ['api', 'app']);
  });
});

describe('demo mode follows its EndpointSlices', () => {
  let controller: TestController;
  const subnet = podSubnet();
  const port = 20_000 + Math.floor(Math.random() * 30_000);
  const pods = (...numbers: number[]) =>
    endpointSlice(
      'web',
      { port },
      numbers.map((n) => ({ address: `${subnet}.${n}`, name: `web-${n}` })),
    );
  const answering = async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) seen.add(String((await controller.get('web.example', '/')).pod));
    return [...seen].sort();
  };
  const listening = (n: number) =>
    new Promise<boolean>((resolve) => {
      const socket = connect(port, `${subnet}.${n}`);
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });

  before(async () => {
    controller = await TestController.create({
      'web.yaml': [
        service('web', [{ port: 80 }]),
        ingress('web', {
          rules: [{ host: 'web.example', paths: [{ path: '/', service: 'web', port: 80 }] }],
        }),
      ],
      'web-slice.yaml': [pods(1)],
    });
    await controller.start(['--demo', '--manifests', controller.manifests]);
  });

  after(async () => {
    await controller?.cleanup();
  });

  it('starts an echo server for a pod added while it runs', async () => {
    assert.deepEqual(await answering(), ['web-1']);
    await controller.write('web-slice.yaml', [pods(1, 2)]);
    await eventually(async () => assert.deepEqual(await answering(), ['web-1', 'web-2']));
  });

  it('stops the echo server of a pod removed', async () => {
    await controller.write('web-slice.yaml', [pods(2)]);
    await eventually(async () => assert.equal(await listening(1), false, 'web-1 stopped'));
    assert.equal(await listening(2), true, 'web-2 still runs');
    await eventually(async () => assert.deepEqual(await answering(), ['web-2']));
  });
});
