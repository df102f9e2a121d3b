/** Object names and metadata as the API server validates them, shared by every kind's schema. */
import { z } from 'zod';

const DNS_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';

/** RFC 1123 subdomain: what most object names must be. */
export const dnsSubdomain = z
  .string()
  .max(253)
  .regex(new RegExp(`^${DNS_LABEL}(\\.${DNS_LABEL})*$`), 'must be a lowercase RFC 1123 name');

/** RFC 1123 label: Namespace names. */
export const dnsLabel = z
  .string()
  .max(63)
  .regex(new RegExp(`^${DNS_LABEL}$`), 'must be a lowercase RFC 1123 label');

export const timestamp = z
  .union([z.date(), z.string().datetime({ offset: true })])
  .transform((v) => (v instanceof Date ? v : new Date(v)));

export const ObjectMetaSchema = z.object({
  name: dnsSubdomain,
  namespace: dnsSubdomain.default('default'),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  creationTimestamp: timestamp.optional(),
  labels: z.record(z.string(), z.string()).default({}),
  annotations: z.record(z.string(), z.string()).default({}),
});
