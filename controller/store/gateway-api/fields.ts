/**
 * Field types shared by the Gateway API kinds, as the standard channel's CRDs
 * (sigs.k8s.io/gateway-api v1.6.3, the version the e2e API server installs)
 * declare them: the same patterns, bounds, defaults and CEL rules, with the
 * CRDs' messages. An object read from a manifest is accepted or refused as the
 * API server would, and carries the defaults the API server would have set.
 *
 * Lists the CRDs leave unset read as empty here: the spec gives an absent and
 * an empty list the same meaning everywhere these are used.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { ObjectMetaSchema } from '../object-meta.ts';

export const GATEWAY_GROUP = 'gateway.networking.k8s.io';

const SUBDOMAIN = '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
/** Patterns are copied from the CRDs as written (OpenAPI patterns are not implicitly anchored). */
const PATTERNS = {
  group: new RegExp(`^$|^${SUBDOMAIN}$`),
  kind: /^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/,
  namespace: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
  subdomain: new RegExp(`^${SUBDOMAIN}$`),
  hostname: new RegExp(`^(\\*\\.)?${SUBDOMAIN}$`),
  headerName: /^[A-Za-z0-9!#$%&'*+\-.^_\x60|~]+$/,
  controllerName: new RegExp(`^${SUBDOMAIN}\\/[A-Za-z0-9\\/\\-._~%!$&'()*+,;=:]+$`),
  duration: /^([0-9]{1,5}(h|m|s|ms)){1,4}$/,
};

export const GroupSchema = z
  .string()
  .max(253)
  .regex(PATTERNS.group, 'must be empty (the core group) or a lowercase DNS name');
export const KindSchema = z
  .string()
  .min(1)
  .max(63)
  .regex(PATTERNS.kind, 'must be a kind name (letters, digits and "-", starting with a letter)');
export const ObjectNameSchema = z.string().min(1).max(253);
export const NamespaceNameSchema = z
  .string()
  .min(1)
  .max(63)
  .regex(PATTERNS.namespace, 'must be a lowercase RFC 1123 label');
export const SectionNameSchema = z
  .string()
  .min(1)
  .max(253)
  .regex(PATTERNS.subdomain, 'must be a lowercase RFC 1123 name');
/** A DNS name, optionally with a leading `*.` label. */
export const HostnameSchema = z
  .string()
  .min(1)
  .max(253)
  .regex(PATTERNS.hostname, 'must be a lowercase DNS name, optionally starting with "*."');
/** A DNS name without wildcard. */
export const PreciseHostnameSchema = z
  .string()
  .min(1)
  .max(253)
  .regex(PATTERNS.subdomain, 'must be a lowercase DNS name');
export const PortNumberSchema = z.number().int().min(1).max(65535);
export const HeaderNameSchema = z
  .string()
  .min(1)
  .max(256)
  .regex(PATTERNS.headerName, 'must be an HTTP header name (RFC 7230 token)');
export const GatewayControllerSchema = z
  .string()
  .min(1)
  .max(253)
  .regex(PATTERNS.controllerName, 'must be a domain-prefixed path, e.g. "example.com/gateway-controller"');
/** Durations as the spec writes them (`1h30m`, `500ms`): up to four number-unit pairs. */
export const DurationSchema = z
  .string()
  .regex(PATTERNS.duration, 'must be a duration of up to four number-unit pairs (h, m, s, ms), e.g. "1m30s"');

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/** Milliseconds of a duration that passed DurationSchema. */
export function durationMs(duration: string): number {
  let total = 0;
  for (const [, amount, unit] of duration.matchAll(/(\d+)(ms|h|m|s)/g))
    total += Number(amount) * (UNIT_MS[unit as string] ?? 0);
  return total;
}

/** Whether a dotted key is a label or annotation key (optional DNS prefix, then a name of up to 63 characters). */
export const isQualifiedKey = (key: string): boolean =>
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]$/.test(
    key,
  ) && (key.split('/')[0] as string).length < 253;

export const isIpAddress = (value: string): boolean => isIP(value) !== 0;

/**
 * Refuses a repeated key in a list, as the API server does for lists of type
 * `map` (keyed by a field) and `set`: keys compare as written, case included.
 */
export function uniqueBy<T>(what: string, key: (item: T) => string | number) {
  return (items: readonly T[], ctx: z.RefinementCtx) => {
    const seen = new Set<string | number>();
    items.forEach((item, index) => {
      const k = key(item);
      if (seen.has(k)) ctx.addIssue({ code: 'custom', path: [index], message: `duplicate ${what} "${k}"` });
      seen.add(k);
    });
  };
}

/**
 * The API server prunes null fields before it applies defaults (no field of
 * these CRDs is nullable); local mode does the same, so `field: null` in a
 * manifest gets the field's default. Nulls inside lists stay and are refused.
 */
export function withoutNullFields(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNullFields);
  if (typeof value !== 'object' || value === null || value instanceof Date) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, withoutNullFields(v)]),
  );
}

/** An apiVersion of the Gateway API group, read as the one the controller watches (the CRDs convert without change). */
export function servedVersions<const C extends string>(canonical: C, ...others: string[]) {
  return z.enum([canonical, ...others] as [C, ...string[]]).transform((): C => canonical);
}

