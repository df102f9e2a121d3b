/** ingress-nginx's redirects: to HTTPS, to another URL, to the application root, to and from www. */
import { boolInto, declare, goBool, type NginxAnnotation, type Translation } from './annotation.ts';

/** Characters ingress-nginx allows in a redirect URL (its URLIsValidRegex). */
const URL_CHARS = /^[A-Za-z0-9\-._~/:,?&=]+$/;

/** ingress-nginx takes codes 300-307 (temporal) or 300-308 (permanent) and silently uses its default for others. */
function redirect(
  target: string,
  code: string | undefined,
  fallback: number,
  highest: number,
  absoluteOnly: boolean,
): Translation {
  const url = target.trim();
  if (!URL_CHARS.test(url))
    return { invalid: 'must be a URL of letters, digits and -._~/:,?&= (as ingress-nginx requires)' };
  if (absoluteOnly && !/^https?:\/\//.test(url))
    return { invalid: 'only http and https URLs are valid (as ingress-nginx requires)' };
  if (!/^(https?:\/\/[^/]+)?\/?/.test(url) || (!url.startsWith('/') && !/^https?:\/\//.test(url)))
    return { invalid: 'must be an http(s) URL or a path starting with /' };
  const n = code === undefined ? fallback : Number(code.trim());
  const status = Number.isInteger(n) && n >= 300 && n <= highest ? n : fallback;
  return { set: { 'redirect-location': url, 'redirect-location-code': String(status) } };
}

export const REDIRECT_ANNOTATIONS: NginxAnnotation[] = [
  declare({
    name: 'server-alias',
    support: 'honoured',
    becomes: ['server-alias'],
    note: 'More host names with the same paths; a name some rule names itself keeps its own (the alias is reported). Regular expressions as names are not supported.',
    translate: (value) => ({ set: { 'server-alias': value } }),
  }),
  declare({
    name: 'use-regex',
    support: 'honoured',
    becomes: ['path-regex'],
    note: 'Paths are PCRE, case-insensitive, anchored at the start; on the same hosts every path of every Ingress is read so, tried longest first.',
    translate: boolInto('path-regex'),
  }),
  declare({
    name: 'rewrite-target',
    support: 'honoured',
    becomes: ['rewrite-target'],
    note: 'Replaces the whole path sent to the pods ($1, $2: groups of the path); the query string is kept. Implies use-regex for the host.',
    translate: (value): Translation => {
      const v = value.trim();
      if (!/^\/?[A-Za-z0-9\-._~/:$]*$/.test(v))
        return { invalid: 'must be a path with $1..$9 references (letters, digits and -._~/:$)' };
      if (/\$(?![1-9])/.test(v)) return { unsupported: 'only $1..$9 references are supported in the target' };
      return { set: { 'rewrite-target': v } };
    },
  }),
  declare({
    name: 'force-ssl-redirect',
    support: 'honoured',
    becomes: ['ssl-redirect'],
    note: 'Redirects HTTP to HTTPS even for hosts without a TLS section (308 in the ingress-nginx dialect).',
    translate: (value): Translation => {
      const b = goBool(value);
      if (b === undefined) return { invalid: 'must be true or false' };
      return b ? { set: { 'ssl-redirect': 'true' } } : { set: {} };
    },
  }),
  declare({
    name: 'ssl-redirect',
    support: 'honoured',
    becomes: ['ssl-redirect'],
    note: 'TLS hosts redirect HTTP to HTTPS unless "false" (308 in the ingress-nginx dialect, the trailing / dropped unless preserve-trailing-slash).',
    translate: (value): Translation => {
      const b = goBool(value);
      if (b === undefined) return { invalid: 'must be true or false' };
      // "true" is the default: only hosts with TLS redirect (force-ssl-redirect forces the others).
      return b ? { set: {} } : { set: { 'ssl-redirect': 'false' } };
    },
  }),
  declare({
    name: 'preserve-trailing-slash',
    support: 'honoured',
    becomes: ['ssl-redirect-trailing-slash'],
    note: 'Keeps the trailing / of the path in HTTPS redirects (ingress-nginx drops it by default).',
    translate: (value): Translation => {
      const b = goBool(value);
      if (b === undefined) return { invalid: 'must be true or false' };
      return { set: { 'ssl-redirect-trailing-slash': b ? 'keep' : 'drop' } };
    },
  }),
  declare({
    name: 'temporal-redirect',
    support: 'honoured',
    becomes: ['redirect-location', 'redirect-location-code'],
    note: 'Answers every request with 302 (or temporal-redirect-code, 300-307) to the URL as written.',
    translate: (value, all) => redirect(value, all['temporal-redirect-code'], 302, 307, true),
  }),
  declare({
    name: 'temporal-redirect-code',
    support: 'honoured',
    becomes: ['redirect-location-code'],
    note: 'Status of temporal-redirect, 300-307 (others: 302).',
    translate: () => ({ usedBy: 'read with temporal-redirect' }),
  }),
  declare({
    name: 'permanent-redirect',
    support: 'honoured',
    becomes: ['redirect-location', 'redirect-location-code'],
    note: 'Answers every request with 301 (or permanent-redirect-code, 300-308) to the URL as written; a path becomes absolute on the request host unless relative-redirects.',
    translate: (value, all) => redirect(value, all['permanent-redirect-code'], 301, 308, false),
  }),
  declare({
    name: 'permanent-redirect-code',
    support: 'honoured',
    becomes: ['redirect-location-code'],
    note: 'Status of permanent-redirect, 300-308 (others: 301).',
    translate: () => ({ usedBy: 'read with permanent-redirect' }),
  }),
  declare({
    name: 'relative-redirects',
    support: 'honoured',
    becomes: ['redirect-location-relative'],
    note: 'A redirect to a path keeps Location relative instead of making it absolute on the request host.',
    translate: boolInto('redirect-location-relative'),
  }),
  declare({
    name: 'app-root',
    support: 'honoured',
    becomes: ['app-root'],
    note: 'A request for / (only) is redirected with 302 to this path on the request host.',
    translate: (value): Translation => {
      const path = value.trim();
      if (!/^\/[A-Za-z0-9\-._~/:,?&=]*$/.test(path))
        return { invalid: 'must be a path starting with / (letters, digits and -._~/:,?&=)' };
      return { set: { 'app-root': path } };
    },
  }),
  declare({
    name: 'from-to-www-redirect',
    support: 'honoured',
    becomes: ['www-redirect'],
    note: 'Requests for www.<host> are redirected with 308 to <host>, or the other way round when the rule names www.<host>.',
    translate: boolInto('www-redirect'),
  }),
  declare({
    name: 'use-port-in-redirects',
    support: 'unsupported',
    becomes: [],
    note: 'the HTTPS port of redirects is set with haproxy.org/ssl-redirect-port',
  }),
];
