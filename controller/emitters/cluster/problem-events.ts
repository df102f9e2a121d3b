/**
 * Kubernetes Events for problems: each problem tied to an object we can name
 * (an invalid annotation, a Service, port or Secret that cannot be resolved)
 * becomes a Warning Event on that object, so `kubectl describe` shows it.
 */
import { createHash } from 'node:crypto';
import { RESOURCES } from '../../sources/kubernetes/resources.ts';
import { isObjectRef, type Problem } from '../../store/problems.ts';
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

/** Kinds an Event can name: namespaced objects the controller watches. */
const EVENT_KINDS = new Set<string>(
  Object.values(RESOURCES)
    .filter((r) => r.namespaced)
    .map((r) => r.kind),
);

/** Maps problems to Events; problems not tied to a live object (files, flags) get none. */
export function plannedEvents(problems: readonly Problem[], snapshot: Snapshot): PlannedEvent[] {
  const out: PlannedEvent[] = [];
  for (const problem of problems) {
    const { ref } = problem;
    if (!isObjectRef(ref) || !EVENT_KINDS.has(ref.kind) || !ref.namespace) continue;
    const kind = ref.kind as Kind;
    const { namespace, name } = ref;
    const uid = ref.uid ?? uidOf(snapshot, kind, namespace, name);
    const message = problem.field ? `${problem.field}: ${problem.message}` : problem.message;
    const digest = createHash('sha256').update(`${kind}/${namespace}/${name}\n${message}`).digest('hex');
    out.push({
      name: `${name}.${digest.slice(0, 16)}`,
      involvedObject: { kind, apiVersion: RESOURCES[kind].apiVersion, namespace, name, uid },
      reason: problem.reason,
      message: message.slice(0, 1024),
    });
  }
  return out;
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
