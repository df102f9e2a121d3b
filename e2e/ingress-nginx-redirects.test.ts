/**
 * ingress-nginx's redirects through the real HAProxy: the dialect's 308 for
 * TLS hosts (302 without nginx annotations), the dropped trailing slash and
 * preserve-trailing-slash, force-ssl-redirect without TLS, app-root,
 * permanent- and temporal-redirect with their codes and relative targets,
 * from-to-www-redirect both ways; and --default-annotation-dialect.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { selfSigned } from './harness/certs.ts';
import { TestController } from './harness/controller.ts';
import { httpsGet } from './harness/http.ts';
import { ingress, onePodService, tlsSecret } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { eventually } from './harness/wait.ts';

const N = 'nginx.ingress.kubernetes.io/';
const HOSTS = ['tls.example', 'keep.example', 'ours.example', 'www.wwwtls.example', 'wwwtls.example'];
const CERT = selfSigned('tls.example', HOSTS);

/** An Ingress for `<name>.example` (or `host`) → Service web, with annotations, optionally TLS. */
const route = (
  name: string,
  annotations: Record<string, string>,
  options: { tls?: boolean; host?: string; tlsHosts?: string[] } = {},
) => {
  const host = options.host ?? `${name}.example`;
  return ingress(
    name,
    {
      rules: [{ host, paths: [{ path: '/', service: 'web', port: 80 }] }],
      ...(options.tls ? { tls: [{ hosts: options.tlsHosts ?? [host], secretName: 'tls' }] } : {}),
    },
    { annotations },
  );
};

