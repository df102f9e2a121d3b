/**
 * The controller's log as an operator reads it: each problem in the input once (however
 * many reconcile passes see it), each HAProxy output line once (HAProxy prints an event on
 * stderr and sends it to its stdout log target too), and the local-mode warnings for input
 * that can never work.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestController } from './harness/controller.ts';
import { endpointSlice, ingress, service } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { eventually } from './harness/wait.ts';

const BROKEN = `apiVersion: v1
kind: Service
metadata:
  name: broken
spec:
  ports:
    - port: not-a-number
---
apiVersion: networking.k8s.io/v1
kind: Ingres
metadata:
  name: typo
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: orphan
addressType: IPv4
ports: [{ port: 8080 }]
endpoints: [{ addresses: ["127.0.0.1"] }]
`;

interface LogLine {
  msg: string;
  haproxy?: string;
}

describe('logging', () => {
  let controller: TestController;
  let pods: Pods;
  const lines = async (): Promise<LogLine[]> =>
    (await controller.log())
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as LogLine);
  const route = (name: string, backend = 'app') =>
    ingress(name, {
      rules: [{ host: `${name}.example`, paths: [{ path: '/', service: backend, port: 80 }] }],
    });

  before(async () => {
    pods = await startPods('app', 1);
    controller = await TestController.create({
      'app.yaml': [
        service('app', [{ port: 80 }]),
        endpointSlice('app', { port: pods.port }, [{ address: pods.addresses[0] as string }]),
        route('app'),
      ],
    });
    await controller.writeRaw('broken.yaml', BROKEN);
    await controller.start();
  });

  after(async () => {
    await controller?.cleanup();
    await pods?.stop();
  });

  it('logs each problem once, over several reconcile passes, with the local-mode warnings', async () => {
    for (const name of ['one', 'two']) {
      await controller.write(`${name}.yaml`, [route(name)]);
      await eventually(async () => assert.equal((await controller.get(`${name}.example`, '/')).status, 200));
    }
    const messages = (await lines()).map((l) => l.msg);
    const count = (text: string) => messages.filter((m) => m.includes(text)).length;
    assert.equal(count('Service default/broken'), 1, 'the rejected Service');
    assert.equal(count('unknown kind "Ingres" (did you mean Ingress?)'), 1, 'the misspelt kind');
    assert.equal(count('EndpointSlice default/orphan'), 1, 'the slice without a service-name label');
    assert.match(messages.find((m) => m.includes('default/orphan')) ?? '', /kubernetes\.io\/service-name/);
  });

  it('logs each HAProxy line once, though HAProxy prints its events on both stderr and stdout', async () => {
    // A new backend reloads HAProxy: the old worker stops its proxies and says so.
    await controller.write('other.yaml', [
      service('other', [{ port: 80 }]),
      endpointSlice('other', { port: pods.port }, [{ address: pods.addresses[0] as string }]),
      route('other', 'other'),
    ]);
    await eventually(async () => assert.equal((await controller.get('other.example', '/')).status, 200));
    await controller.stop();
    const haproxy = (await lines()).flatMap((l) => (l.haproxy ? [l.haproxy] : []));
    // Two workers stopped (one replaced by the reload, one at the end): each stop is logged
    // once, though HAProxy prints it on stderr and sends it to its stdout log target too.
    const stops = new Map<string, number>();
    for (const line of haproxy) {
      const proxy = /Proxy (\S+) stopped \(cumulated conns/.exec(line)?.[1];
      if (proxy) stops.set(proxy, (stops.get(proxy) ?? 0) + 1);
    }
    assert.equal(stops.get('http'), 2, [...stops].join(', '));
    assert.ok(
      [...stops.values()].every((n) => n <= 2),
      [...stops].join(', '),
    );
  });
});
