/**
 * Bad values for the ingress-nginx annotations and for the keys of ours they
 * brought: wrong type, out of range, line break, `#`, quotes and a
 * 4097-character string are each ignored with an error naming the object and
 * the key as written, nothing of them reaches haproxy.cfg, the config still
 * loads, and every route (including the one carrying the bad value) still serves.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestController } from './harness/controller.ts';
import { hostRoute, onePodService } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { eventually } from './harness/wait.ts';

interface KeyCase {
  /** The annotation as written, with its prefix. */
  key: string;
  /** A valid value, the base of the injection cases. */
  valid: string;
  wrongType: string;
  outOfRange?: string;
}

const N = 'nginx.ingress.kubernetes.io/';
const H = 'haproxy.org/';

const KEYS: KeyCase[] = [
  { key: `${N}ssl-redirect`, valid: 'false', wrongType: 'maybe' },
  { key: `${N}force-ssl-redirect`, valid: 'true', wrongType: 'always' },
  { key: `${N}preserve-trailing-slash`, valid: 'true', wrongType: 'yes please' },
  {
    key: `${N}permanent-redirect`,
    valid: 'https://a.example/',
    wrongType: 'ftp://a.example',
    outOfRange: `https://a.example/${'p'.repeat(2100)}`,
  },
  { key: `${N}temporal-redirect`, valid: 'https://a.example/', wrongType: '/relative' },
  { key: `${N}relative-redirects`, valid: 'true', wrongType: 'sometimes' },
  { key: `${N}app-root`, valid: '/app', wrongType: 'app', outOfRange: `/${'a'.repeat(1100)}` },
  { key: `${N}from-to-www-redirect`, valid: 'true', wrongType: 'www' },
  { key: `${N}use-regex`, valid: 'true', wrongType: 'regex' },
  { key: `${N}rewrite-target`, valid: '/$1', wrongType: '/a b', outOfRange: '/$0' },
  { key: `${N}proxy-read-timeout`, valid: '30', wrongType: 'soon', outOfRange: '1234567890' },
  { key: `${N}proxy-send-timeout`, valid: '30', wrongType: '30 s' },
  { key: `${N}proxy-connect-timeout`, valid: '5', wrongType: '-5' },
  { key: `${N}proxy-body-size`, valid: '8m', wrongType: '8 MB', outOfRange: '9999999999999t' },
  { key: `${N}limit-rps`, valid: '5', wrongType: 'five', outOfRange: '0' },
  { key: `${N}limit-rpm`, valid: '60', wrongType: '1.5' },
  { key: `${N}limit-connections`, valid: '3', wrongType: 'many', outOfRange: '0' },
  { key: `${N}limit-whitelist`, valid: '10.0.0.0/8', wrongType: 'office', outOfRange: '10.0.0.0/33' },
  { key: `${N}whitelist-source-range`, valid: '10.0.0.0/8', wrongType: 'lan', outOfRange: '300.0.0.1' },
  { key: `${N}allowlist-source-range`, valid: '10.0.0.1', wrongType: 'vpn', outOfRange: 'fd00::/129' },
  { key: `${N}denylist-source-range`, valid: '10.0.0.1', wrongType: 'bots' },
  { key: `${N}backend-protocol`, valid: 'HTTPS', wrongType: 'SPDY' },
  { key: `${N}upstream-hash-by`, valid: '$request_uri', wrongType: 'request uri' },
  { key: `${N}upstream-vhost`, valid: 'internal.example', wrongType: 'internal_example' },
  { key: `${N}service-upstream`, valid: 'true', wrongType: 'cluster' },
  { key: `${H}service-upstream`, valid: 'true', wrongType: 'yes please' },
  { key: `${N}x-forwarded-prefix`, valid: '/api', wrongType: 'a b' },
  { key: `${N}load-balance`, valid: 'ewma', wrongType: 'fastest' },
  { key: `${N}enable-cors`, valid: 'true', wrongType: 'yes please' },
  { key: `${N}cors-allow-origin`, valid: 'https://a.example', wrongType: 'a.example' },
  { key: `${N}cors-allow-methods`, valid: 'GET', wrongType: 'GET;POST' },
  { key: `${N}cors-allow-headers`, valid: 'X-A', wrongType: 'X/A' },
  { key: `${N}cors-expose-headers`, valid: 'X-A', wrongType: 'X/A' },
  { key: `${N}cors-allow-credentials`, valid: 'true', wrongType: 'maybe' },
  { key: `${N}cors-max-age`, valid: '60', wrongType: 'forever' },
  { key: `${N}auth-type`, valid: 'basic', wrongType: 'kerberos' },
  { key: `${N}auth-secret`, valid: 'users', wrongType: 'Not_A_Name', outOfRange: 'a/b/c' },
  { key: `${N}auth-secret-type`, valid: 'auth-map', wrongType: 'ldap' },
  { key: `${N}auth-realm`, valid: 'Staff', wrongType: '   ', outOfRange: 'r'.repeat(65) },
  { key: `${H}auth-unavailable-status`, valid: '503', wrongType: 'down', outOfRange: '500' },
  { key: `${H}cors-expose-headers`, valid: 'X-A', wrongType: 'X/A' },
  { key: `${N}affinity`, valid: 'cookie', wrongType: 'ip' },
  { key: `${N}affinity-mode`, valid: 'persistent', wrongType: 'sticky' },
  { key: `${N}session-cookie-name`, valid: 'route', wrongType: 'my cookie' },
  { key: `${N}session-cookie-path`, valid: '/app', wrongType: 'app', outOfRange: `/${'p'.repeat(300)}` },
  { key: `${N}session-cookie-domain`, valid: 'a.example', wrongType: 'a b' },
  { key: `${N}session-cookie-max-age`, valid: '60', wrongType: 'an hour' },
  { key: `${N}session-cookie-expires`, valid: '60', wrongType: '-1' },
  { key: `${N}session-cookie-samesite`, valid: 'Lax', wrongType: 'Loose' },
  { key: `${N}session-cookie-secure`, valid: 'true', wrongType: 'https' },
  { key: `${H}cookie-persistence-path`, valid: '/app', wrongType: 'a;b' },
  { key: `${H}cookie-persistence-domain`, valid: 'a.example', wrongType: 'a_b.example' },
  { key: `${H}cookie-persistence-max-age`, valid: '60', wrongType: 'soon', outOfRange: '9999999999' },
  { key: `${H}cookie-persistence-expires`, valid: '60', wrongType: 'soon' },
  { key: `${H}cookie-persistence-samesite`, valid: 'Strict', wrongType: 'Strictest' },
  { key: `${H}cookie-persistence-secure`, valid: 'true', wrongType: 'yes please' },
  { key: `${H}cookie-persistence-httponly`, valid: 'true', wrongType: 'yes please' },
  { key: `${N}canary`, valid: 'true', wrongType: 'beta' },
  { key: `${N}canary-by-header`, valid: 'X-Canary', wrongType: 'X Canary' },
  { key: `${N}canary-by-header-value`, valid: 'v2', wrongType: 'v2;v3' },
  {
    key: `${N}canary-by-header-pattern`,
    valid: 'eu-.*',
    wrongType: 'eu-(',
    outOfRange: `${'a'.repeat(300)}`,
  },
  { key: `${N}canary-by-cookie`, valid: 'canary', wrongType: 'my cookie' },
  { key: `${N}canary-weight`, valid: '10', wrongType: 'ten', outOfRange: '-1' },
  { key: `${N}canary-weight-total`, valid: '1000', wrongType: 'all', outOfRange: '0' },
  { key: `${H}canary-header`, valid: 'X-Canary', wrongType: 'X:Canary' },
  { key: `${H}canary-weight`, valid: '10', wrongType: 'ten', outOfRange: '2000000' },
  {
    key: `${N}auth-url`,
    valid: 'http://auth.example/verify',
    wrongType: 'auth.example/verify',
    outOfRange: `http://a.example/${'v'.repeat(1100)}`,
  },
  { key: `${N}auth-method`, valid: 'POST', wrongType: 'FETCH' },
  { key: `${N}auth-response-headers`, valid: 'X-User', wrongType: 'X/User' },
  { key: `${N}auth-signin`, valid: 'https://$host/start', wrongType: 'start' },
  { key: `${N}auth-signin-redirect-param`, valid: 'rd', wrongType: 'r d' },
  { key: `${H}auth-url`, valid: 'http://auth.example/verify', wrongType: 'ftp://auth.example' },
  { key: `${H}auth-url-method`, valid: 'GET', wrongType: 'FETCH' },
  {
    key: `${N}server-alias`,
    valid: 'alias.example',
    wrongType: 'alias_example',
    outOfRange: '~^www\\d+\\.example\\.com$',
  },
  { key: `${N}satisfy`, valid: 'any', wrongType: 'either' },
  { key: `${N}proxy-redirect-from`, valid: 'http://a.example/', wrongType: 'http://a.example/ x' },
  { key: `${H}server-alias`, valid: 'alias.example', wrongType: 'a b;c' },
  { key: `${H}satisfy`, valid: 'all', wrongType: 'some' },
  { key: `${H}location-rewrite`, valid: '/a /b', wrongType: '/a', outOfRange: '/a /b /c' },
  { key: `${N}auth-tls-secret`, valid: 'default/ca', wrongType: 'Not_A_Name', outOfRange: 'a/b/c' },
  { key: `${N}auth-tls-verify-client`, valid: 'optional', wrongType: 'maybe' },
  { key: `${N}auth-tls-pass-certificate-to-upstream`, valid: 'true', wrongType: 'please' },
  { key: `${N}auth-tls-match-cn`, valid: 'CN=client', wrongType: 'client', outOfRange: 'CN=(' },
  { key: `${N}auth-tls-error-page`, valid: 'https://err.example/', wrongType: 'err.example' },
  { key: `${N}auth-tls-verify-depth`, valid: '2', wrongType: 'deep' },
  { key: `${H}client-auth-ca`, valid: 'ca', wrongType: 'CA!' },
  { key: `${H}client-auth-verify`, valid: 'on', wrongType: 'always' },
  { key: `${N}default-backend`, valid: 'errors', wrongType: 'default/errors' },
  { key: `${N}custom-http-errors`, valid: '404,503', wrongType: '404;503', outOfRange: '302' },
  { key: `${N}disable-proxy-intercept-errors`, valid: 'true', wrongType: 'sometimes' },
  { key: `${H}error-pages-codes`, valid: '404', wrongType: 'not-found', outOfRange: '600' },
  { key: `${H}redirect-location`, valid: '/moved', wrongType: 'moved', outOfRange: `/${'m'.repeat(2100)}` },
  { key: `${H}redirect-location-code`, valid: '301', wrongType: 'moved', outOfRange: '309' },
  { key: `${H}app-root`, valid: '/app', wrongType: 'app' },
  { key: `${H}ssl-redirect-trailing-slash`, valid: 'keep', wrongType: 'maybe' },
  { key: `${H}path-regex`, valid: 'true', wrongType: 'regex' },
  { key: `${H}rewrite-target`, valid: '/$1', wrongType: '/a?b' },
  { key: `${H}www-redirect`, valid: 'true', wrongType: 'www' },
  { key: `${H}request-body-max`, valid: '1m', wrongType: 'big', outOfRange: '2000000t' },
  { key: `${H}rate-limit-connections`, valid: '10', wrongType: 'ten', outOfRange: '0' },
  { key: `${H}timeout-connect`, valid: '5s', wrongType: 'soon' },
];

