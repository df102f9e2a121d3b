/** ingress-nginx's access control: source ranges, rate and connection limits, basic auth, satisfy. */
import {
  declare,
  type NginxAnnotation,
  type NginxValues,
  type Translation,
  unsupported,
} from './annotation.ts';

const list = (value: string) => ({ set: { 'allow-list': value } });

/** A positive whole number, as ingress-nginx's ValidateInt takes it. */
const positive = (value: string): number | undefined => {
  const v = value.trim();
  return /^\d{1,9}$/.test(v) && Number(v) > 0 ? Number(v) : undefined;
};

/**
 * limit-rps / limit-rpm: ingress-nginx's leaky bucket admits `burst + 1`
 * requests at once (burst = limit × limit-burst-multiplier, default 5), then
 * the limit per second or minute. A window as long as the burst lasts, with
 * `burst + 1` requests, admits the same burst at once and the limit on average.
 */
function rateLimit(value: string, all: NginxValues, unitSeconds: number): Translation {
  const limit = positive(value);
  if (limit === undefined) return { invalid: 'must be a whole number above 0' };
  const multiplierValue = all['limit-burst-multiplier'];
  const multiplier = multiplierValue === undefined ? 5 : positive(multiplierValue);
  if (multiplier === undefined) return { invalid: 'limit-burst-multiplier must be a whole number above 0' };
  const burst = limit * multiplier;
  return {
    set: {
      'rate-limit-requests': String(burst + 1),
      'rate-limit-period': `${multiplier * unitSeconds}s`,
    },
    differs: `a window of ${multiplier * unitSeconds}s per client address admits ${burst + 1} requests (the burst at once), instead of a leaky bucket refilled ${limit} a ${unitSeconds === 1 ? 'second' : 'minute'}: the same burst and average, but a client that spends its burst waits for the window to move`,
  };
}

export const ACCESS_ANNOTATIONS: NginxAnnotation[] = [
  declare({
    name: 'allowlist-source-range',
    support: 'honoured',
    becomes: ['allow-list'],
    note: 'Only these addresses and CIDR blocks (comma-separated) are served; others get 403.',
    translate: list,
  }),
  declare({
    name: 'whitelist-source-range',
    support: 'honoured',
    becomes: ['allow-list'],
    note: 'The older name of allowlist-source-range (which wins when both are set).',
    translate: list,
  }),
  declare({
    name: 'denylist-source-range',
    support: 'honoured',
    becomes: ['deny-list'],
    note: 'These addresses and CIDR blocks (comma-separated) get 403.',
    translate: (value) => ({ set: { 'deny-list': value } }),
  }),
  declare({
    name: 'limit-rps',
    support: 'mapped',
    becomes: ['rate-limit-requests', 'rate-limit-period'],
    note: 'Requests per second and client address, with a burst of 5× (limit-burst-multiplier) admitted at once; more get 503. Counted over a window as long as the burst lasts.',
    translate: (value, all) => rateLimit(value, all, 1),
  }),
  declare({
    name: 'limit-rpm',
    support: 'mapped',
    becomes: ['rate-limit-requests', 'rate-limit-period'],
    note: 'As limit-rps, per minute. When both are set, limit-rps applies.',
    translate: (value, all) =>
      all['limit-rps'] !== undefined
        ? { unsupported: 'only one rate limit applies to a route here, and limit-rps is set' }
        : rateLimit(value, all, 60),
  }),
  declare({
    name: 'limit-burst-multiplier',
    support: 'honoured',
    becomes: ['rate-limit-requests', 'rate-limit-period'],
    note: 'The burst of limit-rps / limit-rpm, as a multiple of the limit (default 5).',
    translate: () => ({ usedBy: 'read with limit-rps / limit-rpm' }),
  }),
  declare({
    name: 'limit-whitelist',
    support: 'honoured',
    becomes: ['rate-limit-whitelist'],
    note: 'Addresses and CIDR blocks exempt from the rate and connection limits.',
    translate: (value) => ({ set: { 'rate-limit-whitelist': value } }),
  }),
  declare({
    name: 'limit-allowlist',
    support: 'honoured',
    becomes: ['rate-limit-whitelist'],
    note: 'The newer name of limit-whitelist.',
    translate: (value) => ({ set: { 'rate-limit-whitelist': value } }),
  }),
  declare({
    name: 'limit-connections',
    support: 'honoured',
    becomes: ['rate-limit-connections'],
    note: 'Requests one client address may have in flight at once; one more gets 503.',
    translate: (value): Translation => {
      const n = positive(value);
      return n === undefined
        ? { invalid: 'must be a whole number above 0' }
        : { set: { 'rate-limit-connections': String(n) } };
    },
  }),
  unsupported('limit-rate', 'HAProxy 2.6 has no bandwidth limit on responses (bwlim filters came in 2.7)'),
  unsupported(
    'limit-rate-after',
    'HAProxy 2.6 has no bandwidth limit on responses (bwlim filters came in 2.7)',
  ),
  declare({
    name: 'auth-type',
    support: 'honoured',
    becomes: ['auth-type'],
    note: 'basic: HTTP basic auth against auth-secret ($apr1$, bcrypt and other crypt(3) hashes; verified credentials are remembered for a minute). digest is not supported.',
    translate: (value): Translation => {
      const v = value.trim();
      if (v === 'basic') return { set: { 'auth-type': 'basic-auth' } };
      if (v === 'digest') return { unsupported: 'HTTP digest authentication is not available in HAProxy' };
      return { invalid: 'must be basic or digest' };
    },
  }),
  declare({
    name: 'auth-secret',
    support: 'honoured',
    becomes: ['auth-secret'],
    note: 'The Secret (name, or namespace/name) holding the users; while it is missing or holds no valid user, every request gets 503.',
    translate: (value) => ({ set: { 'auth-secret': value } }),
  }),
  declare({
    name: 'auth-secret-type',
    support: 'honoured',
    becomes: [],
    note: 'auth-file (an htpasswd file under the key auth) or auth-map (one key per user): both layouts are read as they come.',
    translate: (value): Translation => {
      const v = value.trim();
      return v === 'auth-file' || v === 'auth-map'
        ? { set: {} }
        : { invalid: 'must be auth-file or auth-map' };
    },
  }),
  declare({
    name: 'auth-realm',
    support: 'honoured',
    becomes: ['auth-realm'],
    note: 'The realm of the basic auth challenge.',
    translate: (value) => ({ set: { 'auth-realm': value } }),
  }),
  declare({
    name: 'satisfy',
    support: 'honoured',
    becomes: ['satisfy'],
    note: 'any: a client the source ranges let in needs no credentials; one they keep out may still authenticate. all (default): both.',
    translate: (value) => ({ set: { satisfy: value } }),
  }),
];
