/** GRPCRoute (gateway.networking.k8s.io/v1), as the standard channel's CRD validates and defaults it. */
import { z } from 'zod';
import {
  BackendRefFields,
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
import { totalMatchesAtMost128 } from './http-route.ts';
import { GRPCRouteFiltersSchema } from './route-filters.ts';

const SERVICE = /^\.?[a-z_][a-z_0-9]*(\.[a-z_][a-z_0-9]*)*$/i;
const METHOD = /^[A-Za-z_][A-Za-z_0-9]*$/;

/** Service and method names are checked as names only for `Exact`; a regular expression is the model's to judge. */
export const GRPCMethodMatchSchema = z
  .object({
    type: z.enum(['Exact', 'RegularExpression']).default('Exact'),
    service: z.string().max(1024).optional(),
    method: z.string().max(1024).optional(),
  })
  .superRefine(({ type, service, method }, ctx) => {
    if (service === undefined && method === undefined)
      ctx.addIssue({ code: 'custom', message: "One or both of 'service' or 'method' must be specified" });
    if (type !== 'Exact') return;
    if (service !== undefined && !SERVICE.test(service))
      ctx.addIssue({
        code: 'custom',
        path: ['service'],
        message: `service must only contain valid characters (matching ^(?i)${SERVICE.source.slice(1)})`,
      });
    if (method !== undefined && !METHOD.test(method))
      ctx.addIssue({
        code: 'custom',
        path: ['method'],
        message: `method must only contain valid characters (matching ${METHOD.source})`,
      });
  });

export const GRPCRouteMatchSchema = z.object({
  method: GRPCMethodMatchSchema.optional(),
  headers: z
    .array(
      z.object({
        type: z.enum(['Exact', 'RegularExpression']).default('Exact'),
        name: HeaderNameSchema,
        value: z.string().min(1).max(4096),
      }),
    )
    .max(16)
    .superRefine(uniqueBy('header match', (h) => h.name))
    .default([]),
});

export const GRPCBackendRefSchema = z
  .object({ ...BackendRefFields, filters: GRPCRouteFiltersSchema })
  .superRefine(requirePortForService);

/** A rule without matches matches every request. */
export const GRPCRouteRuleSchema = z.object({
  name: SectionNameSchema.optional(),
  matches: z.array(GRPCRouteMatchSchema).max(64).default([]),
  filters: GRPCRouteFiltersSchema,
  backendRefs: z.array(GRPCBackendRefSchema).max(16).default([]),
});

export const GRPCRouteSchema = z.preprocess(
  withoutNullFields,
  z.object({
    apiVersion: servedVersions('gateway.networking.k8s.io/v1'),
    kind: z.literal('GRPCRoute'),
    metadata: GatewayObjectMetaSchema,
    spec: z.object({
      parentRefs: ParentRefsSchema,
      hostnames: z.array(HostnameSchema).max(16).default([]),
      rules: z.array(GRPCRouteRuleSchema).max(16).superRefine(totalMatchesAtMost128).default([]),
    }),
    status: RouteStatusSchema,
  }),
);

export type GRPCRoute = z.infer<typeof GRPCRouteSchema>;
export type GRPCRouteRule = z.infer<typeof GRPCRouteRuleSchema>;
export type GRPCRouteMatch = z.infer<typeof GRPCRouteMatchSchema>;
export type GRPCMethodMatch = z.infer<typeof GRPCMethodMatchSchema>;
export type GRPCBackendRef = z.infer<typeof GRPCBackendRefSchema>;
