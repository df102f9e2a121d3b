/**
 * A problem found in the input, typed end to end: what it is about (an
 * object, a flag or a file), the exact key, a reason from a closed set, and
 * a message for people. Events, metric labels and log fields read the typed
 * parts directly; nothing parses the message or a label back.
 */

/** An object as written: its kind may be one the store does not know (a typo). */
export interface ObjectRef {
  kind: string;
  /** Empty for cluster-scoped kinds. */
  namespace: string;
  name: string;
  uid?: string;
}

export type ProblemRef = ObjectRef | { flag: string } | { file: string };

/** The closed set of reasons, each with what it means: Event reasons, metric labels and log fields. */
export const PROBLEM_REASONS = {
  InvalidObject: 'An object failed its schema, or a file could not be read; the object is not used.',
  InvalidValue:
    'An annotation or ConfigMap value failed its schema; the value is ignored, the rest of the object works.',
  UnknownKey: 'A key or annotation with one of our prefixes names no setting; ignored.',
  UnresolvedReference: 'A Service, port or Secret that is missing or unusable.',
  Conflict: 'Two objects claim the same route, host or name; the older one keeps it.',
  Unsupported: 'Something the controller does not do (resource backends, ExternalName Services).',
  Ineffective:
    'A setting that cannot take effect next to another one, or on the object it names (service-upstream on a Service without a cluster IP); ignored.',
  SnippetIgnored: 'A config snippet while snippets are off, or one that `haproxy -c` refused (dropped).',
  ConfigWarning: '`haproxy -c` warned about the rendered config.',
  ConfigNotLoaded:
    'HAProxy refused to load a config that passed `haproxy -c`; the last good one keeps serving.',
  ResourceLimit: 'The config needs more of a machine resource (file descriptors) than its limit allows.',
  IngressIgnored: 'An Ingress that is not ours, and why.',
  InvalidTemplate:
    'A user template (--templates) that does not compile, fails to render, or makes `haproxy -c` fail; the last good templates stay in use.',
  Unused: 'Input that reads fine but that nothing will use, or that cannot work as written.',
} as const;

export type ProblemReason = keyof typeof PROBLEM_REASONS;

export interface Problem {
  ref: ProblemRef;
  /** The exact annotation or ConfigMap key (with its prefix), or the field of the object. */
  field?: string;
  reason: ProblemReason;
  message: string;
  /** `error`: the object or value was not used; `warning`: used, but probably not as meant. */
  severity: 'error' | 'warning';
}

export const isObjectRef = (ref: ProblemRef): ref is ObjectRef => 'kind' in ref;

export const objectRef = (
  kind: string,
  metadata: { namespace?: string; name: string; uid?: string },
): ObjectRef => ({
  kind,
  namespace: metadata.namespace ?? '',
  name: metadata.name,
  ...(metadata.uid ? { uid: metadata.uid } : {}),
});

/** `Kind namespace/name`, `--flag` or the file: how people read a ref. */
export function refLabel(ref: ProblemRef): string {
  if ('kind' in ref)
    return ref.name ? `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}` : ref.kind;
  return 'flag' in ref ? ref.flag : ref.file;
}

export const formatProblem = (p: Problem): string =>
  `${refLabel(p.ref)}${p.field ? ` ${p.field}` : ''}: ${p.message}`;
