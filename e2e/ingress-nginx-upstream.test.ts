/**
 * ingress-nginx's annotations on the way to the pods, through the real
 * HAProxy: backend-protocol HTTPS, GRPC (h2c, trailers kept) and GRPCS,
 * upstream-vhost, x-forwarded-prefix, whitelist-/allowlist-/denylist-source-range,
 * upstream-hash-by and ssl-passthrough. Which pod answered, what it saw, and
 * which certificate the client got are checked.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { selfSigned } from './harness/certs.ts';
import { TestController } from './harness/controller.ts';
import { grpcCall, startGrpcPods } from './harness/grpc.ts';
import { type HttpReply, httpGet, httpsGet } from './harness/http.ts';
import { endpointSlice, hostRoute, ingress, service } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { startTlsPods, type TlsEchoReply, type TlsPods } from './harness/tls-pods.ts';
import { eventually } from './harness/wait.ts';

const N = 'nginx.ingress.kubernetes.io/';
const POD_CERT = selfSigned('pod.internal', ['pod.internal', 'passthrough.example']);

const echoed = (reply: HttpReply) => {
  assert.equal(reply.status, 200, `expected a pod, got ${reply.status}`);
  return JSON.parse(reply.body) as { path: string; host: string; headers: Record<string, string> };
};

describe('ingress-nginx upstream annotations', () => {
  let controller: TestController;
  let web: Pods;
  let https: TlsPods;
  let h2: TlsPods;
  let grpc: Pods;

  const objects = (name: string, pods: { addresses: string[]; names: string[]; port: number }) => [
    service(name, [{ port: 80 }]),
    endpointSlice(
      name,
      { port: pods.port },
      pods.addresses.map((address, i) => ({ address, name: pods.names[i] as string })),
    ),
  ];

  before(async () => {
    web = await startPods('web', 2);
    https = await startTlsPods('https', 1, { kind: 'https', cert: POD_CERT.cert, key: POD_CERT.key });
    h2 = await startTlsPods('h2', 1, { kind: 'h2', cert: POD_CERT.cert, key: POD_CERT.key });
    grpc = await startGrpcPods('grpc', 1);
    controller = await TestController.create({
      'services.yaml': [
        ...objects('web', web),
        ...objects('https', https),
        ...objects('h2', h2),
        ...objects('grpc', grpc),
      ],
    });
    await controller.start();
    await controller.write('ingresses.yaml', [
      hostRoute('https', { [`${N}backend-protocol`]: 'HTTPS' }, 'https'),
      hostRoute('grpcs', { [`${N}backend-protocol`]: 'GRPCS' }, 'h2'),
      hostRoute('grpc', { [`${N}backend-protocol`]: 'GRPC' }, 'grpc'),
      hostRoute('vhost', { [`${N}upstream-vhost`]: 'internal.example' }),
      hostRoute('prefix', { [`${N}x-forwarded-prefix`]: '/api' }),
      hostRoute('allow', { [`${N}whitelist-source-range`]: '127.0.0.9/32, 10.0.0.0/8' }),
      hostRoute('allow2', { [`${N}allowlist-source-range`]: '127.0.0.9' }),
      hostRoute('deny', { [`${N}denylist-source-range`]: '127.0.0.9' }),
      hostRoute('hash', { [`${N}upstream-hash-by`]: '$request_uri' }),
      ingress(
        'passthrough',
        { rules: [{ host: 'passthrough.example', paths: [{ path: '/', service: 'https', port: 80 }] }] },
        { annotations: { [`${N}ssl-passthrough`]: 'true' } },
      ),
    ]);
    await eventually(
      async () => assert.equal((await controller.get('hash.example', '/')).status, 200),
      15_000,
    );
  });

  after(async () => {
    await controller?.cleanup();
    for (const pods of [web, https, h2, grpc]) await pods?.stop();
  });

  it('backend-protocol HTTPS speaks TLS to the pod; GRPCS HTTP/2 over TLS', async () => {
    const tls = JSON.parse((await controller.get('https.example', '/')).body) as TlsEchoReply;
    assert.deepEqual([tls.pod, tls.tls], ['https-1', true]);
    const h2reply = JSON.parse((await controller.get('grpcs.example', '/')).body) as TlsEchoReply;
    assert.deepEqual([h2reply.pod, h2reply.tls, h2reply.httpVersion], ['h2-1', true, '2.0']);
  });

  it('backend-protocol GRPC speaks h2c to the pod and keeps the trailers', async () => {
    const reply = await grpcCall(controller.ports.http, 'grpc.example', '/echo.Echo/Call');
    assert.deepEqual([reply.status, reply.pod, reply.grpcStatus], [200, 'grpc-1', '0']);
  });

  it('upstream-vhost sets the Host the pod sees; x-forwarded-prefix adds its header', async () => {
    assert.equal(echoed(await controller.get('vhost.example', '/')).host, 'internal.example');
    assert.equal(echoed(await controller.get('prefix.example', '/')).headers['x-forwarded-prefix'], '/api');
  });

  it('whitelist-, allowlist- and denylist-source-range: 403 for the addresses left out', async () => {
    const from = (host: string, localAddress: string) =>
      httpGet(controller.ports.http, '/', { host }, 5_000, { localAddress }).then((r) => r.status);
    assert.deepEqual(
      [await from('allow.example', '127.0.0.9'), await from('allow.example', '127.0.0.1')],
      [200, 403],
    );
    assert.deepEqual(
      [await from('allow2.example', '127.0.0.9'), await from('allow2.example', '127.0.0.1')],
      [200, 403],
    );
    assert.deepEqual(
      [await from('deny.example', '127.0.0.9'), await from('deny.example', '127.0.0.1')],
      [403, 200],
    );
  });

  it('upstream-hash-by $request_uri: the same URI always reaches the same pod', async () => {
    const pods = new Set<string | undefined>();
    for (let uri = 0; uri < 12; uri++) {
      const first = (await controller.get('hash.example', `/item/${uri}`)).pod;
      for (let again = 0; again < 3; again++)
        assert.equal((await controller.get('hash.example', `/item/${uri}`)).pod, first, `/item/${uri}`);
      pods.add(first);
    }
    assert.deepEqual([...pods].sort(), ['web-1', 'web-2'], 'different URIs spread over the pods');
  });

  it('ssl-passthrough: TLS reaches the pod unterminated; the client gets the pod certificate', async () => {
    await eventually(async () => {
      const reply = await httpsGet(controller.ports.https, 'passthrough.example', '/');
      assert.equal(reply.certificate?.subject, 'pod.internal');
      assert.equal((JSON.parse(reply.body) as TlsEchoReply).pod, 'https-1');
    });
  });
});
