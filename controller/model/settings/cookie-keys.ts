/**
 * Attributes of the cookie-persistence cookie: where and how long the
 * browser keeps it. They carry ingress-nginx's session-cookie-* annotations
 * (where the Path is the route's own) and work on their own.
 */
import { z } from 'zod';
import { defineKey } from './registry.ts';
import { bool, int } from './values.ts';

const ALL = ['configmap', 'ingress', 'service'] as const;

/** A cookie Path: `/` and path characters only. */
const cookiePath = z
  .string()
  .trim()
  .regex(/^\/[A-Za-z0-9\-._~/:@!$&()*+,=]{0,255}$/, 'must be a path such as /app, without ; or spaces');

/** A cookie Domain: a DNS name, optionally with a leading dot. */
const cookieDomain = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .pipe(
    z
      .string()
      .regex(
        /^\.?[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/,
        'must be a domain such as example.com',
      ),
  );

export const COOKIE_KEYS = {
  cookiePersistencePath: defineKey({
    name: 'cookie-persistence-path',
    scopes: ALL,
    schema: cookiePath.optional(),
    default: undefined,
    description:
      'Path of the cookie-persistence cookie (`/` unless set; in the ingress-nginx dialect, the path of the route).',
  }),
  cookiePersistenceDomain: defineKey({
    name: 'cookie-persistence-domain',
    scopes: ALL,
    schema: cookieDomain.optional(),
    default: undefined,
    description: 'Domain of the cookie-persistence cookie.',
  }),
  cookiePersistenceMaxAge: defineKey({
    name: 'cookie-persistence-max-age',
    scopes: ALL,
    schema: int(0, 1_000_000_000).optional(),
    default: undefined,
    description: 'Max-Age of the cookie-persistence cookie, in seconds (unset: a session cookie).',
  }),
  cookiePersistenceExpires: defineKey({
    name: 'cookie-persistence-expires',
    scopes: ALL,
    schema: int(0, 1_000_000_000).optional(),
    default: undefined,
    description: 'Expires of the cookie-persistence cookie: this many seconds after the response.',
  }),
  cookiePersistenceSamesite: defineKey({
    name: 'cookie-persistence-samesite',
    scopes: ALL,
    schema: z
      .string()
      .trim()
      .transform((s) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase())
      .pipe(z.enum(['Strict', 'Lax', 'None'], 'must be Strict, Lax or None'))
      .optional(),
    default: undefined,
    description: 'SameSite of the cookie-persistence cookie: Strict, Lax or None.',
  }),
  cookiePersistenceSecure: defineKey({
    name: 'cookie-persistence-secure',
    scopes: ALL,
    schema: bool,
    default: false,
    description: 'The cookie-persistence cookie is sent by browsers over HTTPS only (Secure).',
  }),
  cookiePersistenceHttponly: defineKey({
    name: 'cookie-persistence-httponly',
    scopes: ALL,
    schema: bool,
    default: false,
    description:
      'Scripts cannot read the cookie-persistence cookie (HttpOnly; on in the ingress-nginx dialect).',
  }),
};
