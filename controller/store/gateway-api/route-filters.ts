/**
 * Route filters of HTTPRoute and GRPCRoute rules and backendRefs. A filter
 * names its type and carries exactly the field of that type (the CRDs' CEL
 * rules); once checked it reads as a union on `type`, so the field of its
 * type is always present.
 */
import { z } from 'zod';
import {
  BackendObjectReferenceSchema,
  HeaderNameSchema,
  LocalObjectReferenceSchema,
  PortNumberSchema,
  PreciseHostnameSchema,
  uniqueBy,
} from './fields.ts';

/** Types a value already checked by `schema`: the second stage of a check-then-narrow pipe. */
const checked = <T extends z.ZodType>(_schema: T) => z.custom<z.output<T>>(() => true);

const issue = (ctx: z.RefinementCtx, message: string, path: PropertyKey[] = []) =>
  ctx.addIssue({ code: 'custom', message, path });

const HTTPHeaderSchema = z.object({ name: HeaderNameSchema, value: z.string().min(1).max(4096) });
const headerList = z
  .array(HTTPHeaderSchema)
  .max(16)
  .superRefine(uniqueBy('header', (h) => h.name))
  .default([]);

/** RequestHeaderModifier and ResponseHeaderModifier. */
export const HeaderModifierSchema = z.object({
  set: headerList,
  add: headerList,
  remove: z
    .array(z.string())
    .max(16)
    .superRefine(uniqueBy('header', (h) => h))
    .default([]),
});

const FractionSchema = z
  .object({
    numerator: z.number().int().min(0),
    denominator: z.number().int().min(1).default(100),
  })
  .refine((f) => f.numerator <= f.denominator, 'numerator must be less than or equal to denominator');

export const RequestMirrorSchema = z
  .object({
    backendRef: BackendObjectReferenceSchema,
    percent: z.number().int().min(0).max(100).optional(),
    fraction: FractionSchema.optional(),
  })
  .refine(
    (m) => m.percent === undefined || m.fraction === undefined,
    'Only one of percent or fraction may be specified in HTTPRequestMirrorFilter',
  );

const PathModifierFieldsSchema = z
  .object({
    type: z.enum(['ReplaceFullPath', 'ReplacePrefixMatch']),
    replaceFullPath: z.string().max(1024).optional(),
    replacePrefixMatch: z.string().max(1024).optional(),
  })
  .superRefine((p, ctx) => {
    for (const type of ['ReplaceFullPath', 'ReplacePrefixMatch'] as const) {
      const field = type === 'ReplaceFullPath' ? 'replaceFullPath' : 'replacePrefixMatch';
      if (p.type === type && p[field] === undefined)
        issue(ctx, `${field} must be specified when type is set to '${type}'`);
      if (p[field] !== undefined && p.type !== type)
        issue(ctx, `type must be '${type}' when ${field} is set`);
    }
  });

/** HTTPPathModifier: the new path of a redirect or rewrite. */
export const HTTPPathModifierSchema = PathModifierFieldsSchema.pipe(
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('ReplaceFullPath'), replaceFullPath: z.string() }),
    z.object({ type: z.literal('ReplacePrefixMatch'), replacePrefixMatch: z.string() }),
  ]),
);

export const RequestRedirectSchema = z.object({
  scheme: z.enum(['http', 'https']).optional(),
  hostname: PreciseHostnameSchema.optional(),
  path: HTTPPathModifierSchema.optional(),
  port: PortNumberSchema.optional(),
  statusCode: z.literal([301, 302, 303, 307, 308]).default(302),
});

export const URLRewriteSchema = z.object({
  hostname: PreciseHostnameSchema.optional(),
  path: HTTPPathModifierSchema.optional(),
});

const CORS_ORIGIN = /(^\*$)|(^(http(s)?):\/\/(((\*\.)?([a-zA-Z0-9-]+\.)*[a-zA-Z0-9-]+|\*)(:([0-9]{1,5}))?)$)/;
export const HTTP_METHODS = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'CONNECT',
  'OPTIONS',
  'TRACE',
  'PATCH',
] as const;

/** A set (unique items) where `*` stands alone. */
const wildcardSet = <T extends z.ZodType<string>>(item: T, max: number, what: string, message?: string) =>
  z
    .array(item)
    .max(max)
    .superRefine(uniqueBy(what, (v) => v))
    .refine(
      (list: readonly string[]) => message === undefined || !(list.includes('*') && list.length > 1),
      message,
    )
    .default([]);

export const CORSSchema = z.object({
  allowOrigins: wildcardSet(
    z
      .string()
      .min(1)
      .max(253)
      .regex(CORS_ORIGIN, 'must be "*" or an http(s) origin, e.g. "https://*.example.com"'),
    64,
    'origin',
    "AllowOrigins cannot contain '*' alongside other origins",
  ),
  allowCredentials: z.boolean().optional(),
  allowMethods: wildcardSet(
    z.enum([...HTTP_METHODS, '*']),
    9,
    'method',
    "AllowMethods cannot contain '*' alongside other methods",
  ),
  allowHeaders: wildcardSet(
    HeaderNameSchema,
    64,
    'header',
    "AllowHeaders cannot contain '*' alongside other methods",
  ),
  exposeHeaders: wildcardSet(HeaderNameSchema, 64, 'header'),
  maxAge: z.number().int().min(1).default(5),
});

const FIELD_OF = {
  RequestHeaderModifier: 'requestHeaderModifier',
  ResponseHeaderModifier: 'responseHeaderModifier',
  RequestMirror: 'requestMirror',
  RequestRedirect: 'requestRedirect',
  URLRewrite: 'urlRewrite',
  ExtensionRef: 'extensionRef',
  CORS: 'cors',
} as const;
type FilterType = keyof typeof FIELD_OF;

