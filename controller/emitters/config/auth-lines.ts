/**
 * Basic auth and external auth (auth-url) as backend lines, and the files they need. Every check goes
 * through the sample fetch of haproxy/lua/basic-auth.lua, which asks
 * HAProxy's http_auth(<userlist>) for crypt(3) hashes, checks Apache's
 * $apr1$ hashes itself, and remembers verified credentials for a minute, so
 * that a bcrypt hash costs its tens of milliseconds once, not on every request.
 */
import { readFileSync } from 'node:fs';
import { isApr1 } from '../../model/auth-users.ts';
import type { BackendPolicy } from '../../model/policy.ts';
import type { RenderedFile } from './render.ts';

/** Where the files below live, relative to the config directory. */
export const LUA_DIR = 'lua';
export const AUTH_DIR = 'auth';
const BASIC_AUTH_LUA = 'basic-auth.lua';
const AUTH_REQUEST_LUA = 'auth-request.lua';
const CLIENT_CERT_LUA = 'client-cert.lua';
const ERROR_PAGE_LUA = 'error-page.lua';
const luaSource = (name: string) => new URL(`../../../haproxy/lua/${name}`, import.meta.url);

/** The file of a userlist's $apr1$ users: `name hash` lines. */
const apr1File = (userlist: string): string => `${AUTH_DIR}/${userlist}.apr1`;

type Auth = NonNullable<BackendPolicy['auth']>;

/** `realm` is printed strongly quoted; the schema keeps quotes out of it. */
/** `sourceOk`: with satisfy any, an ACL that lets a client in without credentials. */
export function authLines(auth: Auth, configDir: string, sourceOk?: string): string[] {
  const orSource = sourceOk ? ` || ${sourceOk}` : '';
  const realm = `realm '${auth.realm}'`;
  // Without a userlist nobody can authenticate: fail closed. (`if TRUE`: the rules after it stay
  // in the config, unreachable, without haproxy -c warning about them.)
  if (!auth.userlist)
    return [
      auth.unavailableStatus === 503
        ? `http-request deny deny_status 503 ${sourceOk ? `unless ${sourceOk}` : 'if TRUE'}`
        : `http-request auth ${realm} ${sourceOk ? `unless ${sourceOk}` : 'if TRUE'}`,
    ];
  const apr1 = auth.users.some((u) => isApr1(u.hash)) ? `,${configDir}/${apr1File(auth.userlist)}` : '';
  return [`http-request auth ${realm} unless { lua.basic_auth(${auth.userlist}${apr1}) -m bool }${orSource}`];
}

type ExternalAuth = NonNullable<BackendPolicy['externalAuth']>;

/**
 * auth-url: the Lua action asks the auth service and leaves its verdict in
 * variables (haproxy/lua/auth-request.lua); these rules act on it. Values are
 * strongly quoted; the schemas keep quotes out of them.
 */
export function externalAuthLines(
  auth: ExternalAuth,
  sourceOk?: string,
): { request: string[]; response: string[] } {
  const status = (s: string) => `{ var(txn.auth_status) -m int ${s} }`;
  const copy = auth.responseHeaders.length > 0 ? auth.responseHeaders.join(',') : '-';
  const signin = auth.signin ? `'${auth.signin.url}'` : "'-'";
  return {
    request: [
      `http-request lua.auth_request '${auth.url}' ${auth.method} '${copy}' ${signin} ${auth.signin?.param ?? 'rd'}${sourceOk ? ` unless ${sourceOk}` : ''}`,
      ...(auth.signin
        ? [
            `http-request redirect location %[var(txn.auth_redirect)] code 302 if ${status('401')} { var(txn.auth_redirect) -m found }`,
          ]
        : []),
      `http-request return status 401 hdr WWW-Authenticate %[var(txn.auth_www)] if ${status('401')} { var(txn.auth_www) -m found }`,
      `http-request deny deny_status 401 if ${status('401')}`,
      `http-request deny deny_status 403 if ${status('403')}`,
      // Unreachable (0), or any answer but 2xx, 401 and 403: as ingress-nginx, 500.
      `http-request deny deny_status 500 unless ${status('200:299')}${sourceOk ? ` || ${sourceOk}` : ''}`,
    ],
    response: [
      'http-response add-header Set-Cookie %[var(txn.auth_cookie)] if { var(txn.auth_cookie) -m found }',
    ],
  };
}

const withUserlist = (policies: readonly BackendPolicy[]): Auth[] =>
  policies.flatMap((p) => (p.auth?.userlist ? [p.auth] : []));

/** The Lua scripts the backends' auth needs. */
function luaScripts(policies: readonly BackendPolicy[]): string[] {
  return [
    ...(withUserlist(policies).length > 0 ? [BASIC_AUTH_LUA] : []),
    ...(policies.some((p) => p.externalAuth) ? [AUTH_REQUEST_LUA] : []),
    ...(policies.some((p) => p.clientAuth?.passCertificate) ? [CLIENT_CERT_LUA] : []),
    ...(policies.some((p) => p.errorPages) ? [ERROR_PAGE_LUA] : []),
  ];
}

/** The global lines that load the Lua scripts, when a backend checks users or asks an auth service. */
export function authGlobalLines(policies: readonly BackendPolicy[], configDir: string): string[] {
  return luaScripts(policies).map((name) => `lua-load-per-thread ${configDir}/${LUA_DIR}/${name}`);
}

/** The Lua scripts, and each userlist's $apr1$ users. */
export function authFiles(policies: readonly BackendPolicy[]): RenderedFile[] {
  const files = new Map<string, RenderedFile>();
  for (const name of luaScripts(policies))
    files.set(name, {
      path: `${LUA_DIR}/${name}`,
      content: readFileSync(luaSource(name), 'utf8'),
      mode: 0o644,
    });
  const auths = withUserlist(policies);
  for (const auth of auths) {
    const apr1 = auth.users.filter((u) => isApr1(u.hash));
    if (apr1.length === 0 || !auth.userlist) continue;
    files.set(auth.userlist, {
      path: apr1File(auth.userlist),
      content: apr1.map((u) => `${u.name} ${u.hash}\n`).join(''),
      mode: 0o600,
    });
  }
  return [...files.values()];
}