describe('ingress-nginx redirects', () => {
  let controller: TestController;
  let pods: Pods;

  before(async () => {
    pods = await startPods('web', 1);
    controller = await TestController.create({
      'web.yaml': [...onePodService('web', pods), tlsSecret('tls', CERT.cert, CERT.key)],
    });
    await controller.start();
    await controller.write('ingresses.yaml', [
      route('tls', { [`${N}proxy-read-timeout`]: '60' }, { tls: true }),
      route('keep', { [`${N}preserve-trailing-slash`]: 'true' }, { tls: true }),
      route('ours', {}, { tls: true }),
      route('forced', { [`${N}force-ssl-redirect`]: 'true' }),
      route('approot', { [`${N}app-root`]: '/app1' }),
      route('moved', { [`${N}permanent-redirect`]: 'https://new.example/landing?x=1' }),
      route('moved308', {
        [`${N}permanent-redirect`]: 'https://new.example/',
        [`${N}permanent-redirect-code`]: '308',
      }),
      route('relative', { [`${N}permanent-redirect`]: '/elsewhere' }),
      route('asis', { [`${N}permanent-redirect`]: '/elsewhere', [`${N}relative-redirects`]: 'true' }),
      route('temp', { [`${N}temporal-redirect`]: 'http://temp.example/t' }),
      route('temp307', {
        [`${N}temporal-redirect`]: 'http://temp.example/t',
        [`${N}temporal-redirect-code`]: '307',
      }),
      route('shop', { [`${N}from-to-www-redirect`]: 'true' }),
      route('back', { [`${N}from-to-www-redirect`]: 'true' }, { host: 'www.back.example' }),
      route(
        'wwwtls',
        { [`${N}from-to-www-redirect`]: 'true' },
        { tls: true, tlsHosts: ['wwwtls.example', 'www.wwwtls.example'] },
      ),
    ]);
    await eventually(
      async () => assert.equal((await controller.get('www.wwwtls.example', '/')).status, 308),
      15_000,
      100,
    );
  });

  after(async () => {
    await controller?.cleanup();
    await pods?.stop();
  });

  it('a TLS host redirects HTTP with 308 in the ingress-nginx dialect, dropping the trailing /', async () => {
    const reply = await controller.get('tls.example', '/deep/path/');
    assert.equal(reply.status, 308);
    assert.equal(reply.headers.location, 'https://tls.example/deep/path');
    assert.equal(reply.pod, undefined);
    const query = await controller.get('tls.example', '/deep/?q=1');
    assert.equal(query.headers.location, 'https://tls.example/deep/?q=1', 'only a / at the very end goes');
    assert.equal((await controller.get('tls.example', '/')).headers.location, 'https://tls.example');
    assert.equal((await controller.getTls('tls.example', '/deep/path/')).pod, 'web-1');
  });

  it('preserve-trailing-slash keeps it; an Ingress without nginx annotations keeps 302', async () => {
    const keep = await controller.get('keep.example', '/deep/');
    assert.equal(keep.status, 308);
    assert.equal(keep.headers.location, 'https://keep.example/deep/');
    const ours = await controller.get('ours.example', '/deep/');
    assert.equal(ours.status, 302);
    assert.equal(ours.headers.location, 'https://ours.example/deep/');
  });

  it('force-ssl-redirect redirects a host without a TLS section', async () => {
    const reply = await controller.get('forced.example', '/x?y=1');
    assert.equal(reply.status, 308);
    assert.equal(reply.headers.location, 'https://forced.example/x?y=1');
  });

  it('app-root answers / (only /) with 302 to the path on the request host', async () => {
    const root = await controller.get('approot.example', '/');
    assert.equal(root.status, 302);
    assert.equal(root.headers.location, 'http://approot.example/app1');
    const withPort = await controller.get('approot.example:8080', '/');
    assert.equal(withPort.headers.location, 'http://approot.example:8080/app1');
    assert.equal((await controller.get('approot.example', '/app1')).pod, 'web-1');
    assert.equal((await controller.get('approot.example', '/other')).pod, 'web-1');
  });

  it('permanent-redirect answers 301 (or its code) with the URL as written', async () => {
    const reply = await controller.get('moved.example', '/some/path?q=2');
    assert.equal(reply.status, 301);
    assert.equal(reply.headers.location, 'https://new.example/landing?x=1');
    const coded = await controller.get('moved308.example', '/');
    assert.equal(coded.status, 308);
    assert.equal(coded.headers.location, 'https://new.example/');
  });

  it('a relative target becomes absolute on the request host, unless relative-redirects', async () => {
    const reply = await controller.get('relative.example:8080', '/a');
    assert.equal(reply.status, 301);
    assert.equal(reply.headers.location, 'http://relative.example/elsewhere');
    const https = await httpsGet(controller.ports.https, 'relative.example', '/a');
    assert.equal(https.headers.location, 'https://relative.example/elsewhere');
    const asis = await controller.get('asis.example', '/a');
    assert.equal(asis.headers.location, '/elsewhere');
  });

  it('temporal-redirect answers 302 (or its code)', async () => {
    const reply = await controller.get('temp.example', '/a');
    assert.equal(reply.status, 302);
    assert.equal(reply.headers.location, 'http://temp.example/t');
    assert.equal((await controller.get('temp307.example', '/a')).status, 307);
  });

  it('from-to-www-redirect answers 308 both ways, to the standard port, without the trailing /', async () => {
    const toBare = await controller.get('www.shop.example', '/foo');
    assert.equal(toBare.status, 308);
    assert.equal(toBare.headers.location, 'http://shop.example:80/foo');
    assert.equal((await controller.get('shop.example', '/foo')).pod, 'web-1');
    const toWww = await controller.get('back.example', '/bar/');
    assert.equal(toWww.status, 308);
    assert.equal(toWww.headers.location, 'http://www.back.example:80/bar');
    const https = await controller.getTls('www.wwwtls.example', '/');
    assert.equal(https.status, 308);
    assert.equal(https.headers.location, 'https://wwwtls.example:443');
    assert.equal((await controller.getTls('wwwtls.example', '/')).pod, 'web-1');
  });
});

describe('--default-annotation-dialect ingress-nginx', () => {
  let controller: TestController;
  let pods: Pods;

  before(async () => {
    pods = await startPods('web', 1);
    controller = await TestController.create({
      'web.yaml': [
        ...onePodService('web', pods),
        tlsSecret('tls', CERT.cert, CERT.key),
        route('ours', {}, { tls: true }),
      ],
    });
    await controller.start(['--default-annotation-dialect', 'ingress-nginx']);
  });

  after(async () => {
    await controller?.cleanup();
    await pods?.stop();
  });

  it('an Ingress without nginx annotations redirects with 308 too', async () => {
    await eventually(async () => assert.equal((await controller.get('ours.example', '/a/')).status, 308));
    assert.equal((await controller.get('ours.example', '/a/')).headers.location, 'https://ours.example/a');
  });
});
