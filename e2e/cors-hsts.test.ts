/**
 * CORS and HSTS through the real HAProxy: preflights answered by HAProxy
 * itself (the pod never sees them), CORS headers on real responses, origins
 * echoed only when allowed, and Strict-Transport-Security on HTTPS only.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestController } from './harness/controller.ts';
import { type HttpReply, httpGet } from './harness/http.ts';
import { hostRoute, onePodService } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { eventually } from './harness/wait.ts';

describe('CORS and HSTS keys', () => {
  let controller: TestController;
  let pods: Pods;

  const route = hostRoute;

  const request = (method: string, host: string, headers: Record<string, string> = {}): Promise<HttpReply> =>
    httpGet(controller.ports.http, '/', { host, ...headers }, 5_000, { method });

  const preflight = (host: string, origin: string) =>
    request('OPTIONS', host, { origin, 'access-control-request-method': 'PUT' });

  before(async () => {
    pods = await startPods('web', 1);
    controller = await TestController.create({
      'web.yaml': [...onePodService('web', pods)],
      'ingresses.yaml': [
        route('plain', {}),
        route('cors', { 'haproxy.org/cors-enable': 'true' }),
        route('corslist', {
          'haproxy.org/cors-enable': 'true',
          'haproxy.org/cors-allow-origin': 'https://app.example, http://localhost:3000',
          'haproxy.org/cors-allow-methods': 'GET, PUT',
          'haproxy.org/cors-allow-headers': 'Authorization,X-Requested-With',
          'haproxy.org/cors-allow-credentials': 'true',
          'haproxy.org/cors-max-age': '1h',
        }),
        // The reference controller's regex form.
        route('corsregex', {
          'haproxy.org/cors-enable': 'true',
          'haproxy.org/cors-allow-origin': '^https://(.+\\.)?(example-1\\.com|example-2\\.com)(:\\d{1,5})?$',
        }),
        route('corsauth', {
          'haproxy.org/cors-enable': 'true',
          'haproxy.org/auth-type': 'basic-auth',
          'haproxy.org/auth-secret': 'nobody',
        }),
        route('hsts', { 'haproxy.org/hsts': 'true' }),
        route('hstsfull', {
          'haproxy.org/hsts': 'true',
          'haproxy.org/hsts-max-age': '600',
          'haproxy.org/hsts-include-subdomains': 'true',
          'haproxy.org/hsts-preload': 'true',
        }),
      ],
    });
    await controller.start();
    await eventually(async () => assert.equal((await request('GET', 'hsts.example')).pod, 'web-1'));
  });

  after(async () => {
    await controller?.cleanup();
    await pods?.stop();
  });

  it('cors-enable: a preflight gets 204 from HAProxy with the default headers; the pod never sees it', async () => {
    const reply = await preflight('cors.example', 'https://anywhere.example');
    assert.equal(reply.status, 204);
    assert.equal(reply.pod, undefined, 'answered by HAProxy');
    assert.equal(reply.headers['access-control-allow-origin'], '*');
    assert.equal(reply.headers['access-control-allow-methods'], '*');
    assert.equal(reply.headers['access-control-allow-headers'], '*');
    assert.equal(reply.headers['access-control-max-age'], '5');
    assert.equal(reply.headers['access-control-allow-credentials'], undefined);
  });

  it('cors-enable: real requests reach the pod and carry Access-Control-Allow-Origin', async () => {
    const reply = await request('GET', 'cors.example', { origin: 'https://anywhere.example' });
    assert.equal(reply.pod, 'web-1');
    assert.equal(reply.headers['access-control-allow-origin'], '*');
    // A plain OPTIONS (no Access-Control-Request-Method) is not a preflight: the pod answers.
    assert.equal((await request('OPTIONS', 'cors.example')).pod, 'web-1');
    // Without cors-enable nothing changes.
    const plain = await preflight('plain.example', 'https://anywhere.example');
    assert.equal(plain.pod, 'web-1');
    assert.equal(plain.headers['access-control-allow-origin'], undefined);
  });

  it('cors-allow-origin list, methods, headers, credentials and max-age', async () => {
    const reply = await preflight('corslist.example', 'https://app.example');
    assert.equal(reply.status, 204);
    assert.equal(reply.headers['access-control-allow-origin'], 'https://app.example');
    assert.equal(reply.headers['access-control-allow-methods'], 'GET, PUT');
    assert.equal(reply.headers['access-control-allow-headers'], 'Authorization, X-Requested-With');
    assert.equal(reply.headers['access-control-allow-credentials'], 'true');
    assert.equal(reply.headers['access-control-max-age'], '3600');
    assert.equal(reply.headers.vary, 'Origin');

    const local = await request('GET', 'corslist.example', { origin: 'http://localhost:3000' });
    assert.equal(local.pod, 'web-1');
    assert.equal(local.headers['access-control-allow-origin'], 'http://localhost:3000');
    assert.equal(local.headers['access-control-allow-credentials'], 'true');
  });

  it('an origin not in the list gets no CORS grant', async () => {
    const reply = await preflight('corslist.example', 'https://evil.example');
    assert.equal(reply.status, 204);
    assert.equal(reply.pod, undefined);
    assert.equal(reply.headers['access-control-allow-origin'], undefined);
    const get = await request('GET', 'corslist.example', { origin: 'https://evil.example' });
    assert.equal(get.pod, 'web-1');
    assert.equal(get.headers['access-control-allow-origin'], undefined);
    assert.equal(get.headers['access-control-allow-credentials'], undefined);
  });

  it('cors-allow-origin as a regular expression: matching origins are echoed, others get no grant', async () => {
    for (const origin of ['https://example-1.com', 'https://api.example-2.com:8443']) {
      const reply = await preflight('corsregex.example', origin);
      assert.equal(reply.status, 204);
      assert.equal(reply.headers['access-control-allow-origin'], origin);
      const get = await request('GET', 'corsregex.example', { origin });
      assert.equal(get.pod, 'web-1');
      assert.equal(get.headers['access-control-allow-origin'], origin);
    }
    for (const origin of [
      'https://example-1.com.evil.example',
      'http://example-1.com',
      'https://example-3.com',
    ]) {
      const reply = await preflight('corsregex.example', origin);
      assert.equal(reply.headers['access-control-allow-origin'], undefined, origin);
    }
  });

  it('preflights are answered before basic auth; real requests still need credentials', async () => {
    assert.equal((await preflight('corsauth.example', 'https://app.example')).status, 204);
    assert.equal((await request('GET', 'corsauth.example')).status, 401);
  });

  it('hsts: Strict-Transport-Security on HTTPS responses, never over plain HTTP', async () => {
    const https = await controller.getTls('hsts.example', '/');
    assert.equal(https.pod, 'web-1');
    assert.equal(https.headers['strict-transport-security'], 'max-age=31536000');
    const http = await request('GET', 'hsts.example');
    assert.equal(http.pod, 'web-1');
    assert.equal(http.headers['strict-transport-security'], undefined);
    const plain = await controller.getTls('plain.example', '/');
    assert.equal(plain.headers['strict-transport-security'], undefined);
  });

  it('hsts-max-age, hsts-include-subdomains and hsts-preload', async () => {
    const reply = await controller.getTls('hstsfull.example', '/');
    assert.equal(reply.headers['strict-transport-security'], 'max-age=600; includeSubDomains; preload');
  });
});