const MARK = 'evilmark';

function badValues(k: KeyCase): [string, string][] {
  const cases: [string, string][] = [['wrong type', k.wrongType]];
  if (k.outOfRange) cases.push(['out of range', k.outOfRange]);
  cases.push(
    ['line break', `${k.valid}\n  http-request deny ${MARK}`],
    ['comment', `${k.valid}#${MARK}`],
    ['double quote', `${k.valid}" ${MARK}`],
    ['single quote', `${k.valid}'${MARK}`],
    ['4097 characters', `${k.valid}${MARK}${'x'.repeat(4097)}`.slice(0, 4097)],
  );
  return cases;
}

const CASES = KEYS.flatMap((k) => badValues(k).map(([what, value]) => ({ ...k, what, value })));

describe('ingress-nginx annotations and their keys: bad values', () => {
  let controller: TestController;
  let pods: Pods;

  before(async () => {
    pods = await startPods('web', 1);
    controller = await TestController.create({
      'web.yaml': onePodService('web', pods),
      'good.yaml': [hostRoute('good', { [`${N}proxy-read-timeout`]: '30' })],
    });
    await controller.start();
    await controller.write(
      'bad.yaml',
      CASES.map((c, i) => hostRoute(`bad-${i}`, { [c.key]: c.value })),
    );
    await eventually(
      async () => assert.equal((await controller.get(`bad-${CASES.length - 1}.example`, '/')).pod, 'web-1'),
      15_000,
      100,
    );
  });

  after(async () => {
    await controller?.cleanup();
    await pods?.stop();
  });

  it(`each of ${CASES.length} bad values is reported with object and key and ignored`, async () => {
    const log = await controller.log();
    const missing = CASES.flatMap((c, i) =>
      log.includes(`Ingress default/bad-${i} ${c.key}: `) ? [] : [`${c.key} (${c.what})`],
    );
    assert.deepEqual(missing, [], 'every bad value is reported');
    for (const [i, c] of CASES.entries()) {
      const reply = await controller.get(`bad-${i}.example`, '/');
      assert.equal(reply.pod, 'web-1', `${c.key} (${c.what}): the route still serves, the value ignored`);
    }
  });

  it('nothing of a bad value reaches haproxy.cfg, and other routes keep serving', async () => {
    const config = await controller.config();
    assert.ok(!config.includes(MARK), 'no injected text in haproxy.cfg');
    assert.ok(!config.includes('xxxxxxxx'), 'no oversized value in haproxy.cfg');
    assert.equal((await controller.get('good.example', '/')).pod, 'web-1');
  });
});
