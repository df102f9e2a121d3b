/**
 * Keys of authentication beyond the reference controller's: what a route
 * answers when its basic-auth Secret cannot be used. They carry
 * ingress-nginx's auth annotations and work on their own.
 */
import { z } from 'zod';
import { defineKey } from './registry.ts';

const ALL = ['configmap', 'ingress', 'service'] as const;

export const AUTH_KEYS = {
  authUnavailableStatus: defineKey({
    name: 'auth-unavailable-status',
    scopes: ALL,
    schema: z
      .string()
      .trim()
      .regex(/^(401|503)$/, 'must be 401 or 503')
      .transform((s) => Number(s) as 401 | 503),
    default: 401 as 401 | 503,
    description:
      'What every request gets while the auth-secret is missing or holds no valid user: 401 (refused) or 503 (the route is unavailable, as in ingress-nginx).',
  }),
};
