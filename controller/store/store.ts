/**
 * The store holds the latest valid object of each kind, parsed with zod at the
 * boundary. Sources write into it by origin (a manifest file, or the cluster);
 * the reconcile loop reads immutable snapshots.
 */
import { EventEmitter } from 'node:events';
import type { z } from 'zod';
import { convertLegacyIngress } from './legacy-ingress.ts';
import type { Problem } from './problems.ts';
import { KIND_SCHEMAS, type Kind, type KindMap } from './schemas.ts';

export interface ObjectRef {
  kind: Kind;
  namespace: string;
  name: string;
}

export const refKey = (r: ObjectRef): string => `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;

/** Namespace/name key used to look objects up by reference. */
export const nsName = (namespace: string, name: string): string => `${namespace}/${name}`;

export type Parsed = { [K in Kind]: { kind: K; object: KindMap[K] } }[Kind];

export type ParseResult =
  | { ok: true; value: Parsed }
  | { ok: false; ignored: true; kind: string }
  | { ok: false; ignored: false; object: string; message: string };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function describe(raw: Record<string, unknown>): string {
  const meta = isObject(raw.metadata) ? raw.metadata : {};
  const cluster = raw.kind === 'IngressClass';
  const ns = cluster ? '' : `${typeof meta.namespace === 'string' ? meta.namespace : 'default'}/`;
  return `${String(raw.kind ?? 'object')} ${ns}${String(meta.name ?? '<unnamed>')}`;
}

function formatZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

/** Validates one raw Kubernetes object. Kinds we do not consume are reported as ignored. */
export function parseObject(input: unknown): ParseResult {
  if (!isObject(input)) return { ok: false, ignored: false, object: 'document', message: 'not an object' };
  const raw = convertLegacyIngress(input);
  const kind = raw.kind;
  if (typeof kind !== 'string' || !(kind in KIND_SCHEMAS))
    return { ok: false, ignored: true, kind: String(kind) };
  const schema = KIND_SCHEMAS[kind as Kind];
  const result = schema.safeParse(raw);
  if (!result.success)
    return { ok: false, ignored: false, object: describe(raw), message: formatZodError(result.error) };
  return { ok: true, value: { kind, object: result.data } as Parsed };
}

export interface Snapshot {
  readonly ingresses: readonly KindMap['Ingress'][];
  readonly ingressClasses: readonly KindMap['IngressClass'][];
  readonly services: ReadonlyMap<string, KindMap['Service']>;
  /** EndpointSlices grouped by `namespace/service-name`. */
  readonly endpointSlices: ReadonlyMap<string, readonly KindMap['EndpointSlice'][]>;
  readonly secrets: ReadonlyMap<string, KindMap['Secret']>;
  readonly configMaps: ReadonlyMap<string, KindMap['ConfigMap']>;
  /** Problems found while reading the input (parse and validation errors). */
  readonly problems: readonly Problem[];
}

interface Entry {
  origin: string;
  parsed: Parsed;
}

export class Store extends EventEmitter<{ change: [] }> {
  /** origin → object key → entry */
  #byOrigin = new Map<string, Map<string, Entry>>();
  #originProblems = new Map<string, Problem[]>();
  #snapshot: Snapshot | undefined;
  #generation = 0;

  get generation(): number {
    return this.#generation;
  }

  /** Replaces everything an origin (e.g. one manifest file) contributes. */
  replaceOrigin(origin: string, objects: Parsed[], problems: Problem[] = []): void {
    const entries = new Map<string, Entry>();
    for (const parsed of objects) entries.set(keyOf(parsed), { origin, parsed });
    if (entries.size === 0) this.#byOrigin.delete(origin);
    else this.#byOrigin.set(origin, entries);
    if (problems.length === 0) this.#originProblems.delete(origin);
    else this.#originProblems.set(origin, problems);
    this.#changed();
  }

  /** Adds or replaces one object of an origin (informer events). */
  upsert(origin: string, parsed: Parsed): void {
    const entries = this.#byOrigin.get(origin) ?? new Map<string, Entry>();
    this.#byOrigin.set(origin, entries);
    entries.set(keyOf(parsed), { origin, parsed });
    this.#changed();
  }

  remove(origin: string, ref: ObjectRef): void {
    if (this.#byOrigin.get(origin)?.delete(refKey(ref))) this.#changed();
  }

  snapshot(): Snapshot {
    this.#snapshot ??= this.#build();
    return this.#snapshot;
  }

  #changed(): void {
    this.#snapshot = undefined;
    this.#generation++;
    this.emit('change');
  }

  #build(): Snapshot {
    const problems: Problem[] = [...this.#originProblems.values()].flat();
    // The same object from two origins: the first origin in sorted order wins, deterministically.
    const chosen = new Map<string, Entry>();
    for (const origin of [...this.#byOrigin.keys()].sort()) {
      for (const [key, entry] of this.#byOrigin.get(origin) ?? []) {
        const existing = chosen.get(key);
        if (existing) {
          problems.push({
            object: key,
            message: `defined in both ${existing.origin} and ${origin}; using the one in ${existing.origin}`,
            severity: 'warning',
          });
        } else chosen.set(key, entry);
      }
    }
    const ingresses: KindMap['Ingress'][] = [];
    const ingressClasses: KindMap['IngressClass'][] = [];
    const services = new Map<string, KindMap['Service']>();
    const endpointSlices = new Map<string, KindMap['EndpointSlice'][]>();
    const secrets = new Map<string, KindMap['Secret']>();
    const configMaps = new Map<string, KindMap['ConfigMap']>();
    for (const { parsed } of chosen.values()) {
      const { metadata } = parsed.object;
      const key = nsName(metadata.namespace, metadata.name);
      switch (parsed.kind) {
        case 'Ingress':
          ingresses.push(parsed.object);
          break;
        case 'IngressClass':
          ingressClasses.push(parsed.object);
          break;
        case 'Service':
          services.set(key, parsed.object);
          break;
        case 'EndpointSlice': {
          const service = metadata.labels['kubernetes.io/service-name'];
          if (!service) break;
          const serviceKey = nsName(metadata.namespace, service);
          const list = endpointSlices.get(serviceKey) ?? [];
          list.push(parsed.object);
          endpointSlices.set(serviceKey, list);
          break;
        }
        case 'Secret':
          secrets.set(key, parsed.object);
          break;
        case 'ConfigMap':
          configMaps.set(key, parsed.object);
          break;
      }
    }
    return { ingresses, ingressClasses, services, endpointSlices, secrets, configMaps, problems };
  }
}

function keyOf(parsed: Parsed): string {
  const { namespace, name } = parsed.object.metadata;
  return refKey({ kind: parsed.kind, namespace, name });
}
