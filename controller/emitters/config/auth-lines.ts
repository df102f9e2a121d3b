/**
 * Basic auth as backend lines, and the files it needs. Every check goes
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
const LUA_SOURCE = new URL(`../../../haproxy/lua/${BASIC_AUTH_LUA}`, import.meta.url);

/** The file of a userlist's $apr1$ users: `name hash` lines. */
const apr1File = (userlist: string): string => `${AUTH_DIR}/${userlist}.apr1`;

type Auth = NonNullable<BackendPolicy['auth']>;

/** `realm` is printed strongly quoted; the schema keeps quotes out of it. */
export function authLines(auth: Auth, configDir: string): string[] {
  const realm = `realm '${auth.realm}'`;
  // Without a userlist nobody can authenticate: fail closed. (`if TRUE`: the rules after it stay
  // in the config, unreachable, without haproxy -c warning about them.)
  if (!auth.userlist)
    return [
      auth.unavailableStatus === 503
        ? 'http-request deny deny_status 503 if TRUE'
        : `http-request auth ${realm} if TRUE`,
    ];
  const apr1 = auth.users.some((u) => isApr1(u.hash)) ? `,${configDir}/${apr1File(auth.userlist)}` : '';
  return [`http-request auth ${realm} unless { lua.basic_auth(${auth.userlist}${apr1}) -m bool }`];
}

const withUserlist = (policies: readonly BackendPolicy[]): Auth[] =>
  policies.flatMap((p) => (p.auth?.userlist ? [p.auth] : []));

/** The global lines that load the Lua script, when a backend checks users. */
export function authGlobalLines(policies: readonly BackendPolicy[], configDir: string): string[] {
  return withUserlist(policies).length > 0
    ? [`lua-load-per-thread ${configDir}/${LUA_DIR}/${BASIC_AUTH_LUA}`]
    : [];
}

/** The Lua script and each userlist's $apr1$ users, when a backend checks users. */
export function authFiles(policies: readonly BackendPolicy[]): RenderedFile[] {
  const auths = withUserlist(policies);
  if (auths.length === 0) return [];
  const files = new Map<string, RenderedFile>();
  files.set(LUA_DIR, {
    path: `${LUA_DIR}/${BASIC_AUTH_LUA}`,
    content: readFileSync(LUA_SOURCE, 'utf8'),
    mode: 0o644,
  });
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
