/**
 * metav1.LabelSelector, evaluated on a namespace's labels, for listeners whose
 * allowedRoutes select namespaces. A namespace the controller has not seen
 * still carries the label every namespace has, its own name.
 */
import type { Snapshot } from '../../store/store.ts';

export interface LabelSelector {
  matchLabels: Record<string, string>;
  matchExpressions: { key: string; operator: string; values: string[] }[];
}

/** `undefined`: the selector cannot be evaluated (an unknown operator, or values where none belong). */
export function selects(
  selector: LabelSelector,
  labels: Readonly<Record<string, string>>,
): boolean | undefined {
  for (const [key, value] of Object.entries(selector.matchLabels)) if (labels[key] !== value) return false;
  for (const { key, operator, values } of selector.matchExpressions) {
    const has = Object.hasOwn(labels, key);
    switch (operator) {
      case 'In':
        if (values.length === 0) return undefined;
        if (!has || !values.includes(labels[key] as string)) return false;
        break;
      case 'NotIn':
        if (values.length === 0) return undefined;
        if (has && values.includes(labels[key] as string)) return false;
        break;
      case 'Exists':
        if (values.length > 0) return undefined;
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (values.length > 0) return undefined;
        if (has) return false;
        break;
      default:
        return undefined;
    }
  }
  return true;
}

export function namespaceLabels(
  snapshot: Pick<Snapshot, 'namespaces'>,
  namespace: string,
): Readonly<Record<string, string>> {
  return snapshot.namespaces.get(namespace)?.metadata.labels ?? { 'kubernetes.io/metadata.name': namespace };
}
