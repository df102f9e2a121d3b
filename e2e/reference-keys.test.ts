/**
 * Keys of the reference controller through the real HAProxy:
 * cookie-persistence-no-dynamic (a static cookie naming the server slot,
 * which sends the client back to that pod, also across switching to and from
 * dynamic cookies), standalone-backend (an Ingress's own backend) and
 * ssl-passthrough set in the ConfigMap.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { selfSigned } from './harness/certs.ts';
import { TestController } from './harness/controller.ts';
import { httpsGet } from './harness/http.ts';
import { configMap, endpointSlice, hostRoute, ingress, service } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { startTlsPods, type TlsPods } from './harness/tls-pods.ts';
import { eventually } from './harness/wait.ts';

describe('reference controller keys', () => {
  let controller: TestController;
  let pods: Pods;
  let tls: TlsPods;

  const web = (annotations: Record<string, string>) => [
    service('web', [{ port: 80 }], annotations),
    endpointSlice(
      'web',
      { port: pods.port },
      pods.addresses.map((address, i) => ({ address, name: `web-${i + 1}` })),
    ),
  ];
  const cookieOf = (setCookie: string | string[] | undefined, name: string) =>
    [setCookie ?? []]
      .flat()
      .find((c) => c.startsWith(`${name}=`))
      ?.split(';')[0];

  before(async () => {
    pods = await startPods('web', 3);
    tls = await startTlsPods('pt', 1, { kind: 'https', ...selfSigned('pt.example') });
    controller = await TestController.create({
      'web.yaml': web({ 'haproxy.org/cookie-persistence-no-dynamic': 'STICKY' }),
      'ingresses.yaml': [
        hostRoute('sticky'),
        hostRoute('shared'),
        hostRoute('own', { 'haproxy.org/standalone-backend': 'true' }),
      ],
    });
    await controller.start();
    await eventually(async () => assert.ok((await controller.get('sticky.example', '/')).pod), 10_000, 50);
  });

  after(async () => {
    await controller?.cleanup();
    await pods?.stop();
    await tls?.stop();
  });

  it('cookie-persistence-no-dynamic: the cookie names the server, and sends the client back to its pod', async () => {
    const first = await controller.get('sticky.example', '/');
    const cookie = cookieOf(first.headers['set-cookie'], 'STICKY');
    assert.match(String(cookie), /^STICKY=SRV_\d+$/);
    for (let i = 0; i < 5; i++)
      assert.equal((await controller.get('sticky.example', '/', { cookie: String(cookie) })).pod, first.pod);
    assert.match(await controller.config(), / cookie SRV_1$/m);
  });

  it('switching to dynamic cookies and back keeps clients on their pods', async () => {
    await controller.write('web.yaml', web({ 'haproxy.org/cookie-persistence': 'STICKY' }));
    let dynamic = await controller.get('sticky.example', '/');
    let cookie: string | undefined;
    await eventually(
      async () => {
        dynamic = await controller.get('sticky.example', '/');
        cookie = cookieOf(dynamic.headers['set-cookie'], 'STICKY');
        assert.ok(cookie && !/^STICKY=SRV_/.test(cookie), `a dynamic cookie: ${cookie}`);
      },
      10_000,
      50,
    );
    for (let i = 0; i < 4; i++)
      assert.equal(
        (await controller.get('sticky.example', '/', { cookie: String(cookie) })).pod,
        dynamic.pod,
      );

    await controller.write('web.yaml', web({ 'haproxy.org/cookie-persistence-no-dynamic': 'STICKY' }));
    let back = await controller.get('sticky.example', '/');
    let staticCookie = '';
    await eventually(
      async () => {
        back = await controller.get('sticky.example', '/');
        staticCookie = String(cookieOf(back.headers['set-cookie'], 'STICKY'));
        assert.match(staticCookie, /^STICKY=SRV_\d+$/);
      },
      10_000,
      50,
    );
    for (let i = 0; i < 4; i++)
      assert.equal((await controller.get('sticky.example', '/', { cookie: staticCookie })).pod, back.pod);
  });

  it('both cookie keys: neither applies, reported as a conflict', async () => {
    await controller.write(
      'web.yaml',
      web({
        'haproxy.org/cookie-persistence-no-dynamic': 'STICKY',
        'haproxy.org/cookie-persistence': 'OTHER',
      }),
    );
    await eventually(
      async () =>
        assert.equal((await controller.get('sticky.example', '/')).headers['set-cookie'], undefined),
      10_000,
      50,
    );
    assert.doesNotMatch(await controller.config(), /^ {2}cookie /m);
    assert.match(
      await controller.log(),
      /Service default\/web haproxy.org\/cookie-persistence-no-dynamic: cookie-persistence is set as well/,
    );
    await controller.write('web.yaml', web({}));
  });

  it('standalone-backend: the Ingress gets a backend of its own; the others share one', async () => {
    const config = await controller.config();
    assert.match(config, /^backend default_web_80$/m);
    assert.match(config, /^backend default_web_80_[0-9a-f]{10}$/m);
    assert.ok((await controller.get('own.example', '/')).pod);
    assert.ok((await controller.get('shared.example', '/')).pod);
  });

  it('ssl-passthrough in the ConfigMap: every route passes TLS through to its pods', async () => {
    await controller.write('pt.yaml', [
      service('pt', [{ port: 443 }]),
      endpointSlice('pt', { port: tls.port }, [{ address: tls.addresses[0] as string }]),
      ingress('pt', { rules: [{ host: 'pt.example', paths: [{ path: '/', service: 'pt', port: 443 }] }] }),
      configMap({ 'ssl-passthrough': 'true' }),
    ]);
    await eventually(
      async () =>
        assert.equal(
          (await httpsGet(controller.ports.https, 'pt.example', '/')).certificate?.subject,
          'pt.example',
        ),
      10_000,
      50,
    );
    assert.match(await controller.config(), /^frontend https-passthrough$/m);
  });
});
