/**
 * ingress-nginx's CORS: every OPTIONS request of an allowed origin is
 * answered 204 in HAProxy, the CORS headers go on every response (HAProxy's
 * own, such as a 401 of basic auth, included), origins are compared exactly
 * (scheme, host and port, case-insensitively), an allowed origin is echoed
 * back, and `*.` in an origin stands for one label. Its defaults (methods,
 * headers, max-age 1728000, credentials) are the dialect's (dialect.ts).
 */
import { boolInto, declare, goBool, type NginxAnnotation, type Translation } from './annotation.ts';

/** One origin as ingress-nginx accepts it (its corsOriginRegex); others are skipped, as it skips them. */
const ORIGIN = /^([a-z]+:\/\/(\*\.)?[A-Za-z0-9\-.]*(:\d+)?|\*|null)$/;

const escapeDots = (s: string): string => s.replace(/[.]/g, '\\.');

/**
 * `*`, a list of origins, or (when one has a `*.` label or is `null`) a
 * regular expression of our cors-allow-origin that matches the whole Origin.
 */
export function originsOf(value: string): Translation {
  const origins = value
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '' && ORIGIN.test(o));
  if (origins.includes('*')) return { set: { 'cors-allow-origin': '*' } };
  if (origins.length === 0)
    return { invalid: 'must be * or origins such as https://app.example.com, comma-separated' };
  if (origins.every((o) => /^https?:\/\/[A-Za-z0-9.-]+(:\d+)?$/.test(o)))
    return { set: { 'cors-allow-origin': origins.join(',') } };
  const alternatives = origins.map((o) =>
    o === 'null'
      ? 'null'
      : o.startsWith('*.') || o.includes('://*.')
        ? escapeDots(o).replace('*', '[A-Za-z0-9-]+')
        : escapeDots(o),
  );
  return { set: { 'cors-allow-origin': `^(${alternatives.join('|')})$` } };
}

export const CORS_ANNOTATIONS: NginxAnnotation[] = [
  declare({
    name: 'enable-cors',
    support: 'honoured',
    becomes: ['cors-enable', 'cors-respond-to-options'],
    note: "Every OPTIONS request of an allowed origin gets 204 from HAProxy; every response of the route carries the CORS headers (nginx's defaults: methods, headers, max-age 1728000, credentials).",
    translate: (value): Translation => {
      const b = goBool(value);
      if (b === undefined) return { invalid: 'must be true or false' };
      return b ? { set: { 'cors-enable': 'true', 'cors-respond-to-options': 'true' } } : { set: {} };
    },
  }),
  declare({
    name: 'cors-allow-origin',
    support: 'honoured',
    becomes: ['cors-allow-origin'],
    note: '* or origins (scheme://host[:port]), comma-separated, compared exactly; *.example.com stands for one label; a matching Origin is echoed back.',
    translate: originsOf,
  }),
  declare({
    name: 'cors-allow-methods',
    support: 'honoured',
    becomes: ['cors-allow-methods'],
    note: 'Access-Control-Allow-Methods (GET, PUT, POST, DELETE, PATCH, OPTIONS by default).',
    translate: (value): Translation =>
      /^([A-Za-z]+,?\s?)+$/.test(value.trim())
        ? { set: { 'cors-allow-methods': value } }
        : { invalid: 'must be methods separated by commas' },
  }),
  declare({
    name: 'cors-allow-headers',
    support: 'honoured',
    becomes: ['cors-allow-headers'],
    note: "Access-Control-Allow-Headers (nginx's list by default).",
    translate: (value): Translation =>
      /^[A-Za-z0-9\-_, ]*$/.test(value)
        ? { set: { 'cors-allow-headers': value } }
        : { invalid: 'must be header names separated by commas' },
  }),
  declare({
    name: 'cors-expose-headers',
    support: 'honoured',
    becomes: ['cors-expose-headers'],
    note: 'Access-Control-Expose-Headers.',
    translate: (value) => ({ set: { 'cors-expose-headers': value } }),
  }),
  declare({
    name: 'cors-allow-credentials',
    support: 'honoured',
    becomes: ['cors-allow-credentials'],
    note: 'Access-Control-Allow-Credentials: true (the default).',
    translate: boolInto('cors-allow-credentials'),
  }),
  declare({
    name: 'cors-max-age',
    support: 'honoured',
    becomes: ['cors-max-age'],
    note: 'Access-Control-Max-Age in seconds (1728000 by default).',
    translate: (value): Translation =>
      /^\d{1,9}$/.test(value.trim())
        ? { set: { 'cors-max-age': value.trim() } }
        : { invalid: 'must be a whole number of seconds' },
  }),
];
