/** HTTPRoute (gateway.networking.k8s.io/v1), as the standard channel's CRD validates and defaults it. */
import { z } from 'zod';
import {
  BackendRefFields,
  DurationSchema,
  durationMs,
  GatewayObjectMetaSchema,
  HeaderNameSchema,
  HostnameSchema,
  ParentRefsSchema,
  RouteStatusSchema,
  requirePortForService,
  SectionNameSchema,
  servedVersions,
  uniqueBy,
  withoutNullFields,
} from './fields.ts';
import { HTTP_METHODS, type HTTPRouteFilter, HTTPRouteFiltersSchema } from './route-filters.ts';

const EXACT_OR_PREFIX = "when type one of ['Exact', 'PathPrefix']";
const PATH_CHARACTERS = /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$/;

/**
 * A path match. `Exact` and `PathPrefix` values are checked as the CRD checks
 * them; a `RegularExpression` value is not (the CRD accepts any string up to
 * 1024 characters): whether the data plane can use it is the model's call.
 */
export const HTTPPathMatchSchema = z
  .object({
    type: z.enum(['Exact', 'PathPrefix', 'RegularExpression']).default('PathPrefix'),
    value: z.string().max(1024).default('/'),
  })
  .superRefine(({ type, value }, ctx) => {
    if (type === 'RegularExpression') return;
    const refuse = (message: string) => ctx.addIssue({ code: 'custom', path: ['value'], message });
    if (!value.startsWith('/'))
      refuse(`value must be an absolute path and start with '/' ${EXACT_OR_PREFIX}`);
    for (const part of ['//', '/./', '/../', '%2f', '%2F', '#'])
      if (value.includes(part)) refuse(`must not contain '${part}' ${EXACT_OR_PREFIX}`);
    for (const end of ['/..', '/.'])
      if (value.endsWith(end)) refuse(`must not end with '${end}' ${EXACT_OR_PREFIX}`);
    if (!PATH_CHARACTERS.test(value))
      refuse(
        `must only contain valid characters (matching ${PATH_CHARACTERS.source}) for types ['Exact', 'PathPrefix']`,
      );
  });

const matchType = z.enum(['Exact', 'RegularExpression']).default('Exact');

export const HTTPRouteMatchSchema = z.object({
  path: HTTPPathMatchSchema.prefault({ type: 'PathPrefix', value: '/' }),
  headers: z
    .array(z.object({ type: matchType, name: HeaderNameSchema, value: z.string().min(1).max(4096) }))
    .max(16)
    .superRefine(uniqueBy('header match', (h) => h.name))
    .default([]),
  queryParams: z
    .array(z.object({ type: matchType, name: HeaderNameSchema, value: z.string().min(1).max(1024) }))
    .max(16)
    .superRefine(uniqueBy('query parameter match', (q) => q.name))
    .default([]),
  method: z.enum(HTTP_METHODS).optional(),
});

export const HTTPBackendRefSchema = z
  .object({ ...BackendRefFields, filters: HTTPRouteFiltersSchema })
  .superRefine(requirePortForService);

const HTTPRouteTimeoutsSchema = z
  .object({ request: DurationSchema.optional(), backendRequest: DurationSchema.optional() })
  .refine(
    ({ request, backendRequest }) =>
      request === undefined ||
      backendRequest === undefined ||
      durationMs(request) === 0 ||
      durationMs(backendRequest) <= durationMs(request),
    'backendRequest timeout cannot be longer than request timeout',
  );

/** The one match a rule gets when it names none: every request. */
const MATCH_EVERYTHING = { path: { type: 'PathPrefix' as const, value: '/' } };

/** The new path a redirect or a rewrite gives, if the filter is one. */
const newPath = (f: HTTPRouteFilter) =>
  f.type === 'RequestRedirect'
    ? f.requestRedirect.path
    : f.type === 'URLRewrite'
      ? f.urlRewrite.path
      : undefined;

/** Exactly one filter of this type replaces the matched prefix (the CRD counts with exists_one). */
const onePrefixReplacement = (filters: readonly HTTPRouteFilter[], type: 'RequestRedirect' | 'URLRewrite') =>
  filters.filter((f) => f.type === type && newPath(f)?.type === 'ReplacePrefixMatch').length === 1;

export const HTTPRouteRuleSchema = z
  .object({
    name: SectionNameSchema.optional(),
    matches: z.array(HTTPRouteMatchSchema).max(64).prefault([MATCH_EVERYTHING]),
    filters: HTTPRouteFiltersSchema,
    backendRefs: z.array(HTTPBackendRefSchema).max(16).default([]),
    timeouts: HTTPRouteTimeoutsSchema.optional(),
  })
  .superRefine((rule, ctx) => {
    const refuse = (message: string) => ctx.addIssue({ code: 'custom', message });
    if (rule.backendRefs.length > 0 && rule.filters.some((f) => f.type === 'RequestRedirect'))
      refuse('RequestRedirect filter must not be used together with backendRefs');
    const onePrefixMatch = rule.matches.length === 1 && rule.matches[0]?.path.type === 'PathPrefix';
    if (onePrefixMatch) return;
    // As in the CRD, these apply when exactly one filter (or one backendRef) replaces a prefix.
    if (onePrefixReplacement(rule.filters, 'RequestRedirect'))
      refuse(
        'When using RequestRedirect filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified',
      );
    if (onePrefixReplacement(rule.filters, 'URLRewrite'))
      refuse(
        'When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified',
      );
    if (rule.backendRefs.filter((b) => onePrefixReplacement(b.filters, 'RequestRedirect')).length === 1)
      refuse(
        'Within backendRefs, when using RequestRedirect filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified',
      );
    if (rule.backendRefs.filter((b) => onePrefixReplacement(b.filters, 'URLRewrite')).length === 1)
      refuse(
        'Within backendRefs, When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified',
      );
  });

/** At most 128 matches in a route, whatever the rules. */
export const totalMatchesAtMost128 = (
  rules: readonly { matches: readonly unknown[] }[],
  ctx: z.RefinementCtx,
) => {
  if (rules.reduce((sum, rule) => sum + rule.matches.length, 0) > 128)
    ctx.addIssue({
      code: 'custom',
      message:
        'While 16 rules and 64 matches per rule are allowed, the total number of matches across all rules in a route must be less than 128',
    });
};

export const HTTPRouteSchema = z.preprocess(
  withoutNullFields,
  z.object({
    apiVersion: servedVersions('gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1beta1'),
    kind: z.literal('HTTPRoute'),
    metadata: GatewayObjectMetaSchema,
    spec: z.object({
      parentRefs: ParentRefsSchema,
      hostnames: z.array(HostnameSchema).max(16).default([]),
      rules: z
        .array(HTTPRouteRuleSchema)
        .min(1)
        .max(16)
        .superRefine(totalMatchesAtMost128)
        .prefault([{ matches: [MATCH_EVERYTHING] }]),
    }),
    status: RouteStatusSchema,
  }),
);

export type HTTPRoute = z.infer<typeof HTTPRouteSchema>;
export type HTTPRouteRule = z.infer<typeof HTTPRouteRuleSchema>;
export type HTTPRouteMatch = z.infer<typeof HTTPRouteMatchSchema>;
export type HTTPPathMatch = z.infer<typeof HTTPPathMatchSchema>;
export type HTTPBackendRef = z.infer<typeof HTTPBackendRefSchema>;
