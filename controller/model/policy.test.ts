/**
 * Request policy in the model: defaults, precedence, backend variants per
 * resolved settings, ssl-redirect from TLS hosts, auth Secrets (fail closed)
 * and bad values reported with object and key.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { refLabel } from '../store/problems.ts';
import { modelOf } from './model-fixtures.ts';
import type { DesiredState } from './types.ts';

const build = modelOf;

const service = (name: string, annotations: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default', annotations },
  spec: { ports: [{ port: 80 }] },
});

const slice = (name: string, address: string) => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: `${name}-1`, namespace: 'default', labels: { 'kubernetes.io/service-name': name } },
  addressType: 'IPv4',
  ports: [{ port: 8080 }],
  endpoints: [{ addresses: [address], conditions: { ready: true } }],
});

function ingress(
  name: string,
  host: string,
  annotations: Record<string, string> = {},
  options: { created?: string; tls?: boolean; svc?: string } = {},
) {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name,
      namespace: 'default',
      annotations,
      creationTimestamp: options.created ?? '2024-01-01T00:00:00Z',
    },
    spec: {
      ingressClassName: 'haproxy',
      ...(options.tls ? { tls: [{ hosts: [host], secretName: 'cert' }] } : {}),
      rules: [
        {
          host,
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: options.svc ?? 'web', port: { number: 80 } } },
              },
            ],
          },
        },
      ],
    },
  };
}

const configMap = (data: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'haproxy-configmap', namespace: 'default' },
  data,
});

const secret = (name: string, values: Record<string, string>, namespace = 'default') => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace },
  type: 'Opaque',
  stringData: values,
});

const HASH =
  '$6$saltsalt$qFmFH.bQmmtXzyBY0s9v7Oicd2z4XSIecDzlB5KiA2/jctKu9YterLp8wwnSq.qc.eoxqOmSuNp2xS0ktL3nh/';

const backendOf = (state: DesiredState, host: string) => {
  const name = state.routing.routes.find((r) => r.vhost === host && r.path === '/')?.backend;
  const backend = state.backends.find((b) => b.name === name);
  assert.ok(backend, `a backend serves ${host}`);
  return backend;
};

describe('request policy', () => {
  it('is empty by default: no rules for a plain route', () => {
    const state = build([service('web'), ingress('a', 'a.example')]);
    assert.deepEqual(backendOf(state, 'a.example').policy, {});
  });

  it('resolves Service > Ingress > ConfigMap > default', () => {
    const state = build([
      configMap({ 'rate-limit-requests': '10', 'rate-limit-status-code': '429', hsts: 'true' }),
      service('web', { 'haproxy.org/rate-limit-requests': '5' }),
      ingress('a', 'a.example', {
        'haproxy.org/rate-limit-requests': '7',
        'haproxy.org/rate-limit-period': '10s',
      }),
    ]);
    const { policy } = backendOf(state, 'a.example');
    assert.deepEqual(policy.rateLimit, {
      requests: 5,
      period: '10s',
      size: '100k',
      status: 429,
      exempt: undefined,
    });
    assert.deepEqual(policy.hsts, { maxAge: 31_536_000, includeSubdomains: false, preload: false });
  });

  it('gives two Ingresses with different request keys distinct backends on the same endpoints', () => {
    const state = build([
      service('web'),
      slice('web', '10.0.0.1'),
      ingress('old', 'old.example', {}, { created: '2024-01-01T00:00:00Z' }),
      ingress(
        'new',
        'new.example',
        { 'haproxy.org/deny-list': '10.1.0.0/16' },
        { created: '2024-02-01T00:00:00Z' },
      ),
      ingress('same', 'same.example', {}, { created: '2024-03-01T00:00:00Z' }),
    ]);
    const old = backendOf(state, 'old.example');
    const fresh = backendOf(state, 'new.example');
    assert.equal(old.name, 'default_web_80', 'the oldest variant keeps the base name');
    assert.match(fresh.name, /^default_web_80_[0-9a-f]{10}$/);
    assert.deepEqual(fresh.policy.denyList, ['10.1.0.0/16']);
    assert.deepEqual(old.endpoints, fresh.endpoints);
    assert.equal(old.endpoints[0]?.address, '10.0.0.1');
    assert.equal(backendOf(state, 'same.example').name, 'default_web_80', 'same settings share the backend');
    assert.equal(state.backends.length, 2);
  });

  it('names variants deterministically, and keeps the base name when a newer Ingress arrives', () => {
    const objects = [
      service('web'),
      ingress('old', 'old.example', { 'haproxy.org/hsts': 'true' }, { created: '2024-01-01T00:00:00Z' }),
      ingress(
        'new',
        'new.example',
        { 'haproxy.org/cors-enable': 'true' },
        { created: '2024-02-01T00:00:00Z' },
      ),
    ];
    const first = build(objects);
    const again = build([...objects].reverse());
    assert.deepEqual(
      first.backends.map((b) => b.name),
      again.backends.map((b) => b.name),
    );
    const alone = build(objects.slice(0, 2));
    assert.equal(backendOf(alone, 'old.example').name, backendOf(first, 'old.example').name);
    assert.equal(backendOf(first, 'old.example').name, 'default_web_80');
    for (const b of first.backends) assert.match(b.name, /^[A-Za-z0-9_.:-]+$/, 'a valid HAProxy proxy name');
  });

  it('gives backend keys that differ per Ingress their own variant too', () => {
    const state = build([
      service('web'),
      ingress('a', 'a.example', { 'haproxy.org/timeout-server': '1s' }, { created: '2024-01-01T00:00:00Z' }),
      ingress('b', 'b.example', { 'haproxy.org/timeout-server': '9s' }, { created: '2024-02-01T00:00:00Z' }),
    ]);
    assert.equal(backendOf(state, 'a.example').settings.timeoutServer, '1s');
    assert.equal(backendOf(state, 'b.example').settings.timeoutServer, '9s');
  });

  it('redirects to HTTPS by default only for hosts in the tls section; ssl-redirect overrides', () => {
    const state = build([
      service('web'),
      ingress('tls', 'tls.example', {}, { tls: true, created: '2024-01-01T00:00:00Z' }),
      ingress('plain', 'plain.example', {}, { created: '2024-02-01T00:00:00Z' }),
      ingress('off', 'off.example', { 'haproxy.org/ssl-redirect': 'false' }, { tls: true }),
      ingress('on', 'on.example', {
        'haproxy.org/ssl-redirect': 'true',
        'haproxy.org/ssl-redirect-code': '301',
      }),
    ]);
    assert.deepEqual(backendOf(state, 'tls.example').policy.sslRedirect, { code: 302, port: undefined });
    assert.equal(backendOf(state, 'plain.example').policy.sslRedirect, undefined);
    assert.equal(backendOf(state, 'off.example').policy.sslRedirect, undefined);
    assert.deepEqual(backendOf(state, 'on.example').policy.sslRedirect, { code: 301, port: undefined });
    assert.notEqual(backendOf(state, 'tls.example').name, backendOf(state, 'plain.example').name);
  });

  it('turns ssl-redirect off for everyone with ConfigMap ssl-redirect: "OFF"', () => {
    const state = build([
      configMap({ 'ssl-redirect': 'OFF' }),
      service('web'),
      ingress('tls', 't.example', {}, { tls: true }),
    ]);
    assert.equal(backendOf(state, 't.example').policy.sslRedirect, undefined);
  });

  it('reads basic-auth users from an Opaque Secret, in the Ingress namespace or namespace/name', () => {
    const state = build([
      service('web'),
      secret('users', { alice: HASH, bob: `${HASH}\n` }),
      secret('other', { carol: HASH }, 'auth'),
      ingress('a', 'a.example', {
        'haproxy.org/auth-type': 'basic-auth',
        'haproxy.org/auth-secret': 'users',
      }),
      ingress('b', 'b.example', {
        'haproxy.org/auth-type': 'basic-auth',
        'haproxy.org/auth-secret': 'auth/other',
        'haproxy.org/auth-realm': 'Staff only',
      }),
    ]);
    assert.deepEqual(backendOf(state, 'a.example').policy.auth, {
      realm: 'Protected Content',
      userlist: 'auth_default_users',
      users: [
        { name: 'alice', hash: HASH },
        { name: 'bob', hash: HASH },
      ],
    });
    assert.deepEqual(backendOf(state, 'b.example').policy.auth, {
      realm: 'Staff only',
      userlist: 'auth_auth_other',
      users: [{ name: 'carol', hash: HASH }],
    });
  });

  it('fails closed and reports a missing Secret, a missing auth-secret and a Secret without valid users', () => {
    const state = build([
      service('web'),
      secret('junk', { 'bad user': HASH, mallory: 'plain-text-password', eve: "x' or '1" }),
      ingress('missing', 'm.example', {
        'haproxy.org/auth-type': 'basic-auth',
        'haproxy.org/auth-secret': 'nope',
      }),
      ingress('unset', 'u.example', { 'haproxy.org/auth-type': 'basic-auth' }),
      ingress('junk', 'j.example', {
        'haproxy.org/auth-type': 'basic-auth',
        'haproxy.org/auth-secret': 'junk',
      }),
    ]);
    for (const host of ['m.example', 'u.example', 'j.example']) {
      const auth = backendOf(state, host).policy.auth;
      assert.ok(auth, `${host} requires auth`);
      assert.equal(auth.userlist, undefined, `${host}: nobody can log in`);
      assert.deepEqual(auth.users, []);
    }
    const messages = state.problems.map((p) => `${refLabel(p.ref)} ${p.field}: ${p.message}`);
    assert.ok(
      messages.includes(
        'Ingress default/missing haproxy.org/auth-secret: Secret default/nope not found; every request gets 401',
      ),
    );
    assert.ok(
      messages.some((m) =>
        m.startsWith('Ingress default/unset haproxy.org/auth-type: auth-type basic-auth needs'),
      ),
    );
    assert.ok(messages.some((m) => m.startsWith('Secret default/junk data.mallory: not a crypt(3)')));
    assert.ok(messages.some((m) => m.startsWith('Secret default/junk data: a key is not a valid user name')));
    assert.ok(
      messages.some((m) =>
        m.startsWith('Ingress default/junk haproxy.org/auth-secret: Secret default/junk holds no valid user'),
      ),
    );
    assert.ok(!messages.some((m) => m.includes('plain-text-password')), 'problems never print Secret values');
  });

  it('parses the list and multi-line keys', () => {
    const state = build([
      service('web'),
      ingress('a', 'a.example', {
        'haproxy.org/whitelist': '10.0.0.0/8, 192.168.1.1 ::1 fd00::/8',
        'haproxy.org/request-set-header': 'X-One 1\n\n  X-Two two words  \n',
        'haproxy.org/path-rewrite': '^/api/(.*) /\\1',
        'haproxy.org/cors-enable': 'true',
        'haproxy.org/cors-allow-origin': 'https://a.example, https://b.example:8443',
        'haproxy.org/cors-allow-methods': 'GET,POST',
        'haproxy.org/cors-max-age': '1m',
        'haproxy.org/request-redirect': 'https://elsewhere.example:8443',
        'haproxy.org/request-capture': 'hdr(User-Agent)\n cookie(session) ',
      }),
    ]);
    const { policy } = backendOf(state, 'a.example');
    assert.deepEqual(policy.allowList, ['10.0.0.0/8', '192.168.1.1', '::1', 'fd00::/8']);
    assert.deepEqual(policy.requestHeaders, [
      { name: 'X-One', value: [{ text: '1' }] },
      { name: 'X-Two', value: [{ text: 'two words' }] },
    ]);
    assert.deepEqual(policy.pathRewrite, [{ match: '^/api/(.*)', replace: '/\\1' }]);
    assert.deepEqual(policy.cors, {
      origins: ['https://a.example', 'https://b.example:8443'],
      methods: 'GET, POST',
      headers: '*',
      credentials: false,
      maxAge: 60,
    });
    assert.deepEqual(policy.captures, { samples: ['hdr(User-Agent)', 'cookie(session)'], len: 128 });
    assert.deepEqual(policy.requestRedirect, {
      target: { scheme: 'https', host: 'elsewhere.example:8443' },
      code: 302,
    });
  });

  it('ignores bad values with a problem naming the object and key, and keeps the rest', () => {
    const state = build([
      service('web', { 'haproxy.org/deny-list': '10.0.0.1/33' }),
      ingress('a', 'a.example', {
        'haproxy.org/response-set-header': 'X-A "unterminated',
        'haproxy.org/set-host': 'evil.example\n  http-request deny',
        'haproxy.org/auth-realm': "a'b",
        'haproxy.org/rate-limit-status-code': '302',
        'haproxy.org/hsts': 'true',
      }),
    ]);
    const { policy } = backendOf(state, 'a.example');
    assert.deepEqual(policy, { hsts: { maxAge: 31_536_000, includeSubdomains: false, preload: false } });
    const fields = state.problems
      .filter((p) => p.severity === 'error')
      .map((p) => `${refLabel(p.ref)} ${p.field}`);
    for (const expected of [
      'Service default/web haproxy.org/deny-list',
      'Ingress default/a haproxy.org/response-set-header',
      'Ingress default/a haproxy.org/set-host',
      'Ingress default/a haproxy.org/auth-realm',
      'Ingress default/a haproxy.org/rate-limit-status-code',
    ])
      assert.ok(fields.includes(expected), `problem for ${expected}: ${fields.join(', ')}`);
  });
});
