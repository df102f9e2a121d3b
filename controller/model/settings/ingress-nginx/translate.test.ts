/**
 * The translation of ingress-nginx annotations into our keys: every
 * annotation of ingress-nginx v1.15 is declared once, values land on the
 * keys they mean, and invalid, unsupported and unknown ones are problems
 * naming the object and the annotation as written.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ObjectRef } from '../../../store/problems.ts';
import { INGRESS_NGINX_ANNOTATIONS } from './annotations.ts';
import { translateAnnotations } from './translate.ts';

const REF: ObjectRef = { kind: 'Ingress', namespace: 'shop', name: 'web' };
const N = 'nginx.ingress.kubernetes.io/';

const translate = (annotations: Record<string, string>) =>
  translateAnnotations(REF, Object.fromEntries(Object.entries(annotations).map(([k, v]) => [`${N}${k}`, v])));

/** ingress-nginx v1.15's annotations-risk table, plus the older whitelist-source-range. */
const UPSTREAM_NAMES =
  `server-alias allowlist-source-range backend-protocol auth-realm auth-secret auth-secret-type
auth-type canary canary-by-cookie canary-by-header canary-by-header-pattern canary-by-header-value canary-weight
canary-weight-total auth-tls-error-page auth-tls-match-cn auth-tls-pass-certificate-to-upstream auth-tls-secret
auth-tls-verify-client auth-tls-verify-depth client-body-buffer-size configuration-snippet connection-proxy-header
cors-allow-credentials cors-allow-headers cors-allow-methods cors-allow-origin cors-expose-headers cors-max-age
enable-cors custom-http-errors custom-headers default-backend denylist-source-range disable-proxy-intercept-errors
enable-global-auth auth-always-set-cookie auth-cache-duration auth-cache-key auth-keepalive auth-keepalive-requests
auth-keepalive-share-vars auth-keepalive-timeout auth-method auth-proxy-set-headers auth-request-redirect
auth-response-headers auth-signin auth-signin-redirect-param auth-snippet auth-url fastcgi-index
fastcgi-params-configmap http2-push-preload load-balance enable-access-log enable-rewrite-log mirror-host
mirror-request-body mirror-target enable-modsecurity enable-owasp-core-rules modsecurity-snippet
modsecurity-transaction-id enable-opentelemetry opentelemetry-operation-name opentelemetry-trust-incoming-span
proxy-body-size proxy-buffer-size proxy-buffering proxy-buffers-number proxy-busy-buffers-size proxy-connect-timeout
proxy-cookie-domain proxy-cookie-path proxy-http-version proxy-max-temp-file-size proxy-next-upstream
proxy-next-upstream-timeout proxy-next-upstream-tries proxy-read-timeout proxy-redirect-from proxy-redirect-to
proxy-request-buffering proxy-send-timeout proxy-ssl-ciphers proxy-ssl-name proxy-ssl-protocols proxy-ssl-secret
proxy-ssl-server-name proxy-ssl-verify proxy-ssl-verify-depth limit-allowlist limit-burst-multiplier
limit-connections limit-rate limit-rate-after limit-rpm limit-rps from-to-www-redirect permanent-redirect
permanent-redirect-code relative-redirects temporal-redirect temporal-redirect-code app-root force-ssl-redirect
preserve-trailing-slash rewrite-target ssl-redirect use-regex ssl-ciphers ssl-prefer-server-ciphers ssl-passthrough
satisfy server-snippet service-upstream affinity affinity-canary-behavior affinity-mode
session-cookie-change-on-failure session-cookie-conditional-samesite-none session-cookie-domain
session-cookie-expires session-cookie-max-age session-cookie-name session-cookie-path session-cookie-samesite
session-cookie-secure stream-snippet upstream-hash-by upstream-hash-by-subset upstream-hash-by-subset-size
upstream-vhost use-port-in-redirects x-forwarded-prefix whitelist-source-range limit-whitelist`.split(/\s+/);

