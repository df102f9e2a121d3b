/**
 * The attributes of the cookie-persistence cookie. HAProxy inserts the
 * cookie itself (`cookie ... insert`, with `path=/` and nothing else); when
 * attributes are set, the inserted Set-Cookie is rewritten with them, on the
 * way out, after HAProxy has added it.
 */
import type { BackendSettings } from '../../model/types.ts';

/** The rewrite of the inserted Set-Cookie; none while every attribute is at its default. */
export function cookieAttributeLines(s: BackendSettings): string[] {
  const name = s.cookiePersistence;
  if (!name) return [];
  const attributes = [
    `Path=${s.cookiePersistencePath ?? '/'}`,
    ...(s.cookiePersistenceDomain ? [`Domain=${s.cookiePersistenceDomain}`] : []),
    ...(s.cookiePersistenceMaxAge !== undefined ? [`Max-Age=${s.cookiePersistenceMaxAge}`] : []),
    // A date this many seconds after the response, worked out per response.
    ...(s.cookiePersistenceExpires !== undefined
      ? [`Expires=%[date(${s.cookiePersistenceExpires}),http_date]`]
      : []),
    ...(s.cookiePersistenceSamesite ? [`SameSite=${s.cookiePersistenceSamesite}`] : []),
    ...(s.cookiePersistenceSecure ? ['Secure'] : []),
    ...(s.cookiePersistenceHttponly ? ['HttpOnly'] : []),
  ];
  if (attributes.length === 1 && attributes[0] === 'Path=/') return [];
  // Every value comes from a schema without quotes, `;`, `%` or spaces.
  const pattern = `^(${name.replaceAll('.', '\\.')}=[^;]*)(;.*)?$`;
  return [`http-after-response replace-header Set-Cookie '${pattern}' '\\1; ${attributes.join('; ')}'`];
}
