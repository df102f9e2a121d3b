/**
 * Request-shaping keys through the real HAProxy: HTTPS redirects (on by
 * default for TLS hosts, code and port), request-redirect, path-rewrite,
 * set-host, request/response headers and src-ip-header. Every Ingress points
 * at the same Service, so each policy is its own variant of one backend, all
 * served by the same pod.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { selfSigned } from './harness/certs.ts';
import { TestController } from './harness/controller.ts';
import { type HttpReply, httpGet } from './harness/http.ts';
import { configMap, endpointSlice, ingress, service, tlsSecret } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { eventually } from './harness/wait.ts';

const CERT = selfSigned('tls.example', ['tls.example', 'tlsport.example']);

interface Echo {
  path: string;
  host: string;
  headers: Record<string, string>;
}

const echoed = (reply: HttpReply): Echo => {
  assert.equal(reply.status, 200, `expected the pod to answer, got ${reply.status}: ${reply.body}`);
  return JSON.parse(reply.body) as Echo;
};

describe('request policy keys', () => {
  let controller: TestController;
  let pods: Pods;

  /** An Ingress for `host` → Service web, with annotations. */
  const route = (
    name: string,
    annotations: Record<string, string>,
    tls = false,
  ): ReturnType<typeof ingress> =>
    ingress(
      name,
      {
        rules: [{ host: `${name}.example`, paths: [{ path: '/', service: 'web', port: 80 }] }],
        ...(tls ? { tls: [{ hosts: [`${name}.example`], secretName: 'tls' }] } : {}),
      },
      { annotations },
    );

  const get = (host: string, path: string, headers: Record<string, string> = {}) =>
    controller.get(host, path, headers);

  const webObjects = (podCount: number) => [
    service('web', [{ port: 80 }]),
    endpointSlice(
      'web',
      { port: pods.port },
      pods.addresses.slice(0, podCount).map((address, i) => ({ address, name: `web-${i + 1}` })),
    ),
    tlsSecret('tls', CERT.cert, CERT.key),
  ];

  before(async () => {
    // Two pods; the Service lists only the first until a test scales it up.
    pods = await startPods('web', 2);
    controller = await TestController.create({ 'web.yaml': webObjects(1) });
    await controller.start();
    const https = controller.ports.https;
    await controller.write('ingresses.yaml', [
      route('plain', {}),
      route('tls', {}, true),
      route(
        'tlsport',
        { 'haproxy.org/ssl-redirect-code': '301', 'haproxy.org/ssl-redirect-port': String(https) },
        true,
      ),
      route('tlsoff', { 'haproxy.org/ssl-redirect': 'false' }, true),
      route('forced', {
        'ingress.kubernetes.io/ssl-redirect': 'true',
        'haproxy.org/ssl-redirect-code': '308',
      }),
      route('redirect', {
        'haproxy.org/request-redirect': 'target.example:9999',
        'haproxy.org/request-redirect-code': '307',
      }),
      route('redirects', { 'haproxy.org/request-redirect': 'https://secure.example' }),
      route('whole', { 'haproxy.org/path-rewrite': '/fixed' }),
      route('regex', { 'haproxy.org/path-rewrite': '^/api/(.*) /v2/\\1' }),
      // The reference docs' multi-line example: rules apply in order.
      route('rules', { 'haproxy.org/path-rewrite': '/foo/(.*) /\\1\n/bar/(.*) /baz/\\1' }),
      route('sethost', { 'haproxy.com/set-host': 'internal.example:8080' }),
      route('headers', {
        'haproxy.org/request-set-header': 'X-One 1\nX-Two two words\nX-Pct 100% $HOME',
        'haproxy.org/response-set-header': 'X-Served-By edge 1\nCache-Control no-store',
      }),
      // As the reference controller's docs write them: quoted values and samples.
      route('quoted', {
        'haproxy.org/request-set-header': [
          'Ingress-ID abcd123',
          'X-Client-IP %[src]',
          'X-Host "%[req.hdr(host),field(1,:),upper]"',
          `X-Quoted 'say "hi" #1' "it's" 100%%`,
          // Config syntax inside a quoted value stays text.
          `X-Inert "a' if TRUE\nhttp-request deny #"`.replace('\n', ' '),
        ].join('\n'),
        'haproxy.org/response-set-header': [
          'Cache-Control "no-store,no-cache,private"',
          'Strict-Transport-Security "max-age=31536000"',
          `Content-Security-Policy "default-src 'self'; img-src *"`,
          'X-Status %[status]',
        ].join('\n'),
      }),
      route('realip', { 'haproxy.org/src-ip-header': 'X-Real-IP', 'haproxy.org/deny-list': '10.9.9.9' }),
    ]);
    await eventually(async () => assert.equal((await get('realip.example', '/')).status, 200), 10_000, 50);
  });

  after(async () => {
    await controller?.cleanup();
    await pods?.stop();
  });

  it('a route without keys is served as is', async () => {
    const echo = echoed(await get('plain.example', '/a?b=1'));
    assert.equal(echo.path, '/a?b=1');
    assert.equal(echo.headers['x-one'], undefined);
  });

  it('ssl-redirect: on by default for a TLS host, 302 to https on the same host, path and query kept', async () => {
    const reply = await get('tls.example', '/deep/path?q=1');
    assert.equal(reply.status, 302);
    assert.equal(reply.headers.location, 'https://tls.example/deep/path?q=1');
    assert.equal(reply.pod, undefined);
    // Over HTTPS the same route serves.
    const https = await controller.getTls('tls.example', '/deep/path?q=1');
    assert.equal(echoed(https).path, '/deep/path?q=1');
  });

  it('ssl-redirect-code and ssl-redirect-port shape the redirect; following it reaches the pod', async () => {
    const reply = await get('tlsport.example', '/x?y=2');
    assert.equal(reply.status, 301);
    const https = controller.ports.https;
    assert.equal(reply.headers.location, `https://tlsport.example:${https}/x?y=2`);
    const location = new URL(reply.headers.location as string);
    const followed = await controller.getTls(location.hostname, location.pathname + location.search);
    assert.equal(echoed(followed).path, '/x?y=2');
  });

  it('ssl-redirect: "false" serves a TLS host over HTTP; "true" redirects a host without TLS', async () => {
    assert.equal(echoed(await get('tlsoff.example', '/')).path, '/');
    const forced = await get('forced.example', '/f');
    assert.equal(forced.status, 308);
    assert.equal(forced.headers.location, 'https://forced.example/f');
  });

  it('request-redirect and request-redirect-code: another host, same scheme, path and query', async () => {
    const reply = await get('redirect.example', '/a/b?c=d');
    assert.equal(reply.status, 307);
    assert.equal(reply.headers.location, 'http://target.example:9999/a/b?c=d');
    const tls = await controller.getTls('redirect.example', '/s');
    assert.equal(tls.status, 307);
    assert.equal(tls.headers.location, 'https://target.example:9999/s');
    const explicit = await get('redirects.example', '/p');
    assert.equal(explicit.status, 302, 'default code');
    assert.equal(explicit.headers.location, 'https://secure.example/p');
  });

  it('path-rewrite: one value replaces the whole path; regex and replacement rewrite it; rules apply in order', async () => {
    assert.equal(echoed(await get('whole.example', '/anything/at/all?q=1')).path, '/fixed?q=1');
    assert.equal(echoed(await get('regex.example', '/api/users/7?x=1')).path, '/v2/users/7?x=1');
    assert.equal(echoed(await get('regex.example', '/other')).path, '/other', 'no match, no change');
    assert.equal(
      echoed(await get('rules.example', '/foo/bar/x?q=1')).path,
      '/baz/x?q=1',
      'both rules, in order',
    );
    assert.equal(echoed(await get('rules.example', '/bar/y')).path, '/baz/y');
  });

  it('set-host: the pod sees the Host header set by the annotation', async () => {
    assert.equal(echoed(await get('sethost.example', '/')).host, 'internal.example:8080');
  });

  it('request-set-header and response-set-header: literal values, several lines', async () => {
    const reply = await get('headers.example', '/');
    const echo = echoed(reply);
    assert.equal(echo.headers['x-one'], '1');
    assert.equal(echo.headers['x-two'], 'two words');
    assert.equal(echo.headers['x-pct'], '100% $HOME');
    assert.equal(reply.headers['x-served-by'], 'edge 1');
    assert.equal(reply.headers['cache-control'], 'no-store');
    // The other routes of the same Service do not get them.
    const plain = await get('plain.example', '/');
    assert.equal(plain.headers['x-served-by'], undefined);
  });

  it('request-set-header and response-set-header: quoted values and %[sample] as in the reference examples', async () => {
    const reply = await get('quoted.example', '/');
    const echo = echoed(reply);
    assert.equal(echo.headers['ingress-id'], 'abcd123');
    assert.equal(echo.headers['x-client-ip'], '127.0.0.1');
    assert.equal(echo.headers['x-host'], 'QUOTED.EXAMPLE');
    assert.equal(echo.headers['x-quoted'], `say "hi" #1 it's 100%`);
    assert.equal(echo.headers['x-inert'], "a' if TRUE http-request deny #");
    assert.equal(reply.headers['cache-control'], 'no-store,no-cache,private');
    assert.equal(reply.headers['strict-transport-security'], 'max-age=31536000');
    assert.equal(reply.headers['content-security-policy'], "default-src 'self'; img-src *");
    assert.equal(reply.headers['x-status'], '200');
    // A sample reads each request: another client address, another value.
    const other = echoed(
      await httpGet(controller.ports.http, '/', { host: 'quoted.example' }, 5_000, {
        localAddress: '127.0.0.9',
      }),
    );
    assert.equal(other.headers['x-client-ip'], '127.0.0.9');
  });

  it('src-ip-header: the client address comes from the header, for deny-list and X-Forwarded-For', async () => {
    assert.equal((await get('realip.example', '/', { 'X-Real-IP': '10.9.9.9' })).status, 403);
    const other = echoed(await get('realip.example', '/', { 'X-Real-IP': '10.9.9.8' }));
    assert.equal(other.headers['x-forwarded-for'], '10.9.9.8');
    const none = echoed(await get('realip.example', '/'));
    assert.equal(none.headers['x-forwarded-for'], '127.0.0.1');
  });

  it('routes with different policies are variants of one backend on the same pod', async () => {
    const config = await controller.config();
    const variants = config.split('\n').filter((l) => /^backend default_web_80(_[0-9a-f]{10})?$/.test(l));
    assert.ok(variants.length >= 10, `variants of default_web_80: ${variants.length}`);
    assert.ok(variants.includes('backend default_web_80'));
    for (const host of ['plain', 'tlsoff', 'headers', 'sethost']) {
      assert.equal((await get(`${host}.example`, '/')).pod, 'web-1');
    }
  });

  it('a new pod reaches every variant of the backend over the Runtime API, without a reload', async () => {
    const reloads = await controller.reloads();
    await controller.write('web.yaml', webObjects(2));
    for (const host of ['plain', 'headers', 'regex']) {
      await eventually(
        async () => {
          const seen = new Set<string>();
          for (let i = 0; i < 4; i++) seen.add(String((await get(`${host}.example`, '/')).pod));
          assert.deepEqual([...seen].sort(), ['web-1', 'web-2'], host);
        },
        5_000,
        50,
      );
    }
    assert.equal((await get('headers.example', '/')).headers['x-served-by'], 'edge 1');
    assert.equal(await controller.reloads(), reloads, 'no reload for a pod change');
  });

  it('ConfigMap ssl-redirect: "OFF" turns the default redirect off', async () => {
    await controller.write('configmap.yaml', [configMap({ 'ssl-redirect': 'OFF' })]);
    await eventually(async () => assert.equal((await get('tls.example', '/')).status, 200), 10_000, 50);
    // An annotation still wins over the ConfigMap.
    assert.equal((await get('forced.example', '/')).status, 308);
    assert.equal((await httpGet(controller.ports.http, '/', { host: 'tlsport.example' })).status, 200);
  });
});