/** Each type's field is set exactly when the filter is of that type. */
function fieldMatchesType(types: readonly FilterType[]) {
  return (filter: { type: string } & Record<string, unknown>, ctx: z.RefinementCtx) => {
    for (const type of types) {
      const field = FIELD_OF[type];
      if (filter[field] !== undefined && filter.type !== type)
        issue(ctx, `filter.${field} must be nil if the filter.type is not ${type}`, [field]);
      if (filter[field] === undefined && filter.type === type)
        issue(ctx, `filter.${field} must be specified for ${type} filter.type`);
    }
  };
}

function listRules(unrepeatable: readonly FilterType[], redirectOrRewrite: boolean) {
  return (filters: readonly { type: string }[], ctx: z.RefinementCtx) => {
    const count = (type: FilterType) => filters.filter((f) => f.type === type).length;
    if (redirectOrRewrite && count('RequestRedirect') > 0 && count('URLRewrite') > 0)
      issue(
        ctx,
        'May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both',
      );
    for (const type of unrepeatable) if (count(type) > 1) issue(ctx, `${type} filter cannot be repeated`);
  };
}

const HTTP_FILTER_TYPES = [
  'RequestHeaderModifier',
  'ResponseHeaderModifier',
  'RequestMirror',
  'RequestRedirect',
  'URLRewrite',
  'ExtensionRef',
  'CORS',
] as const;

const HTTPRouteFilterFieldsSchema = z
  .object({
    type: z.enum(HTTP_FILTER_TYPES),
    requestHeaderModifier: HeaderModifierSchema.optional(),
    responseHeaderModifier: HeaderModifierSchema.optional(),
    requestMirror: RequestMirrorSchema.optional(),
    requestRedirect: RequestRedirectSchema.optional(),
    urlRewrite: URLRewriteSchema.optional(),
    extensionRef: LocalObjectReferenceSchema.optional(),
    cors: CORSSchema.optional(),
  })
  .superRefine(fieldMatchesType(HTTP_FILTER_TYPES));

export const HTTPRouteFilterSchema = HTTPRouteFilterFieldsSchema.pipe(
  z.discriminatedUnion('type', [
    z.object({
      type: z.literal('RequestHeaderModifier'),
      requestHeaderModifier: checked(HeaderModifierSchema),
    }),
    z.object({
      type: z.literal('ResponseHeaderModifier'),
      responseHeaderModifier: checked(HeaderModifierSchema),
    }),
    z.object({ type: z.literal('RequestMirror'), requestMirror: checked(RequestMirrorSchema) }),
    z.object({ type: z.literal('RequestRedirect'), requestRedirect: checked(RequestRedirectSchema) }),
    z.object({ type: z.literal('URLRewrite'), urlRewrite: checked(URLRewriteSchema) }),
    z.object({ type: z.literal('ExtensionRef'), extensionRef: checked(LocalObjectReferenceSchema) }),
    z.object({ type: z.literal('CORS'), cors: checked(CORSSchema) }),
  ]),
);

export const HTTPRouteFiltersSchema = z
  .array(HTTPRouteFilterSchema)
  .max(16)
  .superRefine(
    listRules(
      ['CORS', 'RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestRedirect', 'URLRewrite'],
      true,
    ),
  )
  .default([]);

const GRPC_FILTER_TYPES = [
  'RequestHeaderModifier',
  'ResponseHeaderModifier',
  'RequestMirror',
  'ExtensionRef',
] as const;

const GRPCRouteFilterFieldsSchema = z
  .object({
    type: z.enum(GRPC_FILTER_TYPES),
    requestHeaderModifier: HeaderModifierSchema.optional(),
    responseHeaderModifier: HeaderModifierSchema.optional(),
    requestMirror: RequestMirrorSchema.optional(),
    extensionRef: LocalObjectReferenceSchema.optional(),
  })
  .superRefine(fieldMatchesType(GRPC_FILTER_TYPES));

export const GRPCRouteFilterSchema = GRPCRouteFilterFieldsSchema.pipe(
  z.discriminatedUnion('type', [
    z.object({
      type: z.literal('RequestHeaderModifier'),
      requestHeaderModifier: checked(HeaderModifierSchema),
    }),
    z.object({
      type: z.literal('ResponseHeaderModifier'),
      responseHeaderModifier: checked(HeaderModifierSchema),
    }),
    z.object({ type: z.literal('RequestMirror'), requestMirror: checked(RequestMirrorSchema) }),
    z.object({ type: z.literal('ExtensionRef'), extensionRef: checked(LocalObjectReferenceSchema) }),
  ]),
);

export const GRPCRouteFiltersSchema = z
  .array(GRPCRouteFilterSchema)
  .max(16)
  .superRefine(listRules(['RequestHeaderModifier', 'ResponseHeaderModifier'], false))
  .default([]);

export type HeaderModifier = z.infer<typeof HeaderModifierSchema>;
export type RequestMirror = z.infer<typeof RequestMirrorSchema>;
export type HTTPPathModifier = z.infer<typeof HTTPPathModifierSchema>;
export type RequestRedirect = z.infer<typeof RequestRedirectSchema>;
export type URLRewrite = z.infer<typeof URLRewriteSchema>;
export type CORS = z.infer<typeof CORSSchema>;
export type HTTPRouteFilter = z.infer<typeof HTTPRouteFilterSchema>;
export type GRPCRouteFilter = z.infer<typeof GRPCRouteFilterSchema>;
