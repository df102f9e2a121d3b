/** GatewayClass and Gateway (gateway.networking.k8s.io/v1), as the standard channel's CRDs validate and default them. */
import { z } from 'zod';
import {
  ClusterObjectMetaSchema,
  ConditionSchema,
  GATEWAY_GROUP,
  GatewayControllerSchema,
  GatewayObjectMetaSchema,
  GroupSchema,
  HostnameSchema,
  isIpAddress,
  isQualifiedKey,
  KindSchema,
  LabelSelectorSchema,
  NamespaceNameSchema,
  ObjectNameSchema,
  ObjectReferenceSchema,
  PortNumberSchema,
  SecretObjectReferenceSchema,
  SectionNameSchema,
  servedVersions,
  uniqueBy,
  withoutNullFields,
} from './fields.ts';

const V1 = ['gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1beta1'] as const;

export const GatewayClassSchema = z.preprocess(
  withoutNullFields,
  z.object({
    apiVersion: servedVersions(...V1),
    kind: z.literal('GatewayClass'),
    metadata: ClusterObjectMetaSchema,
    spec: z.object({
      controllerName: GatewayControllerSchema,
      parametersRef: z
        .object({
          group: GroupSchema,
          kind: KindSchema,
          name: ObjectNameSchema,
          namespace: NamespaceNameSchema.optional(),
        })
        .optional(),
      description: z.string().max(64).optional(),
    }),
    // Written by controllers only; an invalid one in a manifest reads as empty, as the API server ignores it.
    status: z
      .object({
        conditions: z.array(ConditionSchema).default([]),
        supportedFeatures: z.array(z.object({ name: z.string() })).default([]),
      })
      .catch({ conditions: [], supportedFeatures: [] }),
  }),
);

/** A route kind, in a listener's allowedRoutes and in its status. */
const RouteGroupKindSchema = z.object({ group: GroupSchema.default(GATEWAY_GROUP), kind: KindSchema });

export const AllowedRoutesSchema = z.object({
  namespaces: z
    .object({
      from: z.enum(['All', 'Selector', 'Same']).default('Same'),
      selector: LabelSelectorSchema.optional(),
    })
    .prefault({ from: 'Same' }),
  kinds: z.array(RouteGroupKindSchema).max(8).default([]),
});

export const ListenerTLSSchema = z
  .object({
    mode: z.enum(['Terminate', 'Passthrough']).default('Terminate'),
    certificateRefs: z.array(SecretObjectReferenceSchema).max(64).default([]),
    options: z
      .record(z.string(), z.string().max(4096))
      .refine((o) => Object.keys(o).length <= 16, 'must have at most 16 options')
      .default({}),
  })
  .refine(
    (tls) =>
      tls.mode !== 'Terminate' || tls.certificateRefs.length > 0 || Object.keys(tls.options).length > 0,
    'certificateRefs or options must be specified when mode is Terminate',
  );

const PROTOCOL =
  /^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9]+$/;

export const ListenerSchema = z.object({
  name: SectionNameSchema,
  hostname: HostnameSchema.optional(),
  port: PortNumberSchema,
  protocol: z
    .string()
    .min(1)
    .max(255)
    .regex(
      PROTOCOL,
      'must be a protocol name (e.g. HTTP, HTTPS) or a domain-prefixed one (example.com/proto)',
    ),
  tls: ListenerTLSSchema.optional(),
  allowedRoutes: AllowedRoutesSchema.prefault({ namespaces: { from: 'Same' } }),
});

function listenerRules(listeners: readonly Listener[], ctx: z.RefinementCtx): void {
  const refuse = (message: string) => ctx.addIssue({ code: 'custom', message });
  const has = (test: (l: Listener) => boolean) => listeners.some(test);
  if (has((l) => ['HTTP', 'TCP', 'UDP'].includes(l.protocol) && l.tls !== undefined))
    refuse("tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']");
  if (has((l) => l.protocol === 'HTTPS' && l.tls !== undefined && l.tls.mode !== 'Terminate'))
    refuse('tls mode must be Terminate for protocol HTTPS');
  if (has((l) => l.protocol === 'TLS' && l.tls === undefined))
    refuse('tls mode must be set for protocol TLS');
  if (has((l) => ['TCP', 'UDP'].includes(l.protocol) && (l.hostname ?? '') !== ''))
    refuse("hostname must not be specified for protocols ['TCP', 'UDP']");
  if (has((l1) => listeners.filter((l2) => l1.name === l2.name).length !== 1))
    refuse('Listener name must be unique within the Gateway');
  const sameBinding = (a: Listener, b: Listener) =>
    a.port === b.port && a.protocol === b.protocol && a.hostname === b.hostname;
  if (has((l1) => listeners.filter((l2) => sameBinding(l1, l2)).length !== 1))
    refuse('Combination of port, protocol and hostname must be unique for each listener');
}

const ADDRESS_TYPE =
  /^Hostname|IPAddress|NamedAddress|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/;