/** Metadata of namespaced Gateway API objects: `generation` is what status reports as observedGeneration. */
export const GatewayObjectMetaSchema = ObjectMetaSchema.extend({
  generation: z.number().int().min(0).optional(),
});

/** Metadata of cluster-scoped objects: a namespace written in a manifest is ignored, as the API server ignores it. */
export const ClusterObjectMetaSchema = GatewayObjectMetaSchema.extend({
  namespace: z
    .unknown()
    .optional()
    .transform((): string => ''),
});

/** metav1.LabelSelector. Operators are not checked by the CRDs; a selector that cannot be evaluated is the model's to report. */
export const LabelSelectorSchema = z.object({
  matchLabels: z.record(z.string(), z.string()).default({}),
  matchExpressions: z
    .array(
      z.object({
        key: z.string(),
        operator: z.string(),
        values: z.array(z.string()).default([]),
      }),
    )
    .default([]),
});

/** A route's reference to its parent (a Gateway unless group/kind say otherwise). */
export const ParentReferenceSchema = z.object({
  group: GroupSchema.default(GATEWAY_GROUP),
  kind: KindSchema.default('Gateway'),
  namespace: NamespaceNameSchema.optional(),
  name: ObjectNameSchema,
  sectionName: SectionNameSchema.optional(),
  port: PortNumberSchema.optional(),
});

type ParentReference = z.infer<typeof ParentReferenceSchema>;

const sameParent = (a: ParentReference, b: ParentReference) =>
  a.group === b.group &&
  a.kind === b.kind &&
  a.name === b.name &&
  (a.namespace ?? '') === (b.namespace ?? '');
const hasSection = (p: ParentReference) => (p.sectionName ?? '') !== '';

/** `spec.parentRefs` of a route, with the CRDs' two rules about several references to one parent. */
export const ParentRefsSchema = z
  .array(ParentReferenceSchema)
  .max(32)
  .superRefine((refs, ctx) => {
    if (refs.some((p1) => refs.some((p2) => sameParent(p1, p2) && hasSection(p1) !== hasSection(p2))))
      ctx.addIssue({
        code: 'custom',
        message:
          'sectionName must be specified when parentRefs includes 2 or more references to the same parent',
      });
    const sameSection = (a: ParentReference, b: ParentReference) =>
      hasSection(a) === hasSection(b) && (a.sectionName ?? '') === (b.sectionName ?? '');
    if (!refs.every((p1) => refs.filter((p2) => sameParent(p1, p2) && sameSection(p1, p2)).length === 1))
      ctx.addIssue({
        code: 'custom',
        message:
          'sectionName must be unique when parentRefs includes 2 or more references to the same parent',
      });
  })
  .default([]);

/** BackendObjectReference: a Service unless group/kind say otherwise. */
export const BackendObjectReferenceSchema = z
  .object({
    group: GroupSchema.default(''),
    kind: KindSchema.default('Service'),
    name: ObjectNameSchema,
    namespace: NamespaceNameSchema.optional(),
    port: PortNumberSchema.optional(),
  })
  .superRefine(requirePortForService);

export function requirePortForService(
  ref: { group: string; kind: string; port?: number | undefined },
  ctx: z.RefinementCtx,
): void {
  if (ref.group === '' && ref.kind === 'Service' && ref.port === undefined)
    ctx.addIssue({ code: 'custom', message: 'Must have port for Service reference' });
}

/** BackendRef: a backend object and its share of the traffic. */
export const BackendRefFields = {
  group: GroupSchema.default(''),
  kind: KindSchema.default('Service'),
  name: ObjectNameSchema,
  namespace: NamespaceNameSchema.optional(),
  port: PortNumberSchema.optional(),
  weight: z.number().int().min(0).max(1_000_000).default(1),
};

/** SecretObjectReference: a Secret unless group/kind say otherwise. */
export const SecretObjectReferenceSchema = z.object({
  group: GroupSchema.default(''),
  kind: KindSchema.default('Secret'),
  name: ObjectNameSchema,
  namespace: NamespaceNameSchema.optional(),
});

/** ObjectReference: group and kind are required, no defaults. */
export const ObjectReferenceSchema = z.object({
  group: GroupSchema,
  kind: KindSchema,
  name: ObjectNameSchema,
  namespace: NamespaceNameSchema.optional(),
});

/** LocalObjectReference: an object in the referrer's own namespace. */
export const LocalObjectReferenceSchema = z.object({
  group: GroupSchema,
  kind: KindSchema,
  name: ObjectNameSchema,
});

/** metav1.Condition, as controllers write it into status. */
export const ConditionSchema = z.object({
  type: z.string(),
  status: z.enum(['True', 'False', 'Unknown']),
  observedGeneration: z.number().int().min(0).optional(),
  lastTransitionTime: z.string(),
  reason: z.string(),
  message: z.string(),
});

/**
 * Route status: one entry per parent and controller. Entries of other
 * controllers must be kept when ours are written. Status is only ever written
 * through the status subresource: an invalid one in a manifest reads as empty
 * instead of refusing the object, as the API server would ignore it.
 */
export const RouteStatusSchema = z
  .object({
    parents: z
      .array(
        z.object({
          parentRef: ParentReferenceSchema,
          controllerName: z.string(),
          conditions: z.array(ConditionSchema).default([]),
        }),
      )
      .default([]),
  })
  .catch({ parents: [] });
