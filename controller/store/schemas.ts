/**
 * One zod schema per Kubernetes kind we consume: the store's boundary.
 * Only the fields the model reads are declared; anything else passes through
 * untouched. The Gateway API kinds (gateway-api/) are declared whole, with
 * their CRDs' validation and defaults. Types for the rest of the controller
 * come from these schemas.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { z } from 'zod';
import { GatewayClassSchema, GatewaySchema } from './gateway-api/gateway.ts';
import { GRPCRouteSchema } from './gateway-api/grpc-route.ts';
import { HTTPRouteSchema } from './gateway-api/http-route.ts';
import { ReferenceGrantSchema } from './gateway-api/reference-grant.ts';
import { dnsLabel, dnsSubdomain, ObjectMetaSchema } from './object-meta.ts';

export { ObjectMetaSchema };

const portRef = z.union([
  z.object({ number: z.number().int().min(1).max(65535), name: z.undefined().optional() }),
  z.object({ name: z.string().min(1).max(63), number: z.undefined().optional() }),
]);

export const IngressBackendSchema = z.union([
  z.object({ service: z.object({ name: dnsSubdomain, port: portRef }), resource: z.undefined().optional() }),
  z.object({
    resource: z.object({ apiGroup: z.string().optional(), kind: z.string(), name: z.string() }),
    service: z.undefined().optional(),
  }),
]);

/**
 * Host as allowed by the Ingress API: a DNS name, optionally with one leading
 * `*.` label. Lowercased here: hosts match case-insensitively.
 */
export const IngressHostSchema = z
  .string()
  .transform((h) => h.toLowerCase())
  .pipe(
    z
      .string()
      .max(253)
      .regex(
        /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
        'must be a DNS name, optionally starting with "*."',
      ),
  );

/**
 * Paths go into map files as keys: no whitespace, no control characters. `{}|\^` are
 * allowed for paths read as regular expressions (path-regex); the model refuses them elsewhere.
 */
