/**
 * ingress-nginx's custom-http-errors and default-backend through the real
 * HAProxy: a pod's answer with a listed status is replaced by the error
 * Service's page, which was asked with X-Code, X-Original-URI,
 * X-Service-Name and the rest; other statuses pass; a route without pods
 * gets the error page with X-Code 503; disable-proxy-intercept-errors lets
 * every answer through.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { TestController } from './harness/controller.ts';
import { podSubnet } from './harness/net.ts';
import { endpointSlice, hostRoute, service } from './harness/objects.ts';
import { eventually } from './harness/wait.ts';

const N = 'nginx.ingress.kubernetes.io/';

async function listen(server: Server, address: string): Promise<number> {
  const port = 20_000 + Math.floor(Math.random() * 30_000);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, resolve);
  });
  return port;
}

describe('ingress-nginx custom-http-errors and default-backend', () => {
  let controller: TestController;
  const servers: Server[] = [];
  const asked: { path: string; headers: IncomingHttpHeaders }[] = [];

  before(async () => {
    const subnet = podSubnet();
    // The pod: the status it is asked for in the path, /status/404.
    const app = createServer((req, res) => {
      const status = Number(/^\/status\/(\d{3})/.exec(req.url ?? '')?.[1] ?? 200);
      res.writeHead(status, { 'content-type': 'text/plain', 'x-pod': 'app-1' });
      res.end(`app says ${status}\n`);
    });
    // The error Service: a page naming the code it was asked for, with a status of its own.
    const errors = createServer((req, res) => {
      asked.push({ path: req.url ?? '', headers: req.headers });
      res.writeHead(Number(req.headers['x-code']) === 503 ? 503 : 418, { 'content-type': 'text/html' });
      res.end(`<h1>custom ${req.headers['x-code']}</h1>`);
    });
    servers.push(app, errors);
    const appPort = await listen(app, `${subnet}.1`);
    const errorsPort = await listen(errors, `${subnet}.2`);
    controller = await TestController.create({
      'services.yaml': [
        service('app', [{ port: 80 }]),
        endpointSlice('app', { port: appPort }, [{ address: `${subnet}.1`, name: 'app-1' }]),
        service('errors', [{ port: 80 }]),
        endpointSlice('errors', { port: errorsPort }, [{ address: `${subnet}.2`, name: 'errors-1' }]),
        service('empty', [{ port: 80 }]),
      ],
    });
    await controller.start();
    const pages = { [`${N}default-backend`]: 'errors', [`${N}custom-http-errors`]: '404,503' };
    await controller.write('ingresses.yaml', [
      hostRoute('shop', pages, 'app'),
      hostRoute('nopods', pages, 'empty'),
      hostRoute('through', { ...pages, [`${N}disable-proxy-intercept-errors`]: 'true' }, 'app'),
    ]);
    await eventually(
      async () => assert.equal((await controller.get('shop.example', '/status/404')).status, 418),
      15_000,
    );
  });

  after(async () => {
    await controller?.cleanup();
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  });

  it('a listed status of the pod is answered by the error Service, told what happened', async () => {
    asked.length = 0;
    const reply = await controller.get('shop.example', '/status/404?x=1', { accept: 'text/html' });
    assert.equal(reply.status, 418);
    assert.equal(reply.body, '<h1>custom 404</h1>');
    assert.equal(reply.headers['content-type'], 'text/html');
    const request = asked.at(-1);
    assert.equal(request?.path, '/');
    assert.equal(request?.headers['x-code'], '404');
    assert.equal(request?.headers['x-original-uri'], '/status/404?x=1');
    assert.equal(request?.headers['x-format'], 'text/html');
    assert.equal(request?.headers['x-namespace'], 'default');
    assert.equal(request?.headers['x-ingress-name'], 'shop');
    assert.equal(request?.headers['x-service-name'], 'app');
    assert.equal(request?.headers['x-service-port'], '80');
    assert.equal(request?.headers.host, 'shop.example');
  });

  it('other statuses, and successes, pass as the pod sent them', async () => {
    const teapot = await controller.get('shop.example', '/status/500');
    assert.deepEqual([teapot.status, teapot.body, teapot.pod], [500, 'app says 500\n', 'app-1']);
    assert.equal((await controller.get('shop.example', '/')).body, 'app says 200\n');
  });

  it('a route without pods gets the error page with X-Code 503', async () => {
    asked.length = 0;
    const reply = await controller.get('nopods.example', '/a');
    assert.deepEqual([reply.status, reply.body], [503, '<h1>custom 503</h1>']);
    assert.equal(asked.at(-1)?.headers['x-service-name'], 'empty');
  });

  it('disable-proxy-intercept-errors lets every answer through', async () => {
    const reply = await controller.get('through.example', '/status/404');
    assert.deepEqual([reply.status, reply.body], [404, 'app says 404\n']);
  });
});
