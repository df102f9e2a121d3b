/**
 * Keys that shape the requests and responses of a route: redirects, rewrites,
 * headers, access lists, rate limits, basic auth, CORS and HSTS. They apply to
 * the backend a route points at (see controller/model/policy.ts) and may be
 * set on a Service, an Ingress or in the ConfigMap.
 */

import { accessList } from './access-lists.ts';
import { AUTH_KEYS } from './auth-keys.ts';
import { CLIENT_AUTH_KEYS } from './client-auth-keys.ts';
import { LIMIT_KEYS } from './limit-keys.ts';
import { REDIRECT_KEYS } from './redirect-keys.ts';
import { defineKey } from './registry.ts';
import {
  addressList,
  authType,
  captureList,
  denyStatus,
  headerLines,
  headerName,
  hostPort,
  originList,
  pathRewrite,
  realm,
  redirectCode,
  redirectTarget,
  seconds,
  secretRef,
  tableSize,
  tokenList,
} from './request-values.ts';
import { bool, duration, int } from './values.ts';

const ALL = ['configmap', 'ingress', 'service'] as const;

const ROUTING_KEYS = {
  sslRedirect: defineKey({
    name: 'ssl-redirect',
    scopes: ALL,
    schema: bool.optional(),
    default: undefined,
    description:
      'Redirect plain HTTP requests to HTTPS. When unset, on for hosts listed in the tls section of their Ingress; "false" turns it off, "true" redirects hosts without TLS too.',
  }),
  sslRedirectCode: defineKey({
    name: 'ssl-redirect-code',
    scopes: ALL,
    schema: redirectCode,
    default: 302,
    description: 'Status of the HTTP to HTTPS redirect: 301, 302, 303, 307 or 308.',
  }),
  sslRedirectPort: defineKey({
    name: 'ssl-redirect-port',
    scopes: ALL,
    schema: int(1, 65535).optional(),
    default: undefined,
    description: 'Port put in the HTTPS redirect location (none, i.e. 443, when unset).',
  }),
  requestRedirect: defineKey({
    name: 'request-redirect',
    scopes: ALL,
    schema: redirectTarget.optional(),
    default: undefined,
    description:
      'Redirect every request to this host (`host`, `host:port`, optionally `https://host`), keeping path and query; the scheme is kept unless given.',
  }),
  requestRedirectCode: defineKey({
    name: 'request-redirect-code',
    scopes: ALL,
    schema: redirectCode,
    default: 302,
    description: 'Status of the request-redirect: 301, 302, 303, 307 or 308.',
  }),
  pathRewrite: defineKey({
    name: 'path-rewrite',
    scopes: ALL,
    schema: pathRewrite.optional(),
    default: undefined,
    description:
      'Rewrite the path sent to the pods: a single path replaces the whole path; `regex replacement` rewrites with a regular expression (`\\1` is the first group). Several rules, one per line, apply in order. The query string is kept.',
  }),
  setHost: defineKey({
    name: 'set-host',
    scopes: ALL,
    schema: hostPort.optional(),
    default: undefined,
    description: 'Host header sent to the pods.',
  }),
  requestSetHeader: defineKey({
    name: 'request-set-header',
    scopes: ALL,
    schema: headerLines('request').optional(),
    default: undefined,
    description:
      'Headers set on requests sent to the pods, one `Name value` per line. The value is read as HAProxy reads it: quote it with "..." or \'...\' to keep commas, spaces or "#"; `%[sample]` is evaluated per request (e.g. `%[src]`, `%[req.hdr(host),lower]`; fetches and converters from an allowlist); `%%` is a percent sign.',
  }),
  responseSetHeader: defineKey({
    name: 'response-set-header',
    scopes: ALL,
    schema: headerLines('response').optional(),
    default: undefined,
    description:
      'Headers set on responses sent to clients, one `Name value` per line, read like request-set-header (e.g. `Cache-Control "no-store,no-cache,private"`); samples may read the response, e.g. `%[status]`.',
  }),
  srcIpHeader: defineKey({
    name: 'src-ip-header',
    scopes: ALL,
    schema: headerName.optional(),
    default: undefined,
    description:
      'Take the client address from this request header (e.g. X-Real-IP) before access lists and rate limits are applied.',
  }),
  requestCapture: defineKey({
    name: 'request-capture',
    scopes: ALL,
    schema: captureList.optional(),
    default: undefined,
    description:
      'Samples captured into the request log (`{...}` in the httplog format), one per line, e.g. `req.fhdr(user-agent)`, `cookie(name)`, `url_param(id)` or `path`, optionally with converters such as `,lower`; fetches and converters from an allowlist.',
  }),
  requestCaptureLen: defineKey({
    name: 'request-capture-len',
    scopes: ALL,
    schema: int(1, 1024),
    default: 128,
    description: 'Longest captured value, in characters.',
  }),
};

