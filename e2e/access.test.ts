/**
 * Access keys through the real HAProxy, with clients on distinct loopback
 * source addresses: allow-list / deny-list (and their old names), rate limits
 * (status, period, exempt addresses) and basic auth from an Opaque Secret of
 * crypt(3) hashes, failing closed when the Secret is missing.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { TestController } from './harness/controller.ts';
import { type HttpReply, httpGet } from './harness/http.ts';
import { hostRoute, onePodService } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { eventually } from './harness/wait.ts';

const crypt = (algorithm: '-1' | '-6', password: string): string =>
  execFileSync('openssl', ['passwd', algorithm, password], { encoding: 'utf8' }).trim();

const basic = (user: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

describe('access keys', () => {
  let controller: TestController;
  let pods: Pods;

  const route = hostRoute;

  /** A request from `source` (a 127.x.y.z address) to `host`. */
  const from = (source: string, host: string, headers: Record<string, string> = {}): Promise<HttpReply> =>
    httpGet(controller.ports.http, '/', { host, ...headers }, 5_000, { localAddress: source });

  before(async () => {
    pods = await startPods('web', 1);
    controller = await TestController.create({
      'web.yaml': [
        ...onePodService('web', pods),
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'users', namespace: 'default' },
          type: 'Opaque',
          data: {
            alice: Buffer.from(crypt('-6', 'wonderland')).toString('base64'),
            bob: Buffer.from(`${crypt('-1', 'builder')}\n`).toString('base64'),
          },
        },
      ],
      'ingresses.yaml': [
        route('allow', { 'haproxy.org/allow-list': '127.0.0.5/32, 127.0.1.0/24 ::1' }),
        route('whitelisted', { 'haproxy.org/whitelist': '127.0.0.5' }),
        route('deny', { 'haproxy.org/deny-list': '127.0.0.6 fd00::/8' }),
        route('blacklisted', { 'haproxy.com/blacklist': '127.0.2.0/24' }),
        route('limited', {
          'haproxy.org/rate-limit-requests': '3',
          'haproxy.org/rate-limit-period': '1m',
          'haproxy.org/rate-limit-status-code': '429',
          'haproxy.org/rate-limit-whitelist': '127.0.0.9',
        }),
        route('limited403', {
          'haproxy.org/rate-limit-requests': '2',
          'haproxy.org/rate-limit-period': '1m',
        }),
        route('shortperiod', {
          'haproxy.org/rate-limit-requests': '1',
          'haproxy.org/rate-limit-period': '300ms',
          'haproxy.org/rate-limit-size': '10k',
        }),
        route('auth', {
          'haproxy.org/auth-type': 'basic-auth',
          'haproxy.org/auth-secret': 'users',
          'haproxy.org/auth-realm': 'Staff only',
        }),
        route('authns', {
          'haproxy.org/auth-type': 'basic-auth',
          'haproxy.org/auth-secret': 'default/users',
        }),
        route('nosecret', { 'haproxy.org/auth-type': 'basic-auth', 'haproxy.org/auth-secret': 'missing' }),
      ],
    });
    await controller.start();
    await eventually(async () => assert.equal((await from('127.0.0.1', 'deny.example')).status, 200));
  });

  after(async () => {
    await controller?.cleanup();
    await pods?.stop();
  });

  it('allow-list / whitelist: listed addresses and blocks are served, others get 403', async () => {
    assert.equal((await from('127.0.0.5', 'allow.example')).pod, 'web-1');
    assert.equal((await from('127.0.1.77', 'allow.example')).pod, 'web-1');
    assert.equal((await from('127.0.0.1', 'allow.example')).status, 403);
    assert.equal((await from('127.0.2.1', 'allow.example')).status, 403);
    assert.equal((await from('127.0.0.5', 'whitelisted.example')).pod, 'web-1');
    assert.equal((await from('127.0.0.4', 'whitelisted.example')).status, 403);
  });

  it('deny-list / blacklist: listed addresses and blocks get 403, others are served', async () => {
    assert.equal((await from('127.0.0.6', 'deny.example')).status, 403);
    assert.equal((await from('127.0.0.7', 'deny.example')).pod, 'web-1');
    assert.equal((await from('127.0.2.200', 'blacklisted.example')).status, 403);
    assert.equal((await from('127.0.3.1', 'blacklisted.example')).pod, 'web-1');
  });

  it('rate-limit-requests: the request over the limit gets rate-limit-status-code, per client', async () => {
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await from('127.0.4.1', 'limited.example')).status);
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
    // Another client has its own count.
    assert.equal((await from('127.0.4.2', 'limited.example')).status, 200);
  });

  it('rate-limit-whitelist: exempt clients are never limited', async () => {
    for (let i = 0; i < 8; i++) assert.equal((await from('127.0.0.9', 'limited.example')).status, 200);
  });

  it('rate-limit-status-code defaults to 403', async () => {
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await from('127.0.4.3', 'limited403.example')).status);
    assert.deepEqual(statuses, [200, 200, 403]);
  });

  it('rate-limit-period: the count starts over once the period has passed', async () => {
    assert.equal((await from('127.0.4.4', 'shortperiod.example')).status, 200);
    assert.equal((await from('127.0.4.4', 'shortperiod.example')).status, 403);
    await eventually(
      async () => assert.equal((await from('127.0.4.4', 'shortperiod.example')).status, 200),
      3_000,
      200,
    );
  });

  it('basic auth: 401 with the realm, then 200 with a right password (SHA-512 and MD5 crypt)', async () => {
    const anonymous = await from('127.0.0.1', 'auth.example');
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.headers['www-authenticate'], 'Basic realm="Staff only"');
    assert.equal(anonymous.pod, undefined);
    assert.equal((await from('127.0.0.1', 'auth.example', basic('alice', 'wrong'))).status, 401);
    assert.equal((await from('127.0.0.1', 'auth.example', basic('mallory', 'wonderland'))).status, 401);
    assert.equal((await from('127.0.0.1', 'auth.example', basic('alice', 'wonderland'))).pod, 'web-1');
    assert.equal((await from('127.0.0.1', 'auth.example', basic('bob', 'builder'))).pod, 'web-1');
    const other = await from('127.0.0.1', 'authns.example', basic('alice', 'wonderland'));
    assert.equal(other.pod, 'web-1', 'namespace/name reference');
    assert.equal(
      (await from('127.0.0.1', 'authns.example')).headers['www-authenticate'],
      'Basic realm="Protected Content"',
    );
  });

  it('basic auth fails closed: a missing Secret means 401 for everyone, reported with object and key', async () => {
    assert.equal((await from('127.0.0.1', 'nosecret.example', basic('alice', 'wonderland'))).status, 401);
    assert.match(
      await controller.log(),
      /Ingress default\/nosecret haproxy.org\/auth-secret: Secret default\/missing not found; every request gets 401/,
    );
    // Once the Secret exists, its users get in.
    await controller.write('missing.yaml', [
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'missing', namespace: 'default' },
        stringData: { carol: crypt('-6', 'singer') },
      },
    ]);
    await eventually(
      async () =>
        assert.equal((await from('127.0.0.1', 'nosecret.example', basic('carol', 'singer'))).pod, 'web-1'),
      10_000,
      50,
    );
    assert.equal((await from('127.0.0.1', 'nosecret.example', basic('alice', 'wonderland'))).status, 401);
  });
});