export const IngressPathSchema = z.string().refine(
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
  (p) => /^\/[^\s\u0000-\u001f\u007f`"<>#]*$/.test(p),
  'must start with "/" and contain no whitespace, control characters, quotes, "<", ">" or "#"',
);

const pathType = z.enum(['Exact', 'Prefix', 'ImplementationSpecific']);

/** `status.loadBalancer` of an Ingress or a Service: where clients reach it. */
const LoadBalancerStatusSchema = z
  .object({
    ingress: z
      .array(z.object({ ip: z.string().optional(), hostname: z.string().optional() }))
      .nullish()
      .transform((v) => v ?? []),
  })
  .default({ ingress: [] });

export const IngressSchema = z.object({
  apiVersion: z.literal('networking.k8s.io/v1'),
  kind: z.literal('Ingress'),
  metadata: ObjectMetaSchema,
  spec: z
    .object({
      ingressClassName: z.string().optional(),
      defaultBackend: IngressBackendSchema.optional(),
      tls: z
        .array(z.object({ hosts: z.array(IngressHostSchema).default([]), secretName: z.string().optional() }))
        .default([]),
      rules: z
        .array(
          z.object({
            host: IngressHostSchema.optional(),
            http: z
              .object({
                paths: z.array(
                  z.object({
                    path: IngressPathSchema.optional(),
                    pathType: pathType.default('ImplementationSpecific'),
                    backend: IngressBackendSchema,
                  }),
                ),
              })
              .optional(),
          }),
        )
        .default([]),
    })
    .default({ tls: [], rules: [] }),
  status: z.object({ loadBalancer: LoadBalancerStatusSchema }).default({ loadBalancer: { ingress: [] } }),
});

export const IngressClassSchema = z.object({
  apiVersion: z.literal('networking.k8s.io/v1'),
  kind: z.literal('IngressClass'),
  metadata: ObjectMetaSchema.extend({ namespace: z.string().default('') }),
  spec: z.object({ controller: z.string().optional() }).default({}),
});

export const ServicePortSchema = z.object({
  name: z.string().optional(),
  protocol: z.enum(['TCP', 'UDP', 'SCTP']).default('TCP'),
  port: z.number().int().min(1).max(65535),
  targetPort: z.union([z.number().int().min(1).max(65535), z.string()]).optional(),
  appProtocol: z.string().optional(),
});

export const ServiceSchema = z.object({
  apiVersion: z.literal('v1'),
  kind: z.literal('Service'),
  metadata: ObjectMetaSchema,
  spec: z
    .object({
      type: z.string().default('ClusterIP'),
      clusterIP: z.string().optional(),
      clusterIPs: z.array(z.string()).optional(),
      externalName: z.string().optional(),
      ports: z.array(ServicePortSchema).default([]),
    })
    .default({ type: 'ClusterIP', ports: [] }),
  status: z.object({ loadBalancer: LoadBalancerStatusSchema }).default({ loadBalancer: { ingress: [] } }),
});

export const EndpointSliceSchema = z.object({
  apiVersion: z.literal('discovery.k8s.io/v1'),
  kind: z.literal('EndpointSlice'),
  metadata: ObjectMetaSchema,
  addressType: z.enum(['IPv4', 'IPv6', 'FQDN']),
  endpoints: z
    .array(
      z.object({
        addresses: z.array(z.string()).min(1),
        conditions: z
          .object({
            ready: z.boolean().nullish(),
            serving: z.boolean().nullish(),
            terminating: z.boolean().nullish(),
          })
          .default({}),
        targetRef: z.object({ kind: z.string().optional(), name: z.string().optional() }).optional(),
      }),
    )
    .nullish()
    .transform((e) => e ?? []),
  ports: z
    .array(
      z.object({
        name: z.string().nullish(),
        port: z.number().int().min(1).max(65535).nullish(),
        protocol: z.enum(['TCP', 'UDP', 'SCTP']).default('TCP'),
      }),
    )
    .nullish()
    .transform((p) => p ?? []),
});

export const TLS_SECRET_TYPE = 'kubernetes.io/tls';

/** Secret values decoded from base64 (`stringData` as written in manifests overrides `data`). */
export const SecretSchema = z
  .object({
    apiVersion: z.literal('v1'),
    kind: z.literal('Secret'),
    metadata: ObjectMetaSchema,
    type: z.string().default('Opaque'),
    data: z
      .record(z.string(), z.string().regex(/^[A-Za-z0-9+/=\s]*$/, 'must be base64'))
      .nullish()
      .transform((d) => d ?? {}),
    stringData: z
      .record(z.string(), z.string())
      .nullish()
      .transform((d) => d ?? {}),
  })
  .transform(({ data, stringData, ...secret }) => {
    const values: Record<string, string> = {};
    for (const [k, v] of Object.entries(data)) values[k] = Buffer.from(v, 'base64').toString('utf8');
    return { ...secret, values: { ...values, ...stringData } };
  })
  .superRefine((secret, ctx) => {
    if (secret.type !== TLS_SECRET_TYPE) return;
    // A TLS Secret is checked whole here, so a broken one never reaches haproxy.cfg.
    const read = <T>(field: 'tls.crt' | 'tls.key', parse: (pem: string) => T): T | undefined => {
      const pem = secret.values[field];
      if (!pem) {
        ctx.addIssue({ code: 'custom', path: ['data', field], message: 'missing' });
        return undefined;
      }
      try {
        return parse(pem);
      } catch (error) {
        ctx.addIssue({
          code: 'custom',
          path: ['data', field],
          message: `not valid PEM (${(error as Error).message})`,
        });
        return undefined;
      }
    };
    const certificate = read('tls.crt', (pem) => new X509Certificate(pem));
    const key = read('tls.key', (pem) => createPrivateKey(pem));
    if (certificate && key && !certificate.checkPrivateKey(key)) {
      ctx.addIssue({
        code: 'custom',
        path: ['data', 'tls.key'],
        message: 'does not match the certificate in tls.crt',
      });
    }
  });

export const ConfigMapSchema = z.object({
  apiVersion: z.literal('v1'),
  kind: z.literal('ConfigMap'),
  metadata: ObjectMetaSchema,
  data: z
    .record(z.string(), z.string())
    .nullish()
    .transform((d) => d ?? {}),
});

/**
 * Namespaces, for their labels (Gateway listeners select route namespaces by
 * label). The API server labels every Namespace with its own name; so does
 * local mode.
 */
export const NamespaceSchema = z
  .object({
    apiVersion: z.literal('v1'),
    kind: z.literal('Namespace'),
    metadata: ObjectMetaSchema.extend({
      name: dnsLabel,
      namespace: z
        .unknown()
        .optional()
        .transform((): string => ''),
    }),
  })
  .transform((ns) => {
    const labels: Record<string, string> = {
      ...ns.metadata.labels,
      'kubernetes.io/metadata.name': ns.metadata.name,
    };
    return { ...ns, metadata: { ...ns.metadata, labels } };
  });

export const KIND_SCHEMAS = {
  Ingress: IngressSchema,
  IngressClass: IngressClassSchema,
  Service: ServiceSchema,
  EndpointSlice: EndpointSliceSchema,
  Secret: SecretSchema,
  ConfigMap: ConfigMapSchema,
  Namespace: NamespaceSchema,
  GatewayClass: GatewayClassSchema,
  Gateway: GatewaySchema,
  HTTPRoute: HTTPRouteSchema,
  GRPCRoute: GRPCRouteSchema,
  ReferenceGrant: ReferenceGrantSchema,
} as const;

/**
 * The API group of each kind: an object of the same kind name in another group
 * (an Istio `Gateway`, say) is not ours and is ignored, not refused.
 */
export const KIND_GROUPS: Record<Kind, string> = {
  Ingress: 'networking.k8s.io',
  IngressClass: 'networking.k8s.io',
  Service: '',
  EndpointSlice: 'discovery.k8s.io',
  Secret: '',
  ConfigMap: '',
  Namespace: '',
  GatewayClass: 'gateway.networking.k8s.io',
  Gateway: 'gateway.networking.k8s.io',
  HTTPRoute: 'gateway.networking.k8s.io',
  GRPCRoute: 'gateway.networking.k8s.io',
  ReferenceGrant: 'gateway.networking.k8s.io',
};

/** Kinds without a namespace. */
export const CLUSTER_SCOPED: ReadonlySet<Kind> = new Set(['IngressClass', 'Namespace', 'GatewayClass']);

export type Kind = keyof typeof KIND_SCHEMAS;
export const KINDS = Object.keys(KIND_SCHEMAS) as Kind[];

export type Ingress = z.infer<typeof IngressSchema>;
export type IngressBackend = z.infer<typeof IngressBackendSchema>;
export type IngressClass = z.infer<typeof IngressClassSchema>;
export type Service = z.infer<typeof ServiceSchema>;
export type ServicePort = z.infer<typeof ServicePortSchema>;
export type EndpointSlice = z.infer<typeof EndpointSliceSchema>;
export type Secret = z.infer<typeof SecretSchema>;
export type ConfigMap = z.infer<typeof ConfigMapSchema>;
export type ObjectMeta = z.infer<typeof ObjectMetaSchema>;
export type Namespace = z.infer<typeof NamespaceSchema>;
export type {
  AllowedRoutes,
  Gateway,
  GatewayClass,
  GatewaySpecAddress,
  Listener,
  ListenerTLS,
} from './gateway-api/gateway.ts';
export type {
  GRPCBackendRef,
  GRPCMethodMatch,
  GRPCRoute,
  GRPCRouteMatch,
  GRPCRouteRule,
} from './gateway-api/grpc-route.ts';
export type {
  HTTPBackendRef,
  HTTPPathMatch,
  HTTPRoute,
  HTTPRouteMatch,
  HTTPRouteRule,
} from './gateway-api/http-route.ts';
export type { ReferenceGrant } from './gateway-api/reference-grant.ts';
export type {
  CORS,
  GRPCRouteFilter,
  HeaderModifier,
  HTTPPathModifier,
  HTTPRouteFilter,
  RequestMirror,
  RequestRedirect,
  URLRewrite,
} from './gateway-api/route-filters.ts';

export interface KindMap {
  Ingress: Ingress;
  IngressClass: IngressClass;
  Service: Service;
  EndpointSlice: EndpointSlice;
  Secret: Secret;
  ConfigMap: ConfigMap;
  Namespace: Namespace;
  GatewayClass: z.infer<typeof GatewayClassSchema>;
  Gateway: z.infer<typeof GatewaySchema>;
  HTTPRoute: z.infer<typeof HTTPRouteSchema>;
  GRPCRoute: z.infer<typeof GRPCRouteSchema>;
  ReferenceGrant: z.infer<typeof ReferenceGrantSchema>;
}
