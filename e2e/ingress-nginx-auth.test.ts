/**
 * ingress-nginx's basic auth through the real HAProxy: an htpasswd file
 * under the key `auth` (auth-file) with $apr1$ and bcrypt hashes, one key
 * per user (auth-map), the realm, 503 while the Secret is missing (401 in
 * our own dialect), and the cache of verified credentials: a wrong password
 * after a right one is still refused, and a changed password takes effect.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestController } from './harness/controller.ts';
import { hostRoute, onePodService } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { eventually } from './harness/wait.ts';

const N = 'nginx.ingress.kubernetes.io/';

/** "s3cret" as `htpasswd -m` (Apache MD5) and `htpasswd -B -C 10` (bcrypt cost 10) write it. */
const APR1 = '$apr1$saltsalt$64vPg1.FPS6FtcYJ7Ti1V.';
const BCRYPT = '$2y$10$dXbvdaVMhVlsdKkUNe3XAe34irYKw6PvHoh.v0jQaNVoTQXJH0DI6';
/** "other" as `openssl passwd -6` writes it. */
const SHA512 =
  '$6$pepper$qb228YLrOXmyCkbHqrQR3pXtraIS6qHgix02JecMo9ygf3c3fc4cTEEY6y/KcTwCr.pEJZo.O6VbPAuAvQRYt1';

const secret = (name: string, data: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: 'default' },
  type: 'Opaque',
  stringData: data,
});

const basic = (user: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

describe('ingress-nginx basic auth', () => {
  let controller: TestController;
  let pods: Pods;

  before(async () => {
    pods = await startPods('web', 1);
    controller = await TestController.create({
      'web.yaml': onePodService('web', pods),
      'secrets.yaml': [
        secret('htpasswd', { auth: `alice:${APR1}\nbob:${BCRYPT}\n` }),
        secret('map', { carol: SHA512 }),
      ],
    });
    await controller.start();
    await controller.write('ingresses.yaml', [
      hostRoute('file', {
        [`${N}auth-type`]: 'basic',
        [`${N}auth-secret`]: 'htpasswd',
        [`${N}auth-realm`]: 'Staff only',
      }),
      hostRoute('map', {
        [`${N}auth-type`]: 'basic',
        [`${N}auth-secret`]: 'map',
        [`${N}auth-secret-type`]: 'auth-map',
      }),
      hostRoute('missing', { [`${N}auth-type`]: 'basic', [`${N}auth-secret`]: 'nowhere' }),
      hostRoute('ours', { 'haproxy.org/auth-type': 'basic-auth', 'haproxy.org/auth-secret': 'nowhere' }),
    ]);
    await eventually(
      async () => assert.equal((await controller.get('file.example', '/')).status, 401),
      15_000,
    );
  });

  after(async () => {
    await controller?.cleanup();
    await pods?.stop();
  });

  it('asks for credentials with the realm; $apr1$ and bcrypt users of an htpasswd file get in', async () => {
    const none = await controller.get('file.example', '/');
    assert.equal(none.status, 401);
    assert.equal(none.headers['www-authenticate'], 'Basic realm="Staff only"');
    assert.equal((await controller.get('file.example', '/', basic('alice', 's3cret'))).pod, 'web-1');
    assert.equal((await controller.get('file.example', '/', basic('bob', 's3cret'))).pod, 'web-1');
    assert.equal((await controller.get('file.example', '/', basic('alice', 'wrong'))).status, 401);
    assert.equal((await controller.get('file.example', '/', basic('nobody', 's3cret'))).status, 401);
  });

  it('a wrong password after a right one is still refused; the right one keeps working', async () => {
    for (let i = 0; i < 3; i++) {
      assert.equal((await controller.get('file.example', '/', basic('bob', 's3cret'))).status, 200);
      assert.equal((await controller.get('file.example', '/', basic('bob', 's3cret!'))).status, 401);
      assert.equal((await controller.get('file.example', '/', basic('alice', 'S3cret'))).status, 401);
    }
  });

  it('auth-map: one key per user', async () => {
    assert.equal((await controller.get('map.example', '/', basic('carol', 'other'))).pod, 'web-1');
    assert.equal((await controller.get('map.example', '/', basic('carol', 's3cret'))).status, 401);
  });

  it('a missing Secret gives 503 in the ingress-nginx dialect, 401 in ours', async () => {
    assert.equal((await controller.get('missing.example', '/', basic('bob', 's3cret'))).status, 503);
    assert.equal((await controller.get('ours.example', '/', basic('bob', 's3cret'))).status, 401);
    const log = await controller.log();
    assert.ok(log.includes(`Ingress default/missing ${N}auth-secret: Secret default/nowhere not found`));
  });

  it('a changed password takes effect: the remembered one no longer gets in', async () => {
    assert.equal((await controller.get('file.example', '/', basic('bob', 's3cret'))).status, 200);
    await controller.write('secrets.yaml', [
      secret('htpasswd', { auth: `alice:${APR1}\nbob:${SHA512}\n` }),
      secret('map', { carol: SHA512 }),
    ]);
    await eventually(async () =>
      assert.equal((await controller.get('file.example', '/', basic('bob', 's3cret'))).status, 401),
    );
    assert.equal((await controller.get('file.example', '/', basic('bob', 'other'))).pod, 'web-1');
    assert.equal((await controller.get('file.example', '/', basic('alice', 's3cret'))).pod, 'web-1');
  });
});
