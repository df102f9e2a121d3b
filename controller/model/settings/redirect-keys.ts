/**
 * Redirect keys beyond the reference controller's: a fixed redirect target
 * (any status 300-308), the application root, the trailing slash of HTTPS
 * redirects. They carry ingress-nginx's redirects
 * (controller/model/settings/ingress-nginx/redirects.ts) and work on their own.
 */
import { z } from 'zod';
import { defineKey } from './registry.ts';
import { bool } from './values.ts';

const ALL = ['configmap', 'ingress', 'service'] as const;

/** URL characters that are safe inside a quoted log-format argument: no quote, `#`, `%`, `$`, backslash or space. */
const URL_CHARS = '[A-Za-z0-9\\-._~/:,?&=@+!*();[\\]]';

/** `http(s)://host[:port][/path][?query]`, or a path starting with `/`. */
export const redirectUrl = z
  .string()
  .trim()
  .max(2048, 'must be at most 2048 characters')
  .regex(
    new RegExp(`^(https?://[A-Za-z0-9.-]+(:\\d{1,5})?(/${URL_CHARS}*)?|/${URL_CHARS}*)$`),
    'must be an http(s) URL or a path starting with /, without spaces, quotes, "#" or "%"',
  );

/** A path the application lives under. */
const appRootPath = z
  .string()
  .trim()
  .max(1024, 'must be at most 1024 characters')
  .regex(
    new RegExp(`^/${URL_CHARS}*$`),
    'must be a path starting with /, without spaces, quotes, "#" or "%"',
  );

const redirectStatus = z
  .string()
  .trim()
  .regex(/^30[0-8]$/, 'must be a redirect status, 300-308')
  .transform(Number);

/** `FROM TO`: two URLs (or paths), without quotes, spaces inside, `#`, `%` or backslashes. */
const locationRewrite = z
  .string()
  .trim()
  .max(2048, 'must be at most 2048 characters')
  .regex(
    new RegExp(
      `^(https?://[A-Za-z0-9.-]+(:\\d{1,5})?)?/?${URL_CHARS}* (https?://[A-Za-z0-9.-]+(:\\d{1,5})?)?/?${URL_CHARS}*$`,
    ),
    'must be two URLs or paths separated by a space: what a Location starts with, and what replaces it',
  )
  .transform((s) => {
    const [from, to] = s.split(' ') as [string, string];
    return { from, to };
  });

export const REDIRECT_KEYS = {
  locationRewrite: defineKey({
    name: 'location-rewrite',
    scopes: ALL,
    schema: locationRewrite.optional(),
    default: undefined,
    description:
      "Rewrite the Location and Refresh headers of the pods' responses: `FROM TO` replaces FROM at the start of the header with TO (ingress-nginx's proxy-redirect-from/-to).",
  }),
  redirectLocation: defineKey({
    name: 'redirect-location',
    scopes: ALL,
    schema: redirectUrl.optional(),
    default: undefined,
    description:
      'Answer every request with a redirect to this URL as written (no path or query appended). A path starting with / is made absolute on the request host and scheme, unless redirect-location-relative.',
  }),
  redirectLocationCode: defineKey({
    name: 'redirect-location-code',
    scopes: ALL,
    schema: redirectStatus,
    default: 302,
    description: 'Status of the redirect-location answer, 300-308.',
  }),
  redirectLocationRelative: defineKey({
    name: 'redirect-location-relative',
    scopes: ALL,
    schema: bool,
    default: false,
    description: 'A redirect-location that is a path is sent as written, relative, instead of made absolute.',
  }),
  appRoot: defineKey({
    name: 'app-root',
    scopes: ALL,
    schema: appRootPath.optional(),
    default: undefined,
    description: 'A request for / (and only /) is redirected with 302 to this path, on the request host.',
  }),
  sslRedirectTrailingSlash: defineKey({
    name: 'ssl-redirect-trailing-slash',
    scopes: ALL,
    schema: z
      .string()
      .transform((s) => s.trim().toLowerCase())
      .pipe(z.enum(['keep', 'drop'], 'must be keep or drop')),
    default: 'keep' as 'keep' | 'drop',
    description:
      'keep: the HTTPS redirect keeps the path and query as they came; drop: a trailing / at the end of them is dropped (ingress-nginx).',
  }),
};
