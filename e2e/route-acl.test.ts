/**
 * route-acl, the reference controller's canary, through the real HAProxy: two
 * Ingresses send the same host and path to a stable Service and to a canary
 * Service whose route-acl decides which requests it takes; a bad expression
 * is reported under the annotation and nothing of it reaches the config.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestController } from './harness/controller.ts';
import { endpointSlice, ingress, service } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { eventually } from './harness/wait.ts';

describe('route-acl', () => {
  let controller: TestController;
  let stable: Pods;
  let canary: Pods;

  const canaryObjects = (acl: string) => [
    service('canary', [{ port: 80 }], { 'haproxy.org/route-acl': acl }),
    endpointSlice('canary', { port: canary.port }, [
      { address: canary.addresses[0] as string, name: 'canary-1' },
    ]),
  ];
  const route = (name: string, target: string) =>
    ingress(name, { rules: [{ host: 'app.example', paths: [{ path: '/', service: target, port: 80 }] }] });

  before(async () => {
    stable = await startPods('stable', 1);
    canary = await startPods('canary', 1);
    controller = await TestController.create({
      'stable.yaml': [
        service('stable', [{ port: 80 }]),
        endpointSlice('stable', { port: stable.port }, [
          { address: stable.addresses[0] as string, name: 'stable-1' },
        ]),
        route('stable', 'stable'),
      ],
      'canary.yaml': [...canaryObjects('cookie(canary) -m found'), route('canary', 'canary')],
    });
    await controller.start();
    await eventually(
      async () => assert.equal((await controller.get('app.example', '/')).pod, 'stable-1'),
      10_000,
      50,
    );
  });

  after(async () => {
    await controller?.cleanup();
    await stable?.stop();
    await canary?.stop();
  });

  it('the canary Service takes only the requests its ACL matches', async () => {
    assert.equal((await controller.get('app.example', '/', { cookie: 'canary=1' })).pod, 'canary-1');
    for (let i = 0; i < 5; i++) assert.equal((await controller.get('app.example', '/')).pod, 'stable-1');
  });

  it('rand(100) lt 50 splits requests between the two', async () => {
    await controller.write('canary.yaml', [...canaryObjects('rand(100) lt 50'), route('canary', 'canary')]);
    const seen = new Set<string>();
    await eventually(
      async () => {
        seen.add(String((await controller.get('app.example', '/')).pod));
        assert.deepEqual([...seen].sort(), ['canary-1', 'stable-1']);
      },
      10_000,
      10,
    );
  });

  it('a bad expression is reported under the annotation, and none of it reaches the config', async () => {
    await controller.write('canary.yaml', [
      ...canaryObjects('rand(100) lt 25 } { always_true'),
      route('canary', 'canary'),
    ]);
    await eventually(
      async () =>
        assert.match(await controller.log(), /Service default\/canary haproxy.org\/route-acl: invalid value/),
      10_000,
      50,
    );
    assert.doesNotMatch(await controller.config(), /always_true/);
  });
});
