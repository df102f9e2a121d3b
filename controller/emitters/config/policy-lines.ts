/**
 * Turns a backend's request policy into HAProxy backend lines, in the order
 * HAProxy must evaluate them: the client address first (src-ip-header), then
 * captures (so that refused requests are logged with them), the HTTPS redirect, access lists, rate limit, CORS preflight (before auth:
 * browsers send preflights without credentials), auth, request-redirect and
 * request rewrites; response rules last.
 *
 * Every value from an annotation is printed inside single quotes (strong
 * quoting: HAProxy interprets nothing inside), and `%` is doubled where the
 * argument is a log-format string. Only header values may hold a single
 * quote, which they print escaped; anywhere else the schemas refuse quotes,
 * so a quote reaching here is a bug and throws.
 */
import { isApr1 } from '../../model/auth-users.ts';
import { PATTERN_DIR } from '../../model/pattern-files.ts';
import type { BackendPolicy } from '../../model/policy.ts';
import type { HeaderValuePart } from '../../model/settings/header-values.ts';
import { srcAcl } from './access-lines.ts';
import { authLines, externalAuthLines } from './auth-lines.ts';
import { clientAuthLines } from './client-auth-lines.ts';
import { requestEditLines, responseEditLines } from './edit-lines.ts';
import { errorPageLines } from './error-page-lines.ts';
import { bodyLimit, trackedLimits } from './limit-lines.ts';
import { locationRewriteLines } from './location-lines.ts';

export class UnquotableValueError extends Error {}

