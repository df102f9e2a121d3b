/**
 * ReferenceGrant: a reference across namespaces (a route to a Service, a
 * Gateway to a Secret) is allowed only when a grant in the target's
 * namespace lets the referrer's kind and namespace reach that kind (and name).
 */
import type { Snapshot } from '../../store/store.ts';

export interface GrantQuery {
  from: { group: string; kind: string; namespace: string };
  to: { group: string; kind: string; namespace: string; name: string };
}

export function isGranted(snapshot: Pick<Snapshot, 'referenceGrants'>, query: GrantQuery): boolean {
  const { from, to } = query;
  if (from.namespace === to.namespace) return true;
  return (snapshot.referenceGrants.get(to.namespace) ?? []).some(
    (grant) =>
      grant.spec.from.some(
        (f) => f.group === from.group && f.kind === from.kind && f.namespace === from.namespace,
      ) &&
      grant.spec.to.some(
        (t) => t.group === to.group && t.kind === to.kind && (t.name === undefined || t.name === to.name),
      ),
  );
}