describe('ingress-nginx annotations', () => {
  it('declares every annotation of ingress-nginx once', () => {
    const names = INGRESS_NGINX_ANNOTATIONS.map((a) => a.name);
    assert.deepEqual(
      names.filter((n, i) => names.indexOf(n) !== i),
      [],
      'declared twice',
    );
    assert.deepEqual(
      UPSTREAM_NAMES.filter((n) => !names.includes(n)),
      [],
      'not declared',
    );
    for (const a of INGRESS_NGINX_ANNOTATIONS)
      assert.equal(
        a.translate === undefined,
        a.support === 'unsupported',
        `${a.name}: translated iff supported`,
      );
  });

  it('redirects: force-ssl-redirect wins over ssl-redirect "false"; permanent and temporal redirects with codes', () => {
    assert.deepEqual(translate({ 'ssl-redirect': 'false' }).values, { 'haproxy.org/ssl-redirect': 'false' });
    assert.deepEqual(translate({ 'ssl-redirect': 'true' }).values, {}, '"true" is the default');
    assert.deepEqual(translate({ 'ssl-redirect': 'false', 'force-ssl-redirect': 'true' }).values, {
      'haproxy.org/ssl-redirect': 'true',
    });
    assert.deepEqual(translate({ 'preserve-trailing-slash': 'true' }).values, {
      'haproxy.org/ssl-redirect-trailing-slash': 'keep',
    });
    const permanent = translate({ 'permanent-redirect': '/new', 'permanent-redirect-code': '308' });
    assert.deepEqual(permanent.values, {
      'haproxy.org/redirect-location': '/new',
      'haproxy.org/redirect-location-code': '308',
    });
    assert.equal(permanent.written['haproxy.org/redirect-location'], `${N}permanent-redirect`);
    // ingress-nginx takes an out-of-range code silently as its default.
    assert.equal(
      translate({ 'temporal-redirect': 'https://x.example/a', 'temporal-redirect-code': '308' }).values[
        'haproxy.org/redirect-location-code'
      ],
      '302',
    );
    // temporal-redirect wins over permanent-redirect, as in ingress-nginx.
    assert.equal(
      translate({ 'temporal-redirect': 'https://t.example', 'permanent-redirect': 'https://p.example' })
        .values['haproxy.org/redirect-location'],
      'https://t.example',
    );
  });

  it('use-regex and rewrite-target: $1..$9 only', () => {
    assert.deepEqual(translate({ 'use-regex': 'true', 'rewrite-target': '/$2' }).values, {
      'haproxy.org/path-regex': 'true',
      'haproxy.org/rewrite-target': '/$2',
    });
    assert.equal(translate({ 'rewrite-target': '/$host/x' }).outcomes[0]?.outcome, 'unsupported');
    assert.equal(translate({ 'rewrite-target': '/a b' }).outcomes[0]?.outcome, 'invalid');
  });

  it('rate limits: the burst of limit-rps, limit-burst-multiplier and limit-rpm', () => {
    const rps = translate({ 'limit-rps': '2' });
    assert.deepEqual(rps.values, {
      'haproxy.org/rate-limit-requests': '11',
      'haproxy.org/rate-limit-period': '5s',
    });
    assert.equal(rps.outcomes[0]?.outcome, 'mapped');
    assert.deepEqual(translate({ 'limit-rpm': '10', 'limit-burst-multiplier': '2' }).values, {
      'haproxy.org/rate-limit-requests': '21',
      'haproxy.org/rate-limit-period': '120s',
    });
  });

  it('backend-protocol, timeouts and upstream-hash-by land on our keys', () => {
    assert.deepEqual(translate({ 'backend-protocol': 'grpcs' }).values, {
      'haproxy.org/server-ssl': 'true',
      'haproxy.org/server-proto': 'h2',
    });
    assert.deepEqual(translate({ 'proxy-read-timeout': '120' }).values, {
      'haproxy.org/timeout-server': '120s',
    });
    assert.deepEqual(translate({ 'upstream-hash-by': '$http_x_user_id' }).values, {
      'haproxy.org/load-balance': 'hdr(x-user-id)',
    });
  });

  it('invalid, unsupported and unknown annotations are problems naming the annotation', () => {
    const t = translate({
      'ssl-redirect': 'maybe',
      'configuration-snippet': 'more_set_headers "X: y";',
      'no-such-thing': 'x',
      'limit-rps': '0',
    });
    const seen = t.problems.map((p) => [p.field, p.reason, p.ref]);
    assert.deepEqual(
      seen.sort(),
      [
        [`${N}configuration-snippet`, 'Unsupported', REF],
        [`${N}limit-rps`, 'InvalidValue', REF],
        [`${N}no-such-thing`, 'UnknownKey', REF],
        [`${N}ssl-redirect`, 'InvalidValue', REF],
      ].sort(),
    );
    assert.deepEqual(t.values, {});
    const outcomes = Object.fromEntries(t.outcomes.map((o) => [o.field, o.outcome]));
    assert.deepEqual(outcomes, {
      [`${N}configuration-snippet`]: 'unsupported',
      [`${N}limit-rps`]: 'invalid',
      [`${N}no-such-thing`]: 'unknown',
      [`${N}ssl-redirect`]: 'invalid',
    });
  });
});
