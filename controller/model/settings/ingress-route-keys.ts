/**
 * Keys that change an Ingress's routes rather than the requests of one
 * backend: read once per Ingress (its own annotations, its translated
 * ingress-nginx annotations, then the ConfigMap) by the model's Ingress steps.
 */
import { z } from 'zod';
import { defineKey } from './registry.ts';
import { bool } from './values.ts';

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

export const INGRESS_ROUTE_KEYS = {
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
