/**
 * Local mode has no API server to refuse what can never work, so the manifests
 * source says it: a document whose kind is a misspelling of one the controller reads
 * (`Ingres`), and an EndpointSlice no Service can use. Other kinds (Deployments, CRDs
 * in a `kubectl get -o yaml` dump) are ignored quietly.
 */
import { objectRef, type Problem } from '../../store/problems.ts';
import { KINDS } from '../../store/schemas.ts';
import type { Parsed } from '../../store/store.ts';

const SERVICE_NAME = 'kubernetes.io/service-name';

/** Edit distance, for telling a misspelt kind from a kind of another API. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The kind the controller reads that `kind` most likely meant, if it is a near miss. */
export function meantKind(kind: string): string | undefined {
  // A kind spelt exactly as one of ours belongs to another API (Istio's Gateway, say).
  if ((KINDS as readonly string[]).includes(kind)) return undefined;
  const lower = kind.toLowerCase();
  let best: { kind: string; distance: number } | undefined;
  for (const known of KINDS) {
    const d = distance(lower, known.toLowerCase());
    if (d <= Math.min(2, Math.floor(known.length / 3)) && (!best || d < best.distance))
      best = { kind: known, distance: d };
  }
  return best?.kind;
}

/** A warning for a document the store ignored by kind, when that kind looks like a mistake. */
export function ignoredKindProblem(item: unknown, where: string): Problem | undefined {
  const raw = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
  const meta = (typeof raw.metadata === 'object' && raw.metadata !== null ? raw.metadata : {}) as Record<
    string,
    unknown
  >;
  const namespace = typeof meta.namespace === 'string' ? meta.namespace : '';
  const name = String(meta.name ?? '<unnamed>');
  if (typeof raw.kind !== 'string' || raw.kind === '')
    return {
      ref: { file: where },
      field: 'kind',
      reason: 'Unused',
      message: `${namespace ? `${namespace}/` : ''}${name} has no kind; ignored`,
      severity: 'warning',
    };
  const meant = meantKind(raw.kind);
  if (!meant) return undefined;
  return {
    ref: { kind: raw.kind, namespace, name },
    field: where,
    reason: 'Unused',
    message: `unknown kind "${raw.kind}" (did you mean ${meant}?); ignored`,
    severity: 'warning',
  };
}

/** A warning for an object that was read but that nothing will use. */
export function unusedObjectProblem(parsed: Parsed): Problem | undefined {
  if (parsed.kind !== 'EndpointSlice') return undefined;
  const { metadata } = parsed.object;
  if (metadata.labels[SERVICE_NAME]) return undefined;
  return {
    ref: objectRef('EndpointSlice', metadata),
    reason: 'Unused',
    field: `metadata.labels["${SERVICE_NAME}"]`,
    message: `missing: no Service uses the endpoints of a slice without the ${SERVICE_NAME} label`,
    severity: 'warning',
  };
}
