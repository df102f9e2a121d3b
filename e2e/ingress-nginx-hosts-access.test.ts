/**
 * ingress-nginx's server-alias, satisfy and proxy-redirect-from/-to through
 * the real HAProxy: an alias serves the Ingress's paths unless a rule names
 * it; satisfy any lets a listed address in without credentials and others in
 * with them; a Location of the pod that starts with proxy-redirect-from gets
 * proxy-redirect-to.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestController } from './harness/controller.ts';
import { httpGet } from './harness/http.ts';
import { endpointSlice, hostRoute, ingress, service } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { eventually } from './harness/wait.ts';

const N = 'nginx.ingress.kubernetes.io/';
/** "s3cret" as `openssl passwd -6` writes it. */
const HASH =
  '$6$pepper$3bB4coFUHuAiGWfmL5mMzIauhrqm.atVnBli6RlAM42CD8ZVtnfehNntWcM0B2SQDMuCExFdqT84oZk9oEOAv/';
const CREDENTIALS = { authorization: `Basic ${Buffer.from('alice:s3cret').toString('base64')}` };

describe('ingress-nginx server-alias, satisfy, proxy-redirect', () => {
  let controller: TestController;
  let web: Pods;
  let other: Pods;

  const from = (host: string, localAddress: string, headers: Record<string, string> = {}) =>
    httpGet(controller.ports.http, '/', { host, ...headers }, 5_000, { localAddress }).then((r) => r.status);

  before(async () => {
    web = await startPods('web', 1);
    other = await startPods('other', 1);
    const auth = { [`${N}auth-type`]: 'basic', [`${N}auth-secret`]: 'users' };
    controller = await TestController.create({
      'services.yaml': [
        service('web', [{ port: 80 }]),
        endpointSlice('web', { port: web.port }, [{ address: web.addresses[0] as string, name: 'web-1' }]),
        service('other', [{ port: 80 }]),
        endpointSlice('other', { port: other.port }, [
          { address: other.addresses[0] as string, name: 'other-1' },
        ]),
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
      ingress(
        'site',
        { rules: [{ host: 'site.example', paths: [{ path: '/app', service: 'web', port: 80 }] }] },
        { annotations: { [`${N}server-alias`]: 'alias.example, taken.example' } },
      ),
      hostRoute('taken', {}, 'other'),
      hostRoute('any', { [`${N}satisfy`]: 'any', [`${N}whitelist-source-range`]: '127.0.0.9', ...auth }),
      hostRoute('all', { [`${N}whitelist-source-range`]: '127.0.0.9', ...auth }),
      hostRoute('moved', {
        [`${N}proxy-redirect-from`]: 'http://internal.example/',
        [`${N}proxy-redirect-to`]: 'https://moved.example/shop/',
      }),
    ]);
    await eventually(
      async () => assert.equal((await controller.get('alias.example', '/app')).pod, 'web-1'),
      15_000,
    );
  });

  after(async () => {
    await controller?.cleanup();
    await web?.stop();
    await other?.stop();
  });

  it('server-alias serves the paths of the Ingress on another name', async () => {
    assert.equal((await controller.get('alias.example', '/app/x')).pod, 'web-1');
    assert.equal((await controller.get('alias.example', '/other')).status, 404, "only the Ingress's paths");
  });

  it('an alias that a rule names keeps its own routes, and is reported', async () => {
    assert.equal((await controller.get('taken.example', '/app')).pod, 'other-1');
    assert.match(
      await controller.log(),
      /Ingress default\/site server-alias: alias taken\.example is a host of its own/,
    );
  });

  it('satisfy any: a listed address needs no credentials, others need them', async () => {
    assert.equal(await from('any.example', '127.0.0.9'), 200);
    assert.equal(await from('any.example', '127.0.0.1'), 401);
    assert.equal(await from('any.example', '127.0.0.1', CREDENTIALS), 200);
  });

  it('satisfy all (the default): both the address and the credentials', async () => {
    assert.equal(await from('all.example', '127.0.0.9'), 401);
    assert.equal(await from('all.example', '127.0.0.1', CREDENTIALS), 403);
    assert.equal(await from('all.example', '127.0.0.9', CREDENTIALS), 200);
  });

  it('proxy-redirect-from/-to rewrite the start of a Location of the pod', async () => {
    const reply = await controller.get('moved.example', '/', {
      'X-Echo-Set-Header': 'Location:http://internal.example/cart?id=1',
    });
    assert.equal(reply.pod, 'web-1');
    assert.equal(reply.headers.location, 'https://moved.example/shop/cart?id=1');
    const untouched = await controller.get('moved.example', '/', {
      'X-Echo-Set-Header': 'Location:http://elsewhere/',
    });
    assert.equal(untouched.headers.location, 'http://elsewhere/');
  });
});
