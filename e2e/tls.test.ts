/**
 * TLS through the real HAProxy: certificates from kubernetes.io/tls Secrets are
 * served by SNI, requests are routed as over HTTP, unknown names get the
 * default certificate (self-signed fallback, or --default-ssl-certificate).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { selfSigned } from './harness/certs.ts';
import { TestController } from './harness/controller.ts';
import type { HttpReply } from './harness/http.ts';
import { ingress, tlsSecret } from './harness/objects.ts';
import { assertReply, Backends, type Expected, SERVICE_PORT } from './harness/routing.ts';
import { eventually } from './harness/wait.ts';

const route = (service: string) => ({ path: '/', pathType: 'Prefix' as const, service, port: SERVICE_PORT });

const CERT_A = selfSigned('a.example');
const CERT_B = selfSigned('b.example');
const CERT_W = selfSigned('*.w.example');
const CERT_DEFAULT = selfSigned('default.example');
const OUR_SUBJECTS = ['a.example', 'b.example', '*.w.example', 'default.example'];

/** Sends HTTPS with SNI `servername` until the certificate subject and the answer are as expected. */
async function expectTls(
  controller: TestController,
  servername: string,
  subject: string | ((subject: string) => void),
  expected: Expected,
  path = '/',
  timeoutMs = 3_000,
): Promise<HttpReply> {
  let last: HttpReply | undefined;
  await eventually(
    async () => {
      const reply = await controller.getTls(servername, path);
      last = reply;
      const served = reply.certificate?.subject ?? '';
      if (typeof subject === 'string')
        assert.equal(served, subject, `SNI ${servername}: certificate subject`);
      else subject(served);
      assertReply(reply, expected, `GET https://${servername}${path}`);
    },
    timeoutMs,
    50,
  );
  return last as HttpReply;
}

const notOurs = (served: string) =>
  assert.ok(
    served !== '' && !OUR_SUBJECTS.includes(served),
    `expected the built-in fallback certificate, got CN=${served}`,
  );

describe('TLS by SNI from Ingress tls sections', () => {
  let controller: TestController;
  let backends: Backends;

  before(async () => {
    backends = await Backends.start(['svc-a', 'svc-b', 'svc-w', 'svc-any']);
    controller = await TestController.create({
      'services.yaml': backends.manifests(),
      'secrets.yaml': [
        tlsSecret('tls-a', CERT_A.cert, CERT_A.key),
        tlsSecret('tls-b', CERT_B.cert, CERT_B.key),
        tlsSecret('tls-w', CERT_W.cert, CERT_W.key),
      ],
      'ingresses.yaml': [
        ingress('a', {
          tls: [{ hosts: ['a.example'], secretName: 'tls-a' }],
          rules: [{ host: 'a.example', paths: [route('svc-a')] }],
        }),
        ingress('b', {
          tls: [{ hosts: ['b.example'], secretName: 'tls-b' }],
          rules: [{ host: 'b.example', paths: [route('svc-b')] }],
        }),
        ingress('w', {
          tls: [{ hosts: ['*.w.example'], secretName: 'tls-w' }],
          rules: [{ host: '*.w.example', paths: [route('svc-w')] }],
        }),
        ingress('any', { rules: [{ paths: [route('svc-any')] }] }),
      ],
    });
    await controller.start();
    await expectTls(controller, 'b.example', 'b.example', 'svc-b', '/', 15_000);
  });

  after(async () => {
    await controller?.cleanup();
    await backends?.stop();
  });

  it('SNI a.example gets certificate A and the a.example route', async () => {
    const reply = await expectTls(controller, 'a.example', 'a.example', 'svc-a');
    assert.match(reply.certificate?.altNames ?? '', /DNS:a\.example/);
    const echoed = JSON.parse(reply.body) as { headers: Record<string, string> };
    assert.equal(echoed.headers['x-forwarded-proto'], 'https');
    await expectTls(controller, 'a.example', 'a.example', 'svc-a', '/deep/path?q=1');
  });

  it('SNI b.example gets certificate B and the b.example route', async () => {
    await expectTls(controller, 'b.example', 'b.example', 'svc-b');
  });

  it('SNI is matched case-insensitively', async () => {
    await expectTls(controller, 'A.Example', 'a.example', 'svc-a');
  });

  it('an unknown SNI gets the default (self-signed fallback) certificate', async () => {
    await expectTls(controller, 'unknown.example', notOurs, 'svc-any');
    await expectTls(controller, 'example', notOurs, 'svc-any');
  });

  it('a wildcard TLS host *.w.example covers exactly one label', async () => {
    await expectTls(controller, 'x.w.example', '*.w.example', 'svc-w');
    await expectTls(controller, 'other.w.example', '*.w.example', 'svc-w');
    // Neither the bare parent nor two labels are covered by the wildcard certificate or route.
    await expectTls(controller, 'w.example', notOurs, 'svc-any');
    await expectTls(controller, 'x.y.w.example', notOurs, 'svc-any');
  });

  it('a rotated Secret is served live', async () => {
    const rotated = selfSigned('a.example', ['a.example', 'rotated.a.example']);
    await controller.write('secrets.yaml', [
      tlsSecret('tls-a', rotated.cert, rotated.key),
      tlsSecret('tls-b', CERT_B.cert, CERT_B.key),
      tlsSecret('tls-w', CERT_W.cert, CERT_W.key),
    ]);
    await eventually(
      async () => {
        const reply = await controller.getTls('a.example', '/');
        assert.match(reply.certificate?.altNames ?? '', /rotated\.a\.example/);
        assertReply(reply, 'svc-a', 'GET https://a.example/');
      },
      5_000,
      50,
    );
    await expectTls(controller, 'b.example', 'b.example', 'svc-b');
  });
});

describe('TLS with --default-ssl-certificate', () => {
  let controller: TestController;
  let backends: Backends;

  before(async () => {
    backends = await Backends.start(['dflt-a', 'dflt-any']);
    controller = await TestController.create({
      'services.yaml': backends.manifests(),
      'secrets.yaml': [
        tlsSecret('tls-a', CERT_A.cert, CERT_A.key),
        tlsSecret('default-cert', CERT_DEFAULT.cert, CERT_DEFAULT.key),
      ],
      'ingresses.yaml': [
        ingress('a', {
          tls: [{ hosts: ['a.example'], secretName: 'tls-a' }],
          rules: [{ host: 'a.example', paths: [route('dflt-a')] }],
        }),
        ingress('any', { rules: [{ paths: [route('dflt-any')] }] }),
      ],
    });
    await controller.start(['--default-ssl-certificate', 'default/default-cert']);
    await expectTls(controller, 'a.example', 'a.example', 'dflt-a', '/', 15_000);
  });

  after(async () => {
    await controller?.cleanup();
    await backends?.stop();
  });

  it('an unknown SNI gets the --default-ssl-certificate Secret', async () => {
    await expectTls(controller, 'unknown.example', 'default.example', 'dflt-any');
    await expectTls(controller, 'b.example', 'default.example', 'dflt-any');
  });

  it('a known SNI still gets its own certificate', async () => {
    await expectTls(controller, 'a.example', 'a.example', 'dflt-a');
  });
});
