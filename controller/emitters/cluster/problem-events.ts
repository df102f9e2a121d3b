/**
 * Kubernetes Events for problems: each problem tied to an object we can name
 * (an invalid annotation, a Service, port or Secret that cannot be resolved)
 * becomes a Warning Event on that object, so `kubectl describe` shows it.
 */
import { createHash } from 'node:crypto';
import { ANNOTATION_PREFIXES } from '../../model/settings/registry.ts';
import { RESOURCES } from '../../sources/kubernetes/resources.ts';
import type { Problem } from '../../store/problems.ts';
import type { Kind } from '../../store/schemas.ts';
import type { Snapshot } from '../../store/store.ts';

export interface EventTarget {
  kind: Kind;
  apiVersion: string;
  namespace: string;
  name: string;
  uid: string | undefined;
}

export interface PlannedEvent {
  /** Stable name: the same problem on the same object always maps to the same Event. */
  name: string;
  involvedObject: EventTarget;
  reason: string;
  message: string;
}

const OBJECT = /^(Ingress|Service|ConfigMap|Secret) ([a-z0-9.-]+)\/([a-z0-9.-]+)$/;

/** Maps problems to Events; problems not tied to a live object (files, flags) get none. */
export function plannedEvents(problems: readonly Problem[], snapshot: Snapshot): PlannedEvent[] {
  const out: PlannedEvent[] = [];
  for (const problem of problems) {
    const match = OBJECT.exec(problem.object);
    if (!match) continue;
    const [, kind, namespace, name] = match as unknown as [string, Kind, string, string];
    const uid = uidOf(snapshot, kind, namespace, name);
    const message = problem.field ? `${problem.field}: ${problem.message}` : problem.message;
    const digest = createHash('sha256').update(`${kind}/${namespace}/${name}\n${message}`).digest('hex');
    out.push({
      name: `${name}.${digest.slice(0, 16)}`,
      involvedObject: { kind, apiVersion: RESOURCES[kind].apiVersion, namespace, name, uid },
      reason: reasonOf(problem),
      message: message.slice(0, 1024),
    });
  }
  return out;
}

function reasonOf(problem: Problem): string {
  const field = problem.field ?? '';
  if (ANNOTATION_PREFIXES.some((p) => field.startsWith(p))) return 'InvalidAnnotation';
  if (problem.object.startsWith('ConfigMap ') && field) return 'InvalidConfigMapKey';
  if (/not found|has no port|no valid|missing/i.test(problem.message)) return 'UnresolvedReference';
  return problem.severity === 'error' ? 'InvalidConfiguration' : 'ConfigurationWarning';
}

function uidOf(snapshot: Snapshot, kind: Kind, namespace: string, name: string): string | undefined {
  const key = `${namespace}/${name}`;
  switch (kind) {
    case 'Ingress':
      return snapshot.ingresses.find((i) => i.metadata.namespace === namespace && i.metadata.name === name)
        ?.metadata.uid;
    case 'Service':
      return snapshot.services.get(key)?.metadata.uid;
    case 'Secret':
      return snapshot.secrets.get(key)?.metadata.uid;
    case 'ConfigMap':
      return snapshot.configMaps.get(key)?.metadata.uid;
    default:
      return undefined;
  }
}
