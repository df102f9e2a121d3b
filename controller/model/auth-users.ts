/**
 * The users of a basic-auth Secret, in either of the layouts ingress-nginx
 * reads (auth-secret-type): one key per user whose value is the password
 * hash (auth-map, and the reference controller's layout), or an htpasswd
 * file under the key `auth` (auth-file: `name:hash` lines). An `auth` key
 * whose value holds a `:` can only be an htpasswd file: hashes never do.
 */
import type { Secret } from '../store/schemas.ts';

export interface SecretUser {
  name: string;
  hash: string;
  /** Where in the Secret, for problems: `data.<name>` or `data.auth`. */
  field: string;
}

/** Sorted by name; the first line of a name an htpasswd file repeats wins, as in Apache. */
export function secretUsers(secret: Secret): SecretUser[] {
  const htpasswd = secret.values.auth;
  if (htpasswd?.includes(':')) {
    const users = new Map<string, SecretUser>();
    for (const line of htpasswd.split('\n')) {
      const text = line.trim();
      if (text === '' || text.startsWith('#')) continue;
      const colon = text.indexOf(':');
      const name = colon < 0 ? text : text.slice(0, colon);
      if (!users.has(name)) users.set(name, { name, hash: text.slice(colon + 1), field: 'data.auth' });
    }
    return [...users.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  }
  return Object.entries(secret.values)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, value]) => ({ name, hash: value.trim(), field: `data.${name}` }));
}

/** Apache's MD5-crypt, which crypt(3) does not know: checked by HAProxy's Lua (haproxy/lua/basic-auth.lua). */
export const isApr1 = (hash: string): boolean => hash.startsWith('$apr1$');