const ACCESS_KEYS = {
  allowList: defineKey({
    name: 'allow-list',
    aliases: ['whitelist'],
    scopes: ALL,
    schema: accessList.optional(),
    default: undefined,
    description:
      'Only these client addresses or CIDR blocks (IPv4 and IPv6, separated by commas or spaces) are served; others get 403 (on an ssl-passthrough route, their connection is closed). `patterns/NAME` reads them from the pattern file NAME of --configmap-patternfiles, which changes without a reload.',
  }),
  denyList: defineKey({
    name: 'deny-list',
    aliases: ['blacklist'],
    scopes: ALL,
    schema: accessList.optional(),
    default: undefined,
    description:
      'Client addresses or CIDR blocks that get 403 (on an ssl-passthrough route, their connection is closed); `patterns/NAME` reads them from a pattern file, as allow-list does.',
  }),
  rateLimitRequests: defineKey({
    name: 'rate-limit-requests',
    scopes: ALL,
    schema: int(1, 1_000_000_000).optional(),
    default: undefined,
    description:
      'Requests one client address may send per rate-limit-period; further requests get rate-limit-status-code.',
  }),
  rateLimitPeriod: defineKey({
    name: 'rate-limit-period',
    scopes: ALL,
    schema: duration,
    default: '1s',
    description: 'Period over which rate-limit-requests are counted.',
  }),
  rateLimitSize: defineKey({
    name: 'rate-limit-size',
    scopes: ALL,
    schema: tableSize,
    default: '100k',
    description: 'Number of client addresses tracked for the rate limit (k, m, g suffixes allowed).',
  }),
  rateLimitStatusCode: defineKey({
    name: 'rate-limit-status-code',
    scopes: ALL,
    schema: denyStatus,
    default: 403,
    description: 'Status returned to a client over the rate limit (e.g. 429).',
  }),
  rateLimitWhitelist: defineKey({
    name: 'rate-limit-whitelist',
    scopes: ALL,
    schema: addressList.optional(),
    default: undefined,
    description: 'Client addresses or CIDR blocks exempt from the rate limit.',
  }),
  authType: defineKey({
    name: 'auth-type',
    scopes: ALL,
    schema: authType.optional(),
    default: undefined,
    description: 'Authentication required for the route: basic-auth.',
  }),
  authSecret: defineKey({
    name: 'auth-secret',
    scopes: ALL,
    schema: secretRef.optional(),
    default: undefined,
    description:
      "Secret (`name` in the Ingress's namespace, or `namespace/name`) whose keys are user names and values crypt(3) password hashes. Missing or without valid users: every request gets 401.",
  }),
  authRealm: defineKey({
    name: 'auth-realm',
    scopes: ALL,
    schema: realm,
    default: 'Protected Content',
    description: 'Realm announced in the WWW-Authenticate header.',
  }),
};

const CORS_KEYS = {
  corsEnable: defineKey({
    name: 'cors-enable',
    scopes: ALL,
    schema: bool,
    default: false,
    description:
      'Answer CORS preflight requests (OPTIONS with Access-Control-Request-Method) in HAProxy with 204, and add CORS headers to responses.',
  }),
  corsAllowOrigin: defineKey({
    name: 'cors-allow-origin',
    scopes: ALL,
    schema: originList,
    default: '*',
    description:
      'Allowed origins: `*`; origins such as https://app.example.com separated by commas or spaces; or a regular expression starting with `^` that the Origin must match, e.g. `^https://(.+\\.)?example\\.com$`. A matching Origin is echoed back.',
  }),
  corsAllowMethods: defineKey({
    name: 'cors-allow-methods',
    scopes: ALL,
    schema: tokenList,
    default: '*',
    description: 'Access-Control-Allow-Methods: `*` or methods separated by commas.',
  }),
  corsAllowHeaders: defineKey({
    name: 'cors-allow-headers',
    scopes: ALL,
    schema: tokenList,
    default: '*',
    description: 'Access-Control-Allow-Headers: `*` or header names separated by commas.',
  }),
  corsExposeHeaders: defineKey({
    name: 'cors-expose-headers',
    scopes: ALL,
    schema: tokenList.optional(),
    default: undefined,
    description:
      'Access-Control-Expose-Headers: response headers, separated by commas, that scripts of an allowed origin may read.',
  }),
  corsAllowCredentials: defineKey({
    name: 'cors-allow-credentials',
    scopes: ALL,
    schema: bool,
    default: false,
    description: 'Send Access-Control-Allow-Credentials: true.',
  }),
  corsRespondToOptions: defineKey({
    name: 'cors-respond-to-options',
    scopes: ALL,
    schema: bool,
    default: false,
    description:
      'With cors-enable, HAProxy answers every OPTIONS request with 204 and the CORS headers, not only preflights (OPTIONS with Access-Control-Request-Method); the pods see none.',
  }),
  corsMaxAge: defineKey({
    name: 'cors-max-age',
    scopes: ALL,
    schema: seconds,
    default: 5,
    description: 'Access-Control-Max-Age of preflight answers, in seconds (units s, m, h, d allowed).',
  }),
};

const HSTS_KEYS = {
  hsts: defineKey({
    name: 'hsts',
    scopes: ALL,
    schema: bool,
    default: false,
    description: 'Send Strict-Transport-Security on HTTPS responses (never over plain HTTP).',
  }),
  hstsMaxAge: defineKey({
    name: 'hsts-max-age',
    scopes: ALL,
    schema: seconds,
    default: 31_536_000,
    description: 'max-age of the Strict-Transport-Security header, in seconds (units s, m, h, d allowed).',
  }),
  hstsIncludeSubdomains: defineKey({
    name: 'hsts-include-subdomains',
    scopes: ALL,
    schema: bool,
    default: false,
    description: 'Add includeSubDomains to the Strict-Transport-Security header.',
  }),
  hstsPreload: defineKey({
    name: 'hsts-preload',
    scopes: ALL,
    schema: bool,
    default: false,
    description: 'Add preload to the Strict-Transport-Security header.',
  }),
};

export const REQUEST_KEYS = {
  ...ROUTING_KEYS,
  ...REDIRECT_KEYS,
  ...ACCESS_KEYS,
  ...LIMIT_KEYS,
  ...AUTH_KEYS,
  ...CLIENT_AUTH_KEYS,
  ...CORS_KEYS,
  ...HSTS_KEYS,
};
