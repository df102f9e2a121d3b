/**
 * ingress-nginx's CORS through the real HAProxy: every OPTIONS request gets
 * 204 from HAProxy with nginx's default methods, headers, max-age and
 * credentials; origins are compared exactly, port included, and a listed
 * origin is echoed back; `*.` matches one label; the headers are on every
 * response of the route, a 401 of basic auth included.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestController } from './harness/controller.ts';
import { type HttpReply, httpGet } from './harness/http.ts';
import { hostRoute, onePodService } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { eventually } from './harness/wait.ts';

const N = 'nginx.ingress.kubernetes.io/';
const METHODS = 'GET, PUT, POST, DELETE, PATCH, OPTIONS';
const HEADERS =
  'DNT, Keep-Alive, User-Agent, X-Requested-With, If-Modified-Since, Cache-Control, Content-Type, Range, Authorization';
/** "s3cret" as `openssl passwd -6` writes it. */
const HASH =
  '$6$pepper$3bB4coFUHuAiGWfmL5mMzIauhrqm.atVnBli6RlAM42CD8ZVtnfehNntWcM0B2SQDMuCExFdqT84oZk9oEOAv/';

describe('ingress-nginx CORS', () => {
  let controller: TestController;
  let pods: Pods;

  const options = (host: string, headers: Record<string, string> = {}): Promise<HttpReply> =>
    httpGet(controller.ports.http, '/', { host, ...headers }, 5_000, { method: 'OPTIONS' });

  before(async () => {
    pods = await startPods('web', 1);
    controller = await TestController.create({
      'web.yaml': [
        ...onePodService('web', pods),
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'users', namespace: 'default' },
          stringData: { auth: `alice:${HASH}\n` },
        },
      ],
    });
    await controller.start();
    await controller.write('ingresses.yaml', [
      hostRoute('any', { [`${N}enable-cors`]: 'true', [`${N}cors-expose-headers`]: 'X-Total, X-Page' }),
      hostRoute('list', {
        [`${N}enable-cors`]: 'true',
        [`${N}cors-allow-origin`]: 'https://a.example, https://b.example:8443',
        [`${N}cors-allow-credentials`]: 'false',
      }),
      hostRoute('wild', { [`${N}enable-cors`]: 'true', [`${N}cors-allow-origin`]: 'https://*.example.com' }),
      hostRoute('locked', {
        [`${N}enable-cors`]: 'true',
        [`${N}auth-type`]: 'basic',
        [`${N}auth-secret`]: 'users',
      }),
    ]);
    await eventually(async () => assert.equal((await options('locked.example')).status, 204), 15_000);
  });

  after(async () => {
    await controller?.cleanup();
    await pods?.stop();
  });

  it("every OPTIONS request gets 204 from HAProxy with nginx's defaults", async () => {
    const reply = await options('any.example');
    assert.equal(reply.status, 204);
    assert.equal(reply.pod, undefined, 'the pod never sees it');
    assert.equal(reply.headers['access-control-allow-origin'], '*');
    assert.equal(reply.headers['access-control-allow-methods'], METHODS);
    assert.equal(reply.headers['access-control-allow-headers'], HEADERS);
    assert.equal(reply.headers['access-control-max-age'], '1728000');
    assert.equal(reply.headers['access-control-allow-credentials'], 'true');
    const preflight = await options('any.example', {
      origin: 'https://x.example',
      'access-control-request-method': 'PUT',
    });
    assert.equal(preflight.status, 204);
  });

  it('other requests reach the pod and carry the headers, exposed headers included', async () => {
    const reply = await controller.get('any.example', '/', { origin: 'https://x.example' });
    assert.equal(reply.pod, 'web-1');
    assert.equal(reply.headers['access-control-allow-origin'], '*');
    assert.equal(reply.headers['access-control-allow-methods'], METHODS);
    assert.equal(reply.headers['access-control-expose-headers'], 'X-Total, X-Page');
  });

  it('a listed origin is echoed back; origins compare exactly, port included', async () => {
    const a = await controller.get('list.example', '/', { origin: 'https://a.example' });
    assert.equal(a.headers['access-control-allow-origin'], 'https://a.example');
    assert.equal(a.headers['access-control-allow-credentials'], undefined);
    const b = await options('list.example', { origin: 'https://b.example:8443' });
    assert.equal(b.status, 204);
    assert.equal(b.headers['access-control-allow-origin'], 'https://b.example:8443');
    for (const origin of [
      'https://b.example',
      'https://a.example:443',
      'https://a.example.evil',
      'http://a.example',
    ]) {
      const reply = await controller.get('list.example', '/', { origin });
      assert.equal(reply.pod, 'web-1');
      assert.equal(reply.headers['access-control-allow-origin'], undefined, origin);
    }
  });

  it('*. in an origin matches exactly one label', async () => {
    const one = await controller.get('wild.example', '/', { origin: 'https://app.example.com' });
    assert.equal(one.headers['access-control-allow-origin'], 'https://app.example.com');
    for (const origin of ['https://a.b.example.com', 'https://example.com', 'https://app.example.com.evil']) {
      const reply = await controller.get('wild.example', '/', { origin });
      assert.equal(reply.headers['access-control-allow-origin'], undefined, origin);
    }
  });

  it('a 401 of basic auth carries the CORS headers; preflights need no credentials', async () => {
    const denied = await controller.get('locked.example', '/', { origin: 'https://x.example' });
    assert.equal(denied.status, 401);
    assert.equal(denied.headers['access-control-allow-origin'], '*');
    assert.equal(denied.headers['access-control-allow-credentials'], 'true');
    assert.equal((await options('locked.example')).status, 204);
    const authorization = `Basic ${Buffer.from('alice:s3cret').toString('base64')}`;
    assert.equal((await controller.get('locked.example', '/', { authorization })).pod, 'web-1');
  });
});
