/**
 * Keys that change an Ingress's routes rather than the requests of one
 * backend: read once per Ingress (its own annotations, its translated
 * ingress-nginx annotations, then the ConfigMap) by the model's Ingress steps.
 */
import { z } from 'zod';
import { ERROR_PAGE_KEYS } from './error-page-keys.ts';
import { defineKey } from './registry.ts';
import { bool, int, isRegex } from './values.ts';

const INGRESS = ['configmap', 'ingress'] as const;

/** A path with `$1`..`$9` references to the groups of the route's path (no other `$`). */
const rewriteTarget = z
  .string()
  .trim()
  .max(1024, 'must be at most 1024 characters')
  .regex(
    /^\/?([A-Za-z0-9\-._~/:@!*+,;=&]|\$[1-9])*$/,
    'must be a path whose $1..$9 refer to groups of the path (no other $, spaces, quotes, "#", "%" or "?")',
  );

const headerName = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'must be a header name such as X-Canary');

/** Host names (and `*.` wildcards), separated by commas or spaces. */
const hostList = z
  .string()
  .refine((s) => !/[\r\n\0]/.test(s), 'must be on one line')
  .transform((s) =>
    s
      .toLowerCase()
      .split(/[ \t,]+/)
      .filter((h) => h !== ''),
  )
  .pipe(
    z
      .array(
        z
          .string()
          .max(253)
          .regex(
            /^(\*\.)?[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/,
            'each must be a host name, optionally starting with "*."',
          ),
      )
      .min(1)
      .max(32),
  );

export const INGRESS_ROUTE_KEYS = {
  ...ERROR_PAGE_KEYS,
  serverAlias: defineKey({
    name: 'server-alias',
    scopes: INGRESS,
    schema: hostList.optional(),
    default: undefined,
    description:
      "More host names for the Ingress: each gets the same paths as the Ingress's rules, unless a rule of any Ingress names it (then it keeps its own and the alias is reported).",
  }),
  canary: defineKey({
    name: 'canary',
    scopes: INGRESS,
    schema: bool,
    default: false,
    description:
      'The Ingress is a canary: never a route of its own, it takes some requests of the same host and path from the oldest Ingress that is not a canary: by canary-header, then canary-cookie, then canary-weight.',
  }),
  canaryHeader: defineKey({
    name: 'canary-header',
    scopes: INGRESS,
    schema: headerName.optional(),
    default: undefined,
    description:
      'A request with this header set to `always` goes to the canary, `never` to the other Ingress (unless canary-header-value or -pattern says what matches).',
  }),
  canaryHeaderValue: defineKey({
    name: 'canary-header-value',
    scopes: INGRESS,
    schema: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9\-._~/:, ]{1,256}$/, 'must be letters, digits, spaces and -._~/:,')
      .optional(),
    default: undefined,
    description:
      'canary-header with exactly this value goes to the canary; other values fall through to the cookie and weight.',
  }),
  canaryHeaderPattern: defineKey({
    name: 'canary-header-pattern',
    scopes: INGRESS,
    schema: z
      .string()
      .trim()
      .max(256, 'must be at most 256 characters')
      .regex(
        /^[A-Za-z0-9\-._~/:^$[\](){}*+?|&=\\,]+$/,
        'must be a regular expression without quotes, spaces or "#"',
      )
      .refine(isRegex, 'must be a valid regular expression')
      .optional(),
    default: undefined,
    description:
      'canary-header whose value this regular expression finds (anywhere in it) goes to the canary.',
  }),
  canaryCookie: defineKey({
    name: 'canary-cookie',
    scopes: INGRESS,
    schema: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be a cookie name of letters, digits, _ . -')
      .optional(),
    default: undefined,
    description:
      'A request with this cookie set to `always` goes to the canary, `never` to the other Ingress.',
  }),
  canaryWeight: defineKey({
    name: 'canary-weight',
    scopes: INGRESS,
    schema: int(0, 1_000_000).optional(),
    default: undefined,
    description:
      'Out of canary-weight-total, the share of the other requests that goes to the canary, at random.',
  }),
  canaryWeightTotal: defineKey({
    name: 'canary-weight-total',
    scopes: INGRESS,
    schema: int(1, 1_000_000),
    default: 100,
    description: 'What canary-weight is out of.',
  }),
  pathRegex: defineKey({
    name: 'path-regex',
    scopes: INGRESS,
    schema: bool,
    default: false,
    description:
      'The paths of the Ingress are regular expressions (PCRE), case-insensitive and anchored at the start only, as ingress-nginx reads them with use-regex; then every path of the same hosts is read so too, from every Ingress. On such a host the paths are tried longest first and the first that matches wins.',
  }),
  rewriteTarget: defineKey({
    name: 'rewrite-target',
    scopes: INGRESS,
    schema: rewriteTarget.optional(),
    default: undefined,
    description:
      "The path sent to the pods replaces the whole request path; `$1`..`$9` are the groups of the route's path. The query string is kept. Implies path-regex.",
  }),
  wwwRedirect: defineKey({
    name: 'www-redirect',
    scopes: INGRESS,
    schema: bool,
    default: false,
    description:
      'Requests for www.<host> are redirected with 308 to <host> (or the other way round when the rule names www.<host>), to port 80 or 443 and without a trailing /, unless a rule names that host itself.',
  }),
};
