/**
 * ingress-nginx's session affinity: `affinity: cookie` makes HAProxy set a
 * cookie (INGRESSCOOKIE unless session-cookie-name) naming the pod, HttpOnly
 * and with the Path of the route unless session-cookie-path, and a request
 * that carries it goes back to that pod; only the Ingress's own routes get it.
 */
import { boolInto, declare, type NginxAnnotation, type Translation } from './annotation.ts';

const seconds =
  (key: string) =>
  (value: string): Translation =>
    /^\d{1,9}$/.test(value.trim())
      ? { set: { [key]: value.trim() } }
      : { invalid: 'must be a whole number of seconds' };

export const AFFINITY_ANNOTATIONS: NginxAnnotation[] = [
  declare({
    name: 'affinity',
    support: 'honoured',
    becomes: ['cookie-persistence'],
    note: "cookie: a cookie (INGRESSCOOKIE by default, HttpOnly, Path of the route) sends a client back to the same pod, on this Ingress's routes only.",
    translate: (value, all): Translation => {
      if (value.trim() !== 'cookie') return { invalid: 'must be cookie' };
      const name = all['session-cookie-name'];
      return {
        set: {
          'cookie-persistence':
            name === undefined ? 'INGRESSCOOKIE' : { value: name, from: 'session-cookie-name' },
        },
      };
    },
  }),
  declare({
    name: 'session-cookie-name',
    support: 'honoured',
    becomes: ['cookie-persistence'],
    note: 'Name of the affinity cookie (INGRESSCOOKIE by default).',
    translate: (value): Translation =>
      /^[A-Za-z0-9_.-]{1,64}$/.test(value.trim())
        ? { usedBy: 'read with affinity' }
        : { invalid: 'must be a cookie name of letters, digits, _ . -' },
  }),
  declare({
    name: 'affinity-mode',
    support: 'mapped',
    becomes: [],
    note: 'persistent: a client keeps its pod while the pod exists. balanced is read as persistent: sessions are not moved to new pods when the Service scales up.',
    translate: (value): Translation => {
      const v = value.trim();
      if (v === 'persistent') return { set: {} };
      if (v === 'balanced')
        return { set: {}, differs: 'sessions stay on their pod when the Service scales up (persistent)' };
      return { invalid: 'must be balanced or persistent' };
    },
  }),
  declare({
    name: 'session-cookie-path',
    support: 'honoured',
    becomes: ['cookie-persistence-path'],
    note: 'Path of the affinity cookie (the path of the route by default).',
    translate: (value) => ({ set: { 'cookie-persistence-path': value } }),
  }),
  declare({
    name: 'session-cookie-domain',
    support: 'honoured',
    becomes: ['cookie-persistence-domain'],
    note: 'Domain of the affinity cookie.',
    translate: (value) => ({ set: { 'cookie-persistence-domain': value } }),
  }),
  declare({
    name: 'session-cookie-max-age',
    support: 'honoured',
    becomes: ['cookie-persistence-max-age'],
    note: 'Max-Age of the affinity cookie, in seconds.',
    translate: seconds('cookie-persistence-max-age'),
  }),
  declare({
    name: 'session-cookie-expires',
    support: 'honoured',
    becomes: ['cookie-persistence-expires'],
    note: 'Expires of the affinity cookie, this many seconds after the response.',
    translate: seconds('cookie-persistence-expires'),
  }),
  declare({
    name: 'session-cookie-samesite',
    support: 'honoured',
    becomes: ['cookie-persistence-samesite'],
    note: 'SameSite of the affinity cookie: None, Lax or Strict.',
    translate: (value) => ({ set: { 'cookie-persistence-samesite': value } }),
  }),
  declare({
    name: 'session-cookie-secure',
    support: 'honoured',
    becomes: ['cookie-persistence-secure'],
    note: 'The affinity cookie is Secure.',
    translate: boolInto('cookie-persistence-secure'),
  }),
  declare({
    name: 'session-cookie-conditional-samesite-none',
    support: 'mapped',
    becomes: [],
    note: 'SameSite=None goes to every browser: browsers that mishandle it are not told apart.',
    translate: (value): Translation => {
      const b = boolInto('x')(value);
      return 'invalid' in b ? b : { set: {}, differs: 'SameSite=None is sent to every browser' };
    },
  }),
  declare({
    name: 'session-cookie-change-on-failure',
    support: 'mapped',
    becomes: [],
    note: 'When the pod of a cookie is gone, the request goes to another pod and the cookie names the new one (as with true).',
    translate: (value): Translation => {
      const b = boolInto('x')(value);
      return 'invalid' in b
        ? b
        : { set: {}, differs: 'the cookie always moves to the pod that answered when its pod is gone' };
    },
  }),
];
