/**
 * ingress-nginx's auth-url through the real HAProxy: a 2xx of the auth
 * service lets a request through, 401 and 403 are passed on, an unreachable
 * auth service gives 500; the auth request carries X-Original-URL and
 * X-Original-Method and the client's headers; auth-response-headers reach the
 * pod; auth-signin redirects a 401 with ?rd=; the auth service's Set-Cookie
 * goes back to the client.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { TestController } from './harness/controller.ts';
import type { HttpReply } from './harness/http.ts';
import { freePort } from './harness/net.ts';
import { hostRoute, onePodService } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { eventually } from './harness/wait.ts';

const N = 'nginx.ingress.kubernetes.io/';

/** The auth service: the bearer token decides; what it was asked comes back as headers for the pod. */
function authService(seen: IncomingMessage[]): Server {
  return createServer((req, res) => {
    seen.push(req);
    const token = req.headers.authorization;
    if (token === 'Bearer good') {
      res.writeHead(200, {
        'X-Auth-User': 'alice',
        'X-Seen-Url': String(req.headers['x-original-url']),
        'X-Seen-Method': String(req.headers['x-original-method']),
        'Set-Cookie': 'session=abc; Path=/',
      });
    } else if (token === 'Bearer forbidden') res.writeHead(403);
    else res.writeHead(401, { 'WWW-Authenticate': 'Bearer realm="auth"' });
    res.end();
  });
}

const echoed = (reply: HttpReply) => {
  assert.equal(reply.status, 200, `expected the pod, got ${reply.status}`);
  return JSON.parse(reply.body) as { path: string; headers: Record<string, string> };
};

describe('ingress-nginx auth-url', () => {
  let controller: TestController;
  let pods: Pods;
  let auth: Server;
  let authPort: number;
  let closedPort: number;
  const seen: IncomingMessage[] = [];

  before(async () => {
    pods = await startPods('web', 1);
    authPort = await freePort();
    closedPort = await freePort();
    auth = authService(seen);
    await new Promise<void>((resolve) => auth.listen(authPort, '127.0.0.1', resolve));
    const verify = `http://127.0.0.1:${authPort}/verify`;
    controller = await TestController.create({ 'web.yaml': onePodService('web', pods) });
    await controller.start();
    await controller.write('ingresses.yaml', [
      hostRoute('guarded', {
        [`${N}auth-url`]: verify,
        [`${N}auth-response-headers`]: 'X-Auth-User, X-Seen-Url, X-Seen-Method',
      }),
      hostRoute('signin', {
        [`${N}auth-url`]: verify,
        [`${N}auth-signin`]: 'http://$host/auth/start',
      }),
      hostRoute('down', { [`${N}auth-url`]: `http://127.0.0.1:${closedPort}/verify` }),
    ]);
    await eventually(
      async () => assert.equal((await controller.get('guarded.example', '/')).status, 401),
      15_000,
    );
  });

  after(async () => {
    await controller?.cleanup();
    await pods?.stop();
    auth?.closeAllConnections();
    await new Promise((r) => auth?.close(r));
  });

  it('a 2xx lets the request through, with the named headers of the auth answer', async () => {
    const reply = await controller.get('guarded.example', '/orders?id=7', { authorization: 'Bearer good' });
    const echo = echoed(reply);
    assert.equal(echo.path, '/orders?id=7');
    assert.equal(echo.headers['x-auth-user'], 'alice');
    assert.equal(echo.headers['x-seen-url'], 'http://guarded.example/orders?id=7');
    assert.equal(echo.headers['x-seen-method'], 'GET');
    assert.equal(reply.headers['set-cookie']?.[0], 'session=abc; Path=/');
  });

  it('the auth request carries the client headers and X-Original-Method, not the body', async () => {
    seen.length = 0;
    await controller.get('guarded.example', '/a', { authorization: 'Bearer good', 'x-trace': 't1' });
    const asked = seen.at(-1);
    assert.equal(asked?.url, '/verify');
    assert.equal(asked?.headers['x-trace'], 't1');
    assert.equal(asked?.headers['x-original-method'], 'GET');
    assert.equal(asked?.headers['x-original-url'], 'http://guarded.example/a');
  });

  it('401 and 403 are passed on, with the WWW-Authenticate of the auth service', async () => {
    const none = await controller.get('guarded.example', '/');
    assert.equal(none.status, 401);
    assert.equal(none.headers['www-authenticate'], 'Bearer realm="auth"');
    assert.equal(none.pod, undefined);
    assert.equal(
      (await controller.get('guarded.example', '/', { authorization: 'Bearer forbidden' })).status,
      403,
    );
  });

  it('auth-signin sends a 401 to the sign-in URL with ?rd= and the URL of the request', async () => {
    const reply = await controller.get('signin.example', '/?a=b&c=d');
    assert.equal(reply.status, 302);
    assert.equal(
      reply.headers.location,
      `http://signin.example/auth/start?rd=http://signin.example${encodeURIComponent('/?a=b&c=d')}`,
    );
    assert.equal(
      (await controller.get('signin.example', '/', { authorization: 'Bearer good' })).pod,
      'web-1',
    );
  });

  it('an unreachable auth service gives 500', async () => {
    assert.equal((await controller.get('down.example', '/', { authorization: 'Bearer good' })).status, 500);
  });
});
