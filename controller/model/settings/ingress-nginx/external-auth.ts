/**
 * ingress-nginx's external authentication (auth-url and its companions): the
 * auth service is asked by HAProxy's HTTP client from Lua
 * (haproxy/lua/auth-request.lua), once per request.
 */
import { declare, type NginxAnnotation, type Translation, unsupported } from './annotation.ts';

const into = (key: string) => (value: string) => ({ set: { [key]: value } });

export const EXTERNAL_AUTH_ANNOTATIONS: NginxAnnotation[] = [
  declare({
    name: 'auth-url',
    support: 'honoured',
    becomes: ['auth-url'],
    note: 'Each request is first sent (headers only, with X-Original-URL, X-Original-Method) to this URL: 2xx lets it through, 401 and 403 are passed on, no answer or any other status gives 500. $host, $scheme, $request_uri, $escaped_request_uri are filled in.',
    translate: into('auth-url'),
  }),
  declare({
    name: 'auth-method',
    support: 'honoured',
    becomes: ['auth-url-method'],
    note: 'Method of the auth request.',
    translate: into('auth-url-method'),
  }),
  declare({
    name: 'auth-response-headers',
    support: 'honoured',
    becomes: ['auth-url-response-headers'],
    note: 'Headers of the auth answer copied onto the request sent to the pods.',
    translate: into('auth-url-response-headers'),
  }),
  declare({
    name: 'auth-signin',
    support: 'honoured',
    becomes: ['auth-url-signin'],
    note: 'Where a 401 sends the client (302), with ?rd= and the URL of the request.',
    translate: into('auth-url-signin'),
  }),
  declare({
    name: 'auth-signin-redirect-param',
    support: 'honoured',
    becomes: ['auth-url-signin-param'],
    note: 'The parameter of auth-signin that carries the URL of the request (rd).',
    translate: into('auth-url-signin-param'),
  }),
  declare({
    name: 'enable-global-auth',
    support: 'honoured',
    becomes: [],
    note: 'There is no cluster-wide auth URL here: nothing to turn off.',
    translate: (value): Translation =>
      /^(true|false)$/i.test(value.trim()) ? { set: {} } : { invalid: 'must be true or false' },
  }),
  ...['auth-keepalive', 'auth-keepalive-requests', 'auth-keepalive-timeout', 'auth-keepalive-share-vars'].map(
    (name) =>
      declare({
        name,
        support: 'mapped',
        becomes: [],
        note: "HAProxy's HTTP client opens a connection per auth request; keep-alive to the auth service is not configurable.",
        translate: (value): Translation =>
          /^[A-Za-z0-9]{1,16}$/.test(value.trim())
            ? { set: {}, differs: 'a connection per auth request' }
            : { invalid: 'must be a number or true/false' },
      }),
  ),
  unsupported('auth-cache-key', 'auth answers are not cached: every request asks the auth service'),
  unsupported('auth-cache-duration', 'auth answers are not cached: every request asks the auth service'),
  unsupported('auth-request-redirect', 'X-Auth-Request-Redirect always carries the request URI'),
  unsupported('auth-proxy-set-headers', 'headers from a ConfigMap are not added to auth requests'),
  unsupported(
    'auth-always-set-cookie',
    'the Set-Cookie of the auth service goes with answers from the pods only',
  ),
];
