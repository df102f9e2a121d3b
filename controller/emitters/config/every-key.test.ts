/**
 * Every key of the registry, set to a valid value, shows in the rendered
 * config: the model decided it and the emitter printed it. A key without an
 * entry here fails, so a new key cannot be declared and then silently dropped.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { modelOf } from '../../model/model-fixtures.ts';
import { ALL_KEYS } from '../../model/settings/keys.ts';
import { planSlots } from '../runtime/slots.ts';
import { renderConfig } from './render.ts';
import { routingMaps } from './route-map.ts';
import { selfSignedCertificate } from './self-signed.ts';
import { buildView } from './view.ts';

/** static: a Service of its own, for keys that exclude others set on `service`. */
type Where =
  | 'configmap'
  | 'service'
  | 'ingress'
  | 'passthrough'
  | 'static'
  | 'closed'
  | 'canary'
  | 'canary2'
  | 'tlsauth'
  | 'upstream';

/** Key → where it is set, its value, and what it prints. */
const EVERY_KEY: Record<string, { on: Where; value: string; prints: RegExp }> = {
  maxconn: { on: 'configmap', value: '2000', prints: /^ {2}maxconn 2000$/m },
  nbthread: { on: 'configmap', value: '2', prints: /^ {2}nbthread 2$/m },
  'hard-stop-after': { on: 'configmap', value: '17m', prints: /^ {2}hard-stop-after 17m$/m },
  'syslog-server': {
    on: 'configmap',
    value: 'address:127.0.0.1, port:514, facility:local1, level:info',
    prints: /^ {2}log 127\.0\.0\.1:514 local1 info$/m,
  },
  'global-config-snippet': {
    on: 'configmap',
    value: 'tune.bufsize 32768',
    prints: /^ {2}tune\.bufsize 32768$/m,
  },
  'frontend-config-snippet': {
    on: 'configmap',
    value: 'http-response set-header X-Frontend-Snippet on',
    prints: /^ {2}http-response set-header X-Frontend-Snippet on$/m,
  },
  'stats-config-snippet': { on: 'configmap', value: 'stats show-node', prints: /^ {2}stats show-node$/m },
  'timeout-client': { on: 'configmap', value: '31s', prints: /^ {2}timeout client 31s$/m },
  'timeout-connect': { on: 'configmap', value: '4s', prints: /^ {2}timeout connect 4s$/m },
  'timeout-http-request': { on: 'configmap', value: '6s', prints: /^ {2}timeout http-request 6s$/m },
  'timeout-http-keep-alive': { on: 'configmap', value: '7s', prints: /^ {2}timeout http-keep-alive 7s$/m },
  'timeout-queue': { on: 'configmap', value: '8s', prints: /^ {2}timeout queue 8s$/m },
  'timeout-tunnel': { on: 'configmap', value: '2h', prints: /^ {2}timeout tunnel 2h$/m },
  'timeout-client-fin': { on: 'configmap', value: '3s', prints: /^ {2}timeout client-fin 3s$/m },
  'timeout-server-fin': { on: 'configmap', value: '2s', prints: /^ {2}timeout server-fin 2s$/m },
  'log-format': { on: 'configmap', value: '%ci %ST', prints: /^ {2}log-format "%ci %ST"$/m },
  dontlognull: { on: 'configmap', value: 'true', prints: /^ {2}option dontlognull$/m },
  logasap: { on: 'configmap', value: 'true', prints: /^ {2}option logasap$/m },
  'http-connection-mode': {
    on: 'configmap',
    value: 'http-server-close',
    prints: /^ {2}option http-server-close$/m,
  },
  'ssl-certificate': {
    on: 'configmap',
    value: 'default-cert',
    prints: / crt \/etc\/hsi\/certs\/default_default-cert\.pem /m,
  },
  'client-ca': {
    on: 'configmap',
    value: 'cas',
    prints: / ca-file \/etc\/hsi\/certs\/client-ca\/default_cas\.pem /m,
  },
  'client-crt-optional': { on: 'configmap', value: 'true', prints: / verify optional$/m },
  'client-strict-sni': { on: 'configmap', value: 'true', prints: / strict-sni /m },
  'tls-alpn': { on: 'configmap', value: 'h2', prints: / alpn h2 /m },
  'proxy-protocol': {
    on: 'configmap',
    value: '10.9.0.0/16',
    prints: /^ {2}tcp-request connection expect-proxy layer4 if \{ src 10\.9\.0\.0\/16 \}$/m,
  },
  'servers-increment': { on: 'service', value: '7', prints: /^ {2}server SRV_7 /m },
  'timeout-server': { on: 'service', value: '51s', prints: /^ {2}timeout server 51s$/m },
  check: { on: 'service', value: 'true', prints: /^ {2}default-server check /m },
  'check-interval': { on: 'service', value: '3s', prints: / inter 3s /m },
  'load-balance': { on: 'service', value: 'leastconn', prints: /^ {2}balance leastconn$/m },
  'forwarded-for': { on: 'service', value: 'true', prints: /^ {2}option forwardfor$/m },
  'check-http': { on: 'service', value: '/healthz', prints: /^ {2}http-check send meth GET uri \/healthz$/m },
  'timeout-check': { on: 'service', value: '2s', prints: /^ {2}timeout check 2s$/m },
  'pod-maxconn': { on: 'service', value: '33', prints: / maxconn 33 /m },
  'send-proxy-protocol': { on: 'service', value: 'proxy-v2', prints: / send-proxy-v2 /m },
  'cookie-persistence': {
    on: 'service',
    value: 'SRVID',
    prints: /^ {2}cookie SRVID insert indirect nocache dynamic$/m,
  },
  abortonclose: { on: 'service', value: 'true', prints: /^ {2}option abortonclose$/m },
  'backend-config-snippet': {
    on: 'service',
    value: 'http-response set-header X-Backend-Snippet on',
    prints: /^ {2}http-response set-header X-Backend-Snippet on$/m,
  },
  'server-ssl': { on: 'service', value: 'true', prints: / ssl verify required /m },
  'server-ca': { on: 'service', value: 'cas', prints: / ca-file server-ca\/default_cas\.pem /m },
  'server-crt': { on: 'service', value: 'client', prints: / crt server-crt\/default_client\.pem /m },
  'server-proto': { on: 'service', value: 'h2', prints: / proto h2$/m },
  'ssl-passthrough': {
    on: 'passthrough',
    value: 'true',
    prints: /^backend default_pt_80\n {2}# Service default\/pt\n {2}mode tcp$/m,
  },
  'ssl-redirect': { on: 'service', value: 'true', prints: /^ {2}http-request redirect location 'https:/m },
  'ssl-redirect-code': { on: 'service', value: '301', prints: / code 301 unless \{ ssl_fc \}$/m },
  'ssl-redirect-port': {
    on: 'service',
    value: '8443',
    prints: /\]:8443%\[pathq(,regsub\(\/\$,\))?\]' code/m,
  },
  'request-redirect': {
    on: 'service',
    value: 'other.example',
    prints: /'https:\/\/other\.example%\[pathq\]'/m,
  },
  'request-redirect-code': { on: 'service', value: '307', prints: /other\.example%\[pathq\]' code 307/m },
  'path-rewrite': {
    on: 'service',
    value: '/v1/(.*) /\\1',
    prints: /^ {2}http-request replace-path '\/v1\/\(\.\*\)' '\/\\1'$/m,
  },
  'set-host': {
    on: 'service',
    value: 'inner.example',
    prints: /^ {2}http-request set-header Host 'inner\.example'$/m,
  },
  'request-set-header': {
    on: 'service',
    value: 'X-Req yes',
    prints: /^ {2}http-request set-header X-Req 'yes'$/m,
  },
  'response-set-header': {
    on: 'service',
    value: 'X-Resp yes',
    prints: /^ {2}http-response set-header X-Resp 'yes'$/m,
  },
  'src-ip-header': {
    on: 'service',
    value: 'X-Real-IP',
    prints: /^ {2}http-request set-src req\.hdr\(X-Real-IP\)$/m,
  },
  'request-capture': {
    on: 'service',
    value: 'hdr(X-Tag)',
    prints: /^ {2}http-request capture hdr\(X-Tag\) id 0$/m,
  },
  'request-capture-len': { on: 'service', value: '17', prints: /^ {2}declare capture request len 17$/m },
  'allow-list': {
    on: 'service',
    value: '10.1.0.0/16',
    prints: /deny_status 403 unless \{ src 10\.1\.0\.0\/16 \}$/m,
  },
  'deny-list': {
    on: 'service',
    value: '10.2.0.0/16',
    prints: /deny_status 403 if \{ src 10\.2\.0\.0\/16 \}$/m,
  },
  'rate-limit-requests': { on: 'service', value: '99', prints: /sc_http_req_rate\(0\) gt 99/m },
  'rate-limit-period': {
    on: 'service',
    value: '7s',
    prints: / expire 7s store http_req_rate\(7s\)(,conn_cur)?$/m,
  },
  'rate-limit-size': { on: 'service', value: '123k', prints: /^ {2}stick-table type ipv6 size 123k /m },
  'rate-limit-status-code': {
    on: 'service',
    value: '429',
    prints: /deny_status 429 if \{ sc_http_req_rate/m,
  },
  'rate-limit-whitelist': {
    on: 'service',
    value: '10.3.0.0/16',
    prints: /track-sc0 src unless \{ src 10\.3\.0\.0\/16 \}$/m,
  },
  'auth-type': {
    on: 'service',
    value: 'basic-auth',
    prints: /^ {2}http-request auth realm '\w+' unless \{ lua\.basic_auth\(auth_default_users\) -m bool \}$/m,
  },
  'auth-secret': {
    on: 'service',
    value: 'users',
    prints: /^userlist auth_default_users\n {2}user alice password /m,
  },
  'auth-realm': { on: 'service', value: 'Inner', prints: /auth realm 'Inner'/m },
  'cors-enable': {
    on: 'service',
    value: 'true',
    prints:
      /^ {2}http-after-response add-header Vary Origin unless \{ res\.hdr\(vary\) -m sub -i origin \}$/m,
  },
  'cors-expose-headers': {
    on: 'service',
    value: 'X-Total',
    prints: /^ {2}http-after-response set-header Access-Control-Expose-Headers 'X-Total'/m,
  },
  'cors-allow-origin': {
    on: 'service',
    value: 'https://a.example',
    prints: /-m str -i https:\/\/a\.example \}$/m,
  },
  'cors-allow-methods': {
    on: 'service',
    value: 'GET, PUT',
    prints: /Access-Control-Allow-Methods 'GET, PUT'/m,
  },
  'cors-allow-headers': { on: 'service', value: 'X-One', prints: /Access-Control-Allow-Headers 'X-One'/m },
  'cors-allow-credentials': {
    on: 'service',
    value: 'true',
    prints: /Access-Control-Allow-Credentials true/m,
  },
  'cors-max-age': { on: 'service', value: '600', prints: /Access-Control-Max-Age 600/m },
  'cors-respond-to-options': {
    on: 'service',
    value: 'true',
    prints: /return status 204 .* if METH_OPTIONS \{ var\(txn\.cors_origin\) -m found \}$/m,
  },
  'cookie-persistence-no-dynamic': {
    on: 'static',
    value: 'STATIC',
    prints:
      /^ {2}cookie STATIC insert indirect nocache\n(.*\n)* {2}server SRV_1 127\.0\.0\.1:1 disabled cookie SRV_1$/m,
  },
  'route-acl': { on: 'service', value: 'rand(100) lt 25', prints: / \{ rand\(100\) lt 25 \}$/m },
  // A Service of its own with a cluster IP: its one server is the cluster IP and the Service port.
  'service-upstream': { on: 'upstream', value: 'true', prints: /^ {2}server SRV_1 10\.96\.0\.7:80 /m },
  'standalone-backend': { on: 'ingress', value: 'true', prints: /^backend default_web_80_[0-9a-f]{10}$/m },
  // Deprecated; http-connection-mode (set above) wins, so these print what it prints.
  'http-server-close': { on: 'configmap', value: 'true', prints: /^ {2}option http-server-close$/m },
  'http-keep-alive': { on: 'configmap', value: 'true', prints: /^ {2}option http-server-close$/m },
  hsts: { on: 'service', value: 'true', prints: /set-header Strict-Transport-Security 'max-age=/m },
  'hsts-max-age': { on: 'service', value: '777', prints: /'max-age=777;/m },
  'hsts-include-subdomains': { on: 'service', value: 'true', prints: /; includeSubDomains/m },
  'hsts-preload': { on: 'service', value: 'true', prints: /; preload'/m },
  'ssl-redirect-trailing-slash': {
    on: 'ingress',
    value: 'drop',
    prints: /%\[pathq,regsub\(\/\$,\)\]' code/m,
  },
  'app-root': {
    on: 'ingress',
    value: '/app',
    prints:
      /redirect location '%\[ssl_fc,iif\(https,http\)\]:\/\/%\[req\.hdr\(host\)\]\/app' code 302 if \{ path \/ \}$/m,
  },
  'redirect-location': {
    on: 'ingress',
    value: '/moved',
    prints: /^ {2}http-request redirect location '\/moved' /m,
  },
  'redirect-location-code': { on: 'ingress', value: '303', prints: /location '\/moved' code 303 if TRUE$/m },
  'redirect-location-relative': { on: 'ingress', value: 'true', prints: /redirect location '\/moved' code/m },
  'path-regex': { on: 'ingress', value: 'true', prints: /\{ path -m reg '\^\(\?:\(\?i:\/\)\.\*\)\$' \}/m },
  'rewrite-target': {
    on: 'ingress',
    value: '/x',
    prints: /^ {2}http-request replace-path '\^\(\?i:\/\)' '\/x'$/m,
  },
  'request-body-max': {
    on: 'service',
    value: '4k',
    prints: /^ {2}http-request deny deny_status 413 if \{ req\.hdr_val\(content-length\) gt 4096 \}$/m,
  },
  'rate-limit-connections': { on: 'service', value: '7', prints: /if \{ sc_conn_cur\(0\) gt 7 \}/m },
  'auth-unavailable-status': {
    on: 'closed',
    value: '503',
    prints: /^ {2}http-request deny deny_status 503 (if TRUE|unless .*)$/m,
  },
  'cookie-persistence-path': {
    on: 'service',
    value: '/shop',
    prints: /replace-header Set-Cookie .*'\\1; Path=\/shop;/m,
  },
  'cookie-persistence-domain': { on: 'service', value: 'a.example', prints: /; Domain=a\.example;/m },
  'cookie-persistence-max-age': { on: 'service', value: '60', prints: /; Max-Age=60;/m },
  'cookie-persistence-expires': {
    on: 'service',
    value: '90',
    prints: /; Expires=%\[date\(90\),http_date\];/m,
  },
  'cookie-persistence-samesite': { on: 'service', value: 'lax', prints: /; SameSite=Lax;/m },
  'cookie-persistence-secure': { on: 'service', value: 'true', prints: /; Secure; HttpOnly'$/m },
  'cookie-persistence-httponly': {
    on: 'service',
    value: 'true',
    prints:
      /^ {2}http-after-response replace-header Set-Cookie '\^\(SRVID=\[\^;\]\*\)\(;\.\*\)\?\$' .*; HttpOnly'$/m,
  },
  canary: { on: 'canary', value: 'true', prints: /'req\.hdr\(X-Canary\)' -m str 'v2'/m },
  'canary-header': { on: 'canary', value: 'X-Canary', prints: /'req\.hdr\(X-Canary\)' -m str 'v2'/m },
  'canary-header-value': { on: 'canary', value: 'v2', prints: /'req\.hdr\(X-Canary\)' -m str 'v2'/m },
  'canary-cookie': {
    on: 'canary',
    value: 'cc',
    prints: /'req\.hdr\(Cookie\)' -m reg '\^\(\?:\(\?:\.\*;\)\? \*cc=always/m,
  },
  'canary-header-pattern': {
    on: 'canary2',
    value: 'eu-(west)',
    prints: /'req\.hdr\(X-Region\)' -m reg '\^\(\?:\.\*\(\?:eu-\(west\)\)\.\*\)\$'/m,
  },
  'canary-weight': { on: 'canary', value: '30', prints: /^\d+:\d+ default_cn_80$/m },
  'canary-weight-total': { on: 'canary', value: '200', prints: /^\d+:\d*849999 default_st_80$/m },
  'auth-url': {
    on: 'service',
    value: 'http://auth.example/verify',
    prints: /lua\.auth_request 'http:\/\/auth\.example\/verify' /m,
  },
  'auth-url-method': { on: 'service', value: 'POST', prints: /lua\.auth_request '[^']*' POST /m },
  'auth-url-response-headers': {
    on: 'service',
    value: 'X-User',
    prints: /lua\.auth_request '[^']*' \w+ 'X-User' /m,
  },
  'auth-url-signin': {
    on: 'service',
    value: 'http://$host/start',
    prints: /lua\.auth_request .* 'http:\/\/\$host\/start' /m,
  },
  'auth-url-signin-param': { on: 'service', value: 'back', prints: /lua\.auth_request .* back$/m },
  satisfy: { on: 'closed', value: 'any', prints: /deny_status 503 unless \{ src 10\.7\.0\.0\/16 \}$/m },
  'location-rewrite': {
    on: 'service',
    value: '/a /b',
    prints: /^ {2}http-response replace-header Location '\^\\\/a\(\.\*\)\$' '\/b\\1'$/m,
  },
  'server-alias': { on: 'ingress', value: 'alias.example', prints: /^alias\.example\/ /m },
  'client-auth-ca': {
    on: 'tlsauth',
    value: 'cas',
    prints: / crt-list \/etc\/hsi\/certs\/client-auth\.crt-list crt-list /m,
  },
  'client-auth-verify': {
    on: 'tlsauth',
    value: 'optional',
    // Optional: only a certificate that was sent and failed is refused, not a missing one.
    prints:
      /(?<!if \{ ssl_fc \} !\{ ssl_c_used \}\n) {2}http-request redirect location '[^']*' code 302 if \{ ssl_c_used \}/m,
  },
  'client-auth-error-page': {
    on: 'tlsauth',
    value: 'https://err.example/',
    prints:
      /redirect location 'https:\/\/err\.example\/' code 302 if \{ ssl_c_used \} !\{ ssl_c_verify 0 \}$/m,
  },
  'client-auth-pass-certificate': {
    on: 'tlsauth',
    value: 'true',
    prints: /set-header ssl-client-cert %\[lua\.client_cert_pem\] if \{ ssl_c_used \}$/m,
  },
  'client-auth-match-subject': {
    on: 'tlsauth',
    value: 'CN=x',
    prints: /deny_status 403 if \{ ssl_fc \} !\{ ssl_c_s_dn\(,0,rfc2253\) -m reg 'CN=x' \}$/m,
  },
  'error-pages-service': {
    on: 'tlsauth',
    value: 'web',
    prints: /^ {2}http-request lua\.error_page default_web_80\S* 503 default,ta,web,80 if \{ nbsrv lt 1 \}$/m,
  },
  'error-pages-codes': {
    on: 'tlsauth',
    value: '404, 502',
    prints: /^ {2}http-response lua\.error_page \S+ - default,ta,web,80 if \{ status 404 502 \}$/m,
  },
  // At its default (true), as set here: the answers of the listed statuses are replaced.
  'error-pages-intercept': { on: 'tlsauth', value: 'true', prints: /^ {2}http-response lua\.error_page /m },
  'www-redirect': {
    on: 'ingress',
    value: 'true',
    prints:
      /^ {2}http-request redirect location '%\[ssl_fc,iif\(https,http\)\]:\/\/web\.example:.* code 308 if TRUE$/m,
  },
};

const b64 = (s: string) => Buffer.from(s).toString('base64');

function render(entries: [string, (typeof EVERY_KEY)[string]][]): string {
  const { cert, key } = selfSignedCertificate('x.example', [], 30);
  const set = (on: Where, prefix: string) =>
    Object.fromEntries(entries.filter(([, e]) => e.on === on).map(([name, e]) => [prefix + name, e.value]));
  const secret = (name: string, type: string, data: Record<string, string>) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: 'default' },
    type,
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])),
  });
  const service = (name: string, annotations: Record<string, string>) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default', annotations },
    spec: { ports: [{ port: 80 }] },
  });
  const ingress = (name: string, annotations: Record<string, string>) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: 'default', annotations },
    spec: {
      ingressClassName: 'haproxy',
      rules: [
        {
          host: `${name}.example`,
          http: {
            paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name, port: { number: 80 } } } }],
          },
        },
      ],
    },
  });
  const canary = (name: string, annotations: Record<string, string>) => {
    const object = ingress(name, annotations);
    const rule = object.spec.rules[0];
    return {
      ...object,
      spec: {
        ...object.spec,
        rules: [
          {
            host: 'st.example',
            http: {
              paths: [{ ...rule?.http.paths[0], backend: { service: { name: 'cn', port: { number: 80 } } } }],
            },
          },
        ],
      },
    };
  };
  const state = modelOf(
    [
      secret('default-cert', 'kubernetes.io/tls', { 'tls.crt': cert, 'tls.key': key }),
      secret('client', 'kubernetes.io/tls', { 'tls.crt': cert, 'tls.key': key }),
      secret('cas', 'Opaque', { 'ca.crt': cert }),
      secret('users', 'Opaque', {
        alice:
          '$6$salt$aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      }),
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'haproxy-configmap', namespace: 'default' },
        data: set('configmap', ''),
      },
      service('web', set('service', 'haproxy.org/')),
      service('pt', set('passthrough', 'haproxy.org/')),
      service('st', set('static', 'haproxy.org/')),
      {
        ...service('up', set('upstream', 'haproxy.org/')),
        spec: { clusterIP: '10.96.0.7', ports: [{ port: 80 }] },
      },
      // Basic auth whose Secret is missing: every request gets auth-unavailable-status.
      service('closed', {
        'haproxy.org/auth-type': 'basic-auth',
        'haproxy.org/auth-secret': 'absent',
        'haproxy.org/allow-list': '10.7.0.0/16',
        ...set('closed', 'haproxy.org/'),
      }),
      ingress('web', set('ingress', 'haproxy.org/')),
      ingress('pt', {}),
      ingress('st', {}),
      ingress('up', {}),
      ingress('closed', {}),
      service('cn', {}),
      // Canaries of st.example /: one with header value, cookie and weight, one with a header pattern.
      canary('cn1', set('canary', 'haproxy.org/')),
      // Client certificates on a host of their own (ta.example, Service web).
      {
        ...ingress('ta', set('tlsauth', 'haproxy.org/')),
        spec: {
          ingressClassName: 'haproxy',
          rules: [
            {
              host: 'ta.example',
              http: {
                paths: [
                  {
                    path: '/',
                    pathType: 'Prefix',
                    backend: { service: { name: 'web', port: { number: 80 } } },
                  },
                ],
              },
            },
          ],
        },
      },
      canary('cn2', {
        'haproxy.org/canary': 'true',
        'haproxy.org/canary-header': 'X-Region',
        ...set('canary2', 'haproxy.org/'),
      }),
    ],
    { allowConfigSnippets: true },
  );
  assert.deepEqual(
    state.problems.filter((p) => p.severity === 'error' && !p.message.startsWith('Secret default/absent ')),
    [],
    'every value in the table is valid',
  );
  const slots = new Map(state.backends.map((b) => [b.name, planSlots(b, undefined)]));
  const listen = {
    ipv4Address: '127.0.0.1',
    ipv6Address: undefined,
    httpPort: 80,
    httpsPort: 443,
    statsPort: 1024,
    healthzPort: 1042,
  };
  const config = renderConfig(
    buildView(state, slots, listen, { configDir: '/etc/hsi', statsSocket: '/run/hsi.sock' }),
  );
  // Keys that only change a map (canary-weight) show there: the maps follow the config.
  const maps = routingMaps(state.routing).map(
    ([path, entries]) => `# ${path}\n${entries.map(([k, v]) => `${k} ${v}`).join('\n')}`,
  );
  return [config, ...maps].join('\n');
}

describe('every key', () => {
  it('has an entry here for every key of the registry', () => {
    const missing = Object.values(ALL_KEYS)
      .map((k) => k.name)
      .filter((name) => !EVERY_KEY[name]);
    assert.deepEqual(missing, [], 'add each to EVERY_KEY with a valid value and the directive it prints');
  });

  it('prints its directive when set, and not when left at its default', () => {
    const entries = Object.entries(EVERY_KEY);
    const all = render(entries);
    const none = render([]);
    for (const [name, entry] of entries) {
      assert.match(all, entry.prints, `${name}: ${entry.value}`);
      // A key whose default is the value set here prints the same either way.
      const key = Object.values(ALL_KEYS).find((k) => k.name === name);
      if (String(key?.default) !== entry.value)
        assert.doesNotMatch(none, entry.prints, `${name} prints nothing at its default`);
    }
  });
});
