/**
 * ingress-nginx's cookie affinity through the real HAProxy: INGRESSCOOKIE by
 * default, HttpOnly, the Path of the route; session-cookie-* set name,
 * path, max-age, expires, domain, samesite and secure; a client that sends
 * the cookie back keeps its pod; another Ingress of the same Service gets no
 * cookie and is balanced as usual.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestController } from './harness/controller.ts';
import type { HttpReply } from './harness/http.ts';
import { endpointSlice, ingress, service } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { eventually } from './harness/wait.ts';

const N = 'nginx.ingress.kubernetes.io/';

const setCookie = (reply: HttpReply): string => {
  const header = reply.headers['set-cookie'];
  return Array.isArray(header) ? header.join('\n') : (header ?? '');
};

describe('ingress-nginx cookie affinity', () => {
  let controller: TestController;
  let pods: Pods;

  const route = (name: string, paths: string[], annotations: Record<string, string>) =>
    ingress(
      name,
      {
        rules: [
          { host: `${name}.example`, paths: paths.map((path) => ({ path, service: 'web', port: 80 })) },
        ],
      },
      { annotations },
    );

  before(async () => {
    pods = await startPods('web', 2);
    controller = await TestController.create({
      'web.yaml': [
        service('web', [{ port: 80 }]),
        endpointSlice(
          'web',
          { port: pods.port },
          pods.addresses.map((address, i) => ({ address, name: `web-${i + 1}` })),
        ),
      ],
    });
    await controller.start();
    await controller.write('ingresses.yaml', [
      route('sticky', ['/app', '/'], { [`${N}affinity`]: 'cookie' }),
      route('tuned', ['/'], {
        [`${N}affinity`]: 'cookie',
        [`${N}session-cookie-name`]: 'route',
        [`${N}session-cookie-path`]: '/shop',
        [`${N}session-cookie-max-age`]: '3600',
        [`${N}session-cookie-expires`]: '7200',
        [`${N}session-cookie-domain`]: 'tuned.example',
        [`${N}session-cookie-samesite`]: 'Strict',
        [`${N}session-cookie-secure`]: 'true',
      }),
      route('plain', ['/'], {}),
    ]);
    await eventually(
      async () => assert.match(setCookie(await controller.get('tuned.example', '/')), /^route=/),
      15_000,
    );
  });

  after(async () => {
    await controller?.cleanup();
    await pods?.stop();
  });

  it('sets INGRESSCOOKIE, HttpOnly, with the Path of the route', async () => {
    assert.match(
      setCookie(await controller.get('sticky.example', '/app/x')),
      /^INGRESSCOOKIE=[^;]+; Path=\/app; HttpOnly$/,
    );
    assert.match(
      setCookie(await controller.get('sticky.example', '/other')),
      /^INGRESSCOOKIE=[^;]+; Path=\/; HttpOnly$/,
    );
  });

  it('a client that sends the cookie back keeps its pod; others are balanced', async () => {
    const first = await controller.get('sticky.example', '/app');
    const cookie = setCookie(first).split(';')[0] as string;
    for (let i = 0; i < 6; i++) {
      const again = await controller.get('sticky.example', '/app', { cookie });
      assert.equal(again.pod, first.pod);
      assert.equal(setCookie(again), '', 'a valid cookie is not set again');
    }
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) seen.add(String((await controller.get('sticky.example', '/app')).pod));
    assert.deepEqual([...seen].sort(), ['web-1', 'web-2']);
  });

  it('session-cookie-* set name, path, max-age, expires, domain, samesite and secure', async () => {
    const before = Date.now();
    const header = setCookie(await controller.get('tuned.example', '/'));
    assert.match(
      header,
      /^route=[^;]+; Path=\/shop; Domain=tuned\.example; Max-Age=3600; Expires=[^;]+; SameSite=Strict; Secure; HttpOnly$/,
    );
    const expires = Date.parse(/Expires=([^;]+)/.exec(header)?.[1] ?? '');
    assert.ok(
      expires >= before + 7_199_000 && expires <= Date.now() + 7_201_000,
      `Expires is 7200 s after the response: ${header}`,
    );
  });

  it('another Ingress of the same Service gets no cookie', async () => {
    assert.equal(setCookie(await controller.get('plain.example', '/')), '');
  });
});
