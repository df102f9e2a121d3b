/**
 * ReferenceGrant: lets objects of the `from` kinds and namespaces refer to
 * the `to` kinds in the grant's own namespace. Watched as v1beta1, the version
 * every CRD release serves (v1.6 also serves it as v1, unchanged).
 */
import { z } from 'zod';
import {
  GatewayObjectMetaSchema,
  GroupSchema,
  KindSchema,
  NamespaceNameSchema,
  ObjectNameSchema,
  servedVersions,
  withoutNullFields,
} from './fields.ts';

export const ReferenceGrantSchema = z.preprocess(
  withoutNullFields,
  z.object({
    apiVersion: servedVersions('gateway.networking.k8s.io/v1beta1', 'gateway.networking.k8s.io/v1'),
    kind: z.literal('ReferenceGrant'),
    metadata: GatewayObjectMetaSchema,
    spec: z.object({
      from: z
        .array(z.object({ group: GroupSchema, kind: KindSchema, namespace: NamespaceNameSchema }))
        .min(1)
        .max(16),
      to: z
        .array(z.object({ group: GroupSchema, kind: KindSchema, name: ObjectNameSchema.optional() }))
        .min(1)
        .max(16),
    }),
  }),
);

export type ReferenceGrant = z.infer<typeof ReferenceGrantSchema>;