const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** An address the Gateway asks for (`spec.addresses`); the value may be left for the implementation to choose. */
export const GatewaySpecAddressSchema = z
  .object({
    type: z
      .string()
      .min(1)
      .max(253)
      .regex(ADDRESS_TYPE, 'must be IPAddress, Hostname, NamedAddress or a domain-prefixed type')
      .default('IPAddress'),
    value: z.string().max(253).optional(),
  })
  .superRefine(({ type, value }, ctx) => {
    if (value === undefined) return;
    if (type === 'Hostname' && !HOSTNAME.test(value))
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: `Hostname value must be empty or contain only valid characters (matching ${HOSTNAME.source})`,
      });
    if (type === 'IPAddress' && !isIpAddress(value))
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'must be an IPv4 or IPv6 address' });
  });

type SpecAddress = z.infer<typeof GatewaySpecAddressSchema>;

function uniqueAddressValues(addresses: readonly SpecAddress[], ctx: z.RefinementCtx): void {
  for (const type of ['IPAddress', 'Hostname']) {
    const values = addresses.filter((a) => a.type === type && a.value !== undefined).map((a) => a.value);
    if (new Set(values).size !== values.length)
      ctx.addIssue({ code: 'custom', message: `${type} values must be unique` });
  }
}

const qualifiedKeys = (what: string, max: number) => (map: Record<string, string>, ctx: z.RefinementCtx) => {
  if (Object.keys(map).length > max)
    ctx.addIssue({ code: 'custom', message: `must have at most ${max} ${what}s` });
  for (const key of Object.keys(map))
    if (!isQualifiedKey(key))
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `${what} keys must be in the form of an optional DNS subdomain prefix followed by a required name segment of up to 63 characters`,
      });
};

const InfrastructureSchema = z.object({
  labels: z
    .record(
      z.string(),
      z
        .string()
        .max(63)
        .regex(/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/, 'must be a label value'),
    )
    .superRefine(qualifiedKeys('label', 8))
    .default({}),
  annotations: z
    .record(z.string(), z.string().max(4096))
    .superRefine(qualifiedKeys('annotation', 16))
    .default({}),
  parametersRef: z.object({ group: GroupSchema, kind: KindSchema, name: ObjectNameSchema }).optional(),
});

/** Client certificate validation on the Gateway's TLS listeners. */
const FrontendTLSConfigSchema = z.object({
  validation: z
    .object({
      caCertificateRefs: z.array(ObjectReferenceSchema).min(1).max(16),
      mode: z.enum(['AllowValidOnly', 'AllowInsecureFallback']).default('AllowValidOnly'),
    })
    .optional(),
});

const GatewayTLSSchema = z.object({
  backend: z.object({ clientCertificateRef: SecretObjectReferenceSchema.optional() }).optional(),
  frontend: z
    .object({
      default: FrontendTLSConfigSchema,
      perPort: z
        .array(z.object({ port: PortNumberSchema, tls: FrontendTLSConfigSchema }))
        .max(64)
        .superRefine(uniqueBy('port', (p) => p.port))
        .default([]),
    })
    .optional(),
});

const GatewayStatusSchema = z
  .object({
    addresses: z.array(z.object({ type: z.string().default('IPAddress'), value: z.string() })).default([]),
    conditions: z.array(ConditionSchema).default([]),
    listeners: z
      .array(
        z.object({
          name: z.string(),
          supportedKinds: z.array(RouteGroupKindSchema).default([]),
          attachedRoutes: z.number().int(),
          conditions: z.array(ConditionSchema).default([]),
        }),
      )
      .default([]),
  })
  // Written by controllers only; an invalid one in a manifest reads as empty, as the API server ignores it.
  .catch({ addresses: [], conditions: [], listeners: [] });

export const GatewaySchema = z.preprocess(
  withoutNullFields,
  z.object({
    apiVersion: servedVersions(...V1),
    kind: z.literal('Gateway'),
    metadata: GatewayObjectMetaSchema,
    spec: z.object({
      gatewayClassName: ObjectNameSchema,
      listeners: z.array(ListenerSchema).min(1).max(64).superRefine(listenerRules),
      addresses: z.array(GatewaySpecAddressSchema).max(16).superRefine(uniqueAddressValues).default([]),
      infrastructure: InfrastructureSchema.optional(),
      allowedListeners: z
        .object({
          namespaces: z
            .object({
              from: z.enum(['All', 'Selector', 'Same', 'None']).default('None'),
              selector: LabelSelectorSchema.optional(),
            })
            .prefault({ from: 'None' }),
        })
        .optional(),
      tls: GatewayTLSSchema.optional(),
    }),
    status: GatewayStatusSchema,
  }),
);

export type GatewayClass = z.infer<typeof GatewayClassSchema>;
export type Gateway = z.infer<typeof GatewaySchema>;
export type Listener = z.infer<typeof ListenerSchema>;
export type AllowedRoutes = z.infer<typeof AllowedRoutesSchema>;
export type ListenerTLS = z.infer<typeof ListenerTLSSchema>;
export type GatewaySpecAddress = z.infer<typeof GatewaySpecAddressSchema>;
