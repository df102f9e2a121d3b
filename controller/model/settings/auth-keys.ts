/**
 * Keys of authentication beyond the reference controller's: what a route
 * answers when its basic-auth Secret cannot be used. They carry
 * ingress-nginx's auth annotations and work on their own.
 */
import { z } from 'zod';
import { defineKey } from './registry.ts';

const ALL = ['configmap', 'ingress', 'service'] as const;

/** An http(s) URL; `$host`, `$scheme`, `$request_uri`, `$escaped_request_uri` and the like are filled in per request. */
const authUrl = z
  .string()
  .trim()
  .max(1024, 'must be at most 1024 characters')
  .regex(
    /^https?:\/\/[A-Za-z0-9\-._~/:?&=,%$]+$/,
    'must be an http(s) URL of letters, digits and -._~/:?&=,%$ (nginx variables such as $host allowed)',
  );

export const AUTH_KEYS = {
  satisfy: defineKey({
    name: 'satisfy',
    scopes: ALL,
    schema: z
      .string()
      .transform((s) => s.trim().toLowerCase())
      .pipe(z.enum(['all', 'any'], 'must be all or any')),
    default: 'all' as 'all' | 'any',
    description:
      'With auth (basic or auth-url) and allow-list / deny-list: all, a client must pass both; any, a client the lists let in needs no credentials, and one they keep out may still authenticate.',
  }),
  authUrl: defineKey({
    name: 'auth-url',
    scopes: ALL,
    schema: authUrl.optional(),
    default: undefined,
    description:
      'External authentication: each request is first sent (headers only, with X-Original-URL and X-Original-Method) to this URL; a 2xx lets it through, a 401 or 403 is passed on to the client, anything else (or no answer) gives 500. `$host`, `$scheme`, `$request_uri` and `$escaped_request_uri` are filled in.',
  }),
  authUrlMethod: defineKey({
    name: 'auth-url-method',
    scopes: ALL,
    schema: z
      .string()
      .transform((s) => s.trim().toUpperCase())
      .pipe(z.enum(['GET', 'HEAD', 'POST', 'PUT', 'DELETE'], 'must be GET, HEAD, POST, PUT or DELETE')),
    default: 'GET' as 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE',
    description: 'Method of the auth-url request.',
  }),
  authUrlResponseHeaders: defineKey({
    name: 'auth-url-response-headers',
    scopes: ALL,
    schema: z
      .string()
      .refine((s) => !/[\r\n\0]/.test(s), 'must be on one line')
      .transform((s) =>
        s
          .split(/[ \t,]+/)
          .map((h) => h.trim())
          .filter((h) => h !== ''),
      )
      .pipe(
        z
          .array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'each must be a header name'))
          .min(1)
          .max(32),
      )
      .optional(),
    default: undefined,
    description:
      'Headers of a 2xx auth-url answer copied onto the request sent to the pods, separated by commas.',
  }),
  authUrlSignin: defineKey({
    name: 'auth-url-signin',
    scopes: ALL,
    schema: authUrl.optional(),
    default: undefined,
    description:
      'Where a 401 of auth-url sends the client instead (302), with `?rd=` and the URL of the request appended unless the URL already carries it.',
  }),
  authUrlSigninParam: defineKey({
    name: 'auth-url-signin-param',
    scopes: ALL,
    schema: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a query parameter name'),
    default: 'rd',
    description: 'Query parameter of auth-url-signin that carries the URL of the request.',
  }),
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
