/**
 * ingress-nginx's canaries through the real HAProxy: a canary Ingress is
 * never a route of its own; it takes requests of the same host and path by
 * header (always / never, an exact value, or a pattern), then cookie
 * (always / never), then weight; which pod answered shows which Ingress won.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestController } from './harness/controller.ts';
import { endpointSlice, ingress, service } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { eventually } from './harness/wait.ts';

const N = 'nginx.ingress.kubernetes.io/';

describe('ingress-nginx canary', () => {
  let controller: TestController;
  let stable: Pods;
  let canary: Pods;

  const route = (
    name: string,
    host: string,
    svc: string,
    annotations: Record<string, string> = {},
    created = '2024-01-01T00:00:00Z',
  ) =>
    ingress(
      name,
      { rules: [{ host, paths: [{ path: '/', service: svc, port: 80 }] }] },
      { annotations, created },
    );
  const canaryOf = (name: string, host: string, annotations: Record<string, string>) =>
    route(name, host, 'canary', { [`${N}canary`]: 'true', ...annotations }, '2024-02-01T00:00:00Z');
  const pod = async (host: string, headers: Record<string, string> = {}) =>
    (await controller.get(host, '/', headers)).pod;

  before(async () => {
    stable = await startPods('stable', 1);
    canary = await startPods('canary', 1);
    controller = await TestController.create({
      'services.yaml': [
        service('stable', [{ port: 80 }]),
        endpointSlice('stable', { port: stable.port }, [
          { address: stable.addresses[0] as string, name: 'stable-1' },
        ]),
        service('canary', [{ port: 80 }]),
        endpointSlice('canary', { port: canary.port }, [
          { address: canary.addresses[0] as string, name: 'canary-1' },
        ]),
      ],
    });
    await controller.start();
    await controller.write('ingresses.yaml', [
      route('main', 'a.example', 'stable'),
      canaryOf('main-canary', 'a.example', {
        [`${N}canary-by-header`]: 'X-Canary',
        [`${N}canary-by-cookie`]: 'canary_cookie',
        [`${N}canary-weight`]: '0',
      }),
      route('value', 'b.example', 'stable'),
      canaryOf('value-canary', 'b.example', {
        [`${N}canary-by-header`]: 'X-Version',
        [`${N}canary-by-header-value`]: 'v2',
        [`${N}canary-by-cookie`]: 'canary_cookie',
      }),
      route('pattern', 'c.example', 'stable'),
      canaryOf('pattern-canary', 'c.example', {
        [`${N}canary-by-header`]: 'X-Region',
        [`${N}canary-by-header-pattern`]: 'eu-(west|north)',
      }),
      route('all', 'd.example', 'stable'),
      canaryOf('all-canary', 'd.example', { [`${N}canary-weight`]: '100' }),
      route('half', 'e.example', 'stable'),
      canaryOf('half-canary', 'e.example', { [`${N}canary-weight`]: '50' }),
      canaryOf('alone', 'f.example', { [`${N}canary-weight`]: '100' }),
    ]);
    await eventually(async () => assert.equal(await pod('d.example'), 'canary-1'), 15_000);
  });

  after(async () => {
    await controller?.cleanup();
    await stable?.stop();
    await canary?.stop();
  });

  it('by header: always goes to the canary, never stays, even against the cookie', async () => {
    assert.equal(await pod('a.example'), 'stable-1');
    assert.equal(await pod('a.example', { 'X-Canary': 'always' }), 'canary-1');
    assert.equal(await pod('a.example', { 'X-Canary': 'never', cookie: 'canary_cookie=always' }), 'stable-1');
  });

  it('then by cookie: always goes to the canary, never stays; another header value falls through', async () => {
    assert.equal(await pod('a.example', { cookie: 'canary_cookie=always' }), 'canary-1');
    assert.equal(await pod('a.example', { cookie: 'x=1; canary_cookie=never' }), 'stable-1');
    assert.equal(await pod('a.example', { 'X-Canary': 'maybe', cookie: 'canary_cookie=always' }), 'canary-1');
  });

  it('canary-by-header-value: exactly that value; always means nothing then', async () => {
    assert.equal(await pod('b.example', { 'X-Version': 'v2' }), 'canary-1');
    assert.equal(await pod('b.example', { 'X-Version': 'v3' }), 'stable-1');
    assert.equal(await pod('b.example', { 'X-Version': 'always' }), 'stable-1');
    assert.equal(await pod('b.example', { 'X-Version': 'v3', cookie: 'canary_cookie=always' }), 'canary-1');
  });

  it('canary-by-header-pattern: a value the pattern finds', async () => {
    assert.equal(await pod('c.example', { 'X-Region': 'eu-west-1' }), 'canary-1');
    assert.equal(await pod('c.example', { 'X-Region': 'prod-eu-north' }), 'canary-1');
    assert.equal(await pod('c.example', { 'X-Region': 'us-west-2' }), 'stable-1');
  });

  it('by weight: 100 takes all, 0 none, 50 some of each', async () => {
    for (let i = 0; i < 5; i++) assert.equal(await pod('d.example'), 'canary-1');
    for (let i = 0; i < 5; i++) assert.equal(await pod('a.example'), 'stable-1');
    const seen = new Set<string | undefined>();
    for (let i = 0; i < 40; i++) seen.add(await pod('e.example'));
    assert.deepEqual([...seen].sort(), ['canary-1', 'stable-1']);
  });

  it('a canary without an Ingress to take requests from is never a route of its own', async () => {
    assert.equal((await controller.get('f.example', '/')).status, 404);
    assert.match(
      await controller.log(),
      /Ingress default\/alone path \/: a canary, and no Ingress that is not one serves/,
    );
  });
});