/** Strongly quoted argument. */
function quote(value: string): string {
  if (/['\r\n\0]/.test(value)) throw new UnquotableValueError(`cannot quote ${JSON.stringify(value)}`);
  return `'${value}'`;
}

/** Literal text inside a log-format argument. */
const literal = (value: string): string => value.replaceAll('%', '%%');

/**
 * A header value (literal text and `%[sample]` parts) as one log-format
 * argument. Quotes and `#` are ordinary text inside single quotes; a single
 * quote itself closes the quoted part, is written escaped (`\'`), and a new
 * quoted part starts.
 */
function headerValue(parts: readonly HeaderValuePart[]): string {
  const format = parts.map((p) => ('sample' in p ? `%[${p.sample}]` : literal(p.text))).join('');
  if (/[\r\n\0]/.test(format)) throw new UnquotableValueError(`cannot quote ${JSON.stringify(format)}`);
  return `'${format.replaceAll("'", "'\\''")}'`;
}

const PREFLIGHT = 'METH_OPTIONS { req.hdr(access-control-request-method) -m found }';

function sslRedirect(redirect: NonNullable<BackendPolicy['sslRedirect']>): string[] {
  const port = redirect.port === undefined ? '' : `:${redirect.port}`;
  const pathq = redirect.dropTrailingSlash ? '%[pathq,regsub(/$,)]' : '%[pathq]';
  return [
    `http-request redirect location ${quote(`https://%[req.hdr(host),field(1,:)]${port}${pathq}`)} code ${redirect.code} unless { ssl_fc }`,
  ];
}

/**
 * The condition of a rule that answers every request: the rules after it stay in the
 * config, unreached, without haproxy -c warning that they follow a final rule.
 */
const UNREACHED_AFTER = 'if TRUE';

/** The request's scheme and Host header as they came, port included. */
const REQUEST_ORIGIN = '%[ssl_fc,iif(https,http)]://%[req.hdr(host)]';

function appRoot(path: string): string[] {
  return [
    `http-request redirect location ${quote(`${REQUEST_ORIGIN}${literal(path)}`)} code 302 if { path / }`,
  ];
}

/** As ingress-nginx answers for the other spelling of a host: its standard port, no trailing `/`. */
function wwwRedirect(host: string): string[] {
  const location = `%[ssl_fc,iif(https,http)]://${literal(host)}:%[ssl_fc,iif(443,80)]%[pathq,regsub(/$,)]`;
  return [`http-request redirect location ${quote(location)} code 308 ${UNREACHED_AFTER}`];
}

/** `redirect` takes the usual codes; `return` any other status with a Location. */
function redirectLocation(redirect: NonNullable<BackendPolicy['redirectLocation']>): string[] {
  const absolute = redirect.url.startsWith('/') && !redirect.relative;
  // A path is made absolute the way ingress-nginx does: scheme and host of the request, no port.
  const location = `${absolute ? '%[ssl_fc,iif(https,http)]://%[req.hdr(host),field(1,:)]' : ''}${literal(redirect.url)}`;
  if ([301, 302, 303, 307, 308].includes(redirect.code))
    return [`http-request redirect location ${quote(location)} code ${redirect.code} ${UNREACHED_AFTER}`];
  return [`http-request return status ${redirect.code} hdr Location ${quote(location)} ${UNREACHED_AFTER}`];
}

function cors(policy: NonNullable<BackendPolicy['cors']>): string[] {
  const common = [
    `hdr Access-Control-Allow-Methods ${quote(literal(policy.methods))}`,
    `hdr Access-Control-Allow-Headers ${quote(literal(policy.headers))}`,
    `hdr Access-Control-Max-Age ${policy.maxAge}`,
    ...(policy.credentials ? ['hdr Access-Control-Allow-Credentials true'] : []),
    ...(policy.exposeHeaders
      ? [`hdr Access-Control-Expose-Headers ${quote(literal(policy.exposeHeaders))}`]
      : []),
  ].join(' ');
  const credentials = policy.credentials
    ? ['http-after-response set-header Access-Control-Allow-Credentials true']
    : [];
  // As the reference controller does: ordinary responses carry them too, not only preflight answers.
  const described = [
    `http-after-response set-header Access-Control-Allow-Methods ${quote(literal(policy.methods))}`,
    `http-after-response set-header Access-Control-Allow-Headers ${quote(literal(policy.headers))}`,
    `http-after-response set-header Access-Control-Max-Age ${policy.maxAge}`,
    ...(policy.exposeHeaders
      ? [
          `http-after-response set-header Access-Control-Expose-Headers ${quote(literal(policy.exposeHeaders))}`,
        ]
      : []),
  ];
  // cors-respond-to-options: a bare OPTIONS request is answered too, not only a preflight.
  const options = policy.respondToOptions ? ' METH_OPTIONS' : '';
  if (policy.origins === '*') {
    return [
      `http-request return status 204 hdr Access-Control-Allow-Origin '*' ${common} if ${PREFLIGHT}`,
      ...(options
        ? [`http-request return status 204 hdr Access-Control-Allow-Origin '*' ${common} if${options}`]
        : []),
      `http-after-response set-header Access-Control-Allow-Origin '*'`,
      ...credentials,
      ...described,
    ];
  }
  // A list or a regular expression: the request's Origin is echoed back when it matches.
  const origin = quote('%[var(txn.cors_origin)]');
  const allowed = Array.isArray(policy.origins)
    ? `-m str -i ${policy.origins.join(' ')}`
    : `-m reg -i ${quote(policy.origins.regex)}`;
  return [
    `http-request set-var(txn.cors_origin) req.hdr(origin) if { req.hdr(origin) ${allowed} }`,
    `http-request return status 204 hdr Access-Control-Allow-Origin ${origin} hdr Vary Origin ${common} if ${PREFLIGHT} { var(txn.cors_origin) -m found }`,
    `http-request return status 204 hdr Vary Origin if ${PREFLIGHT}`,
    // As the reference does, only for an allowed Origin: other OPTIONS requests reach the pods.
    ...(options
      ? [
          `http-request return status 204 hdr Access-Control-Allow-Origin ${origin} hdr Vary Origin ${common} if${options} { var(txn.cors_origin) -m found }`,
        ]
      : []),
    `http-after-response set-header Access-Control-Allow-Origin ${origin} if { var(txn.cors_origin) -m found }`,
    ...[...credentials, ...described].map((l) => `${l} if { var(txn.cors_origin) -m found }`),
    'http-after-response add-header Vary Origin unless { res.hdr(vary) -m sub -i origin }',
  ];
}

function requestRedirect(redirect: NonNullable<BackendPolicy['requestRedirect']>): string[] {
  const { scheme, host } = redirect.target;
  const to = (s: string) =>
    `http-request redirect location ${quote(`${s}://${host}%[pathq]`)} code ${redirect.code}`;
  if (scheme) return [to(scheme)];
  return [`${to('https')} if { ssl_fc }`, `${to('http')} unless { ssl_fc }`];
}

function hsts(policy: NonNullable<BackendPolicy['hsts']>): string[] {
  const value = [
    `max-age=${policy.maxAge}`,
    ...(policy.includeSubdomains ? ['includeSubDomains'] : []),
    ...(policy.preload ? ['preload'] : []),
  ].join('; ');
  return [`http-response set-header Strict-Transport-Security ${quote(value)} if { ssl_fc }`];
}

/**
 * The capture slots the frontends declare (`declare capture request len N`):
 * each backend with captures gets its own run of slots, sized by its
 * request-capture-len. `firstIds[i]` is the first slot of the i-th policy.
 */
export function captureSlots(policies: readonly BackendPolicy[]): { lengths: number[]; firstIds: number[] } {
  const lengths: number[] = [];
  const firstIds = policies.map((policy) => {
    const first = lengths.length;
    for (const _ of policy.captures?.samples ?? []) lengths.push(policy.captures?.len ?? 0);
    return first;
  });
  return { lengths, firstIds };
}

/** The policy's backend lines, each without indentation; captures use slots from `firstCaptureId` on. */
export function policyLines(
  policy: BackendPolicy,
  firstCaptureId = 0,
  patternDir = PATTERN_DIR,
  configDir = '.',
): string[] {
  const lines: string[] = [];
  if (policy.srcIpHeader) lines.push(`http-request set-src req.hdr(${policy.srcIpHeader})`);
  for (const [i, sample] of (policy.captures?.samples ?? []).entries())
    lines.push(`http-request capture ${sample} id ${firstCaptureId + i}`);
  if (policy.clientAuth) lines.push(...clientAuthLines(policy.clientAuth));
  if (policy.wwwRedirect) lines.push(...wwwRedirect(policy.wwwRedirect));
  if (policy.appRoot) lines.push(...appRoot(policy.appRoot));
  if (policy.redirectLocation) lines.push(...redirectLocation(policy.redirectLocation));
  if (policy.sslRedirect) lines.push(...sslRedirect(policy.sslRedirect));
  // satisfy any: a client the address lists let in needs no credentials, and one they keep out may still
  // authenticate; the lists then only excuse from auth instead of refusing.
  const sourceOk =
    policy.satisfyAny && (policy.auth || policy.externalAuth) && (policy.allowList || policy.denyList)
      ? [
          ...(policy.allowList ? [`{ ${srcAcl(policy.allowList, patternDir)} }`] : []),
          ...(policy.denyList ? [`!{ ${srcAcl(policy.denyList, patternDir)} }`] : []),
        ].join(' ')
      : undefined;
  if (policy.denyList && !sourceOk)
    lines.push(`http-request deny deny_status 403 if { ${srcAcl(policy.denyList, patternDir)} }`);
  if (policy.allowList && !sourceOk)
    lines.push(`http-request deny deny_status 403 unless { ${srcAcl(policy.allowList, patternDir)} }`);
  lines.push(...trackedLimits(policy));
  const corsLines = policy.cors ? cors(policy.cors) : [];
  lines.push(...corsLines.filter((l) => l.startsWith('http-request')));
  if (policy.auth) lines.push(...authLines(policy.auth, configDir, sourceOk));
  if (policy.externalAuth) lines.push(...externalAuthLines(policy.externalAuth, sourceOk).request);
  if (policy.bodyMax) lines.push(...bodyLimit(policy.bodyMax));
  if (policy.errorPages) lines.push(...errorPageLines(policy.errorPages).request);
  if (policy.requestRedirect) lines.push(...requestRedirect(policy.requestRedirect));
  if (policy.setHost) lines.push(`http-request set-header Host ${quote(literal(policy.setHost))}`);
  for (const { name, value } of policy.requestHeaders ?? [])
    lines.push(`http-request set-header ${name} ${headerValue(value)}`);
  for (const { match, replace } of policy.pathRewrite ?? [])
    lines.push(`http-request replace-path ${quote(match)} ${quote(literal(replace))}`);
  lines.push(...requestEditLines(policy));
  for (const { name, value } of policy.responseHeaders ?? [])
    lines.push(`http-response set-header ${name} ${headerValue(value)}`);
  lines.push(...responseEditLines(policy));
  if (policy.locationRewrite) lines.push(...locationRewriteLines(policy.locationRewrite));
  if (policy.errorPages) lines.push(...errorPageLines(policy.errorPages).response);
  if (policy.externalAuth) lines.push(...externalAuthLines(policy.externalAuth).response);
  // On every response of the route, HAProxy's own included (a 401 of basic auth), as ingress-nginx sends them.
  lines.push(...corsLines.filter((l) => l.startsWith('http-after-response')));
  if (policy.hsts) lines.push(...hsts(policy.hsts));
  return lines;
}

export interface Userlist {
  name: string;
  users: { name: string; hash: string }[];
}

/** The userlist sections the backends' basic auth refers to, one per Secret. */
export function userlists(policies: readonly BackendPolicy[]): Userlist[] {
  const byName = new Map<string, Userlist>();
  for (const policy of policies) {
    const auth = policy.auth;
    if (!auth?.userlist || byName.has(auth.userlist)) continue;
    byName.set(auth.userlist, {
      name: auth.userlist,
      // $apr1$ users are checked by the Lua script (auth-lines.ts), which crypt(3) cannot do.
      users: auth.users.filter((u) => !isApr1(u.hash)).map((u) => ({ name: u.name, hash: quote(u.hash) })),
    });
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
}
