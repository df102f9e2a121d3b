/**
 * ingress-nginx's auth-tls-* through the real HAProxy: an Ingress's HTTPS
 * host asks for a client certificate of its CA; none, or an untrusted one,
 * gives 400; ssl-client-verify and ssl-client-subject-dn reach the pod (never
 * the client's own), and the certificate itself as a URL-encoded PEM with
 * auth-tls-pass-certificate-to-upstream; optional, match-cn, and a host of
 * another Ingress that asks for nothing.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { selfSigned, testCa } from './harness/certs.ts';
import { TestController } from './harness/controller.ts';
import { type HttpReply, httpsGet } from './harness/http.ts';
import { ingress, onePodService, tlsSecret } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { eventually } from './harness/wait.ts';

const N = 'nginx.ingress.kubernetes.io/';
const HOSTS = ['strict.example', 'optional.example', 'cn.example', 'open.example'];
const SERVER = selfSigned('strict.example', HOSTS);
const CA = testCa('client-ca');
const CLIENT = CA.issue('client1');
const OTHER = CA.issue('other');
const UNTRUSTED = selfSigned('client1');

const echoed = (reply: HttpReply) => {
  assert.equal(reply.status, 200, `expected the pod, got ${reply.status}`);
  return JSON.parse(reply.body) as { headers: Record<string, string> };
};

describe('ingress-nginx client certificates (auth-tls)', () => {
  let controller: TestController;
  let pods: Pods;

  const get = (host: string, cert?: { cert: string; key: string }) =>
    httpsGet(controller.ports.https, host, '/', 5_000, cert ?? {});
  /** An HTTPS request that also sends headers of its own. */
  const httpsGetWith = async (
    host: string,
    cert: { cert: string; key: string } | undefined,
    headers: Record<string, string>,
  ): Promise<HttpReply> => {
    const { request } = await import('node:https');
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: controller.ports.https,
          servername: host,
          path: '/',
          headers: { host, ...headers },
          rejectUnauthorized: false,
          agent: false,
          ...cert,
        },
        (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body,
              pod: res.headers['x-pod'] as string,
            }),
          );
        },
      );
      req.on('error', reject);
      req.end();
    });
  };

  const route = (name: string, annotations: Record<string, string>) =>
    ingress(
      name,
      {
        rules: [{ host: `${name}.example`, paths: [{ path: '/', service: 'web', port: 80 }] }],
        tls: [{ hosts: [`${name}.example`], secretName: 'server' }],
      },
      { annotations },
    );

  before(async () => {
    pods = await startPods('web', 1);
    controller = await TestController.create({
      'web.yaml': [
        ...onePodService('web', pods),
        tlsSecret('server', SERVER.cert, SERVER.key),
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'client-ca', namespace: 'default' },
          stringData: { 'ca.crt': CA.cert },
        },
      ],
    });
    await controller.start();
    await controller.write('ingresses.yaml', [
      route('strict', {
        [`${N}auth-tls-secret`]: 'default/client-ca',
        [`${N}auth-tls-pass-certificate-to-upstream`]: 'true',
      }),
      route('optional', {
        [`${N}auth-tls-secret`]: 'default/client-ca',
        [`${N}auth-tls-verify-client`]: 'optional',
      }),
      route('cn', { [`${N}auth-tls-secret`]: 'default/client-ca', [`${N}auth-tls-match-cn`]: 'CN=client1' }),
      route('open', {}),
    ]);
    await eventually(async () => assert.equal((await get('strict.example')).status, 400), 15_000);
  });

  after(async () => {
    await controller?.cleanup();
    await pods?.stop();
  });

  it('no certificate, or an untrusted one, gives 400', async () => {
    assert.equal((await get('strict.example')).status, 400);
    assert.equal((await get('strict.example', UNTRUSTED)).status, 400);
  });

  it('a trusted certificate gets in: ssl-client-verify, the subject and the certificate reach the pod', async () => {
    const echo = echoed(await get('strict.example', CLIENT));
    assert.equal(echo.headers['ssl-client-verify'], 'SUCCESS');
    assert.equal(echo.headers['ssl-client-subject-dn'], 'CN=client1');
    assert.equal(echo.headers['ssl-client-issuer-dn'], 'CN=client-ca');
    const pem = decodeURIComponent(echo.headers['ssl-client-cert'] ?? '');
    assert.ok(new X509Certificate(pem).checkIssued(new X509Certificate(CA.cert)));
    assert.equal(new X509Certificate(pem).fingerprint256, new X509Certificate(CLIENT.cert).fingerprint256);
  });

  it('optional: no certificate passes (NONE, whatever the client claims); an untrusted one does not', async () => {
    const echo = echoed(
      await httpsGetWith('optional.example', undefined, { 'ssl-client-verify': 'SUCCESS' }),
    );
    assert.equal(echo.headers['ssl-client-verify'], 'NONE');
    assert.equal(echo.headers['ssl-client-subject-dn'], undefined);
    assert.equal((await get('optional.example', UNTRUSTED)).status, 400);
    assert.equal(echoed(await get('optional.example', CLIENT)).headers['ssl-client-verify'], 'SUCCESS');
  });

  it('auth-tls-match-cn: another subject of the same CA gets 403', async () => {
    assert.equal((await get('cn.example', CLIENT)).pod, 'web-1');
    assert.equal((await get('cn.example', OTHER)).status, 403);
  });

  it('a host of another Ingress asks for no certificate', async () => {
    const echo = echoed(await get('open.example'));
    assert.equal(echo.headers['ssl-client-verify'], undefined);
  });
});
