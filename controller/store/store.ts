/**
 * The store holds the latest valid object of each kind, parsed with zod at the
 * boundary. Sources write into it by origin (a manifest file, or the cluster);
 * the reconcile loop reads immutable snapshots.
 */
import { EventEmitter } from 'node:events';
import { isDeepStrictEqual } from 'node:util';
import type { z } from 'zod';
import { convertLegacyIngress } from './legacy-ingress.ts';
import { type ObjectRef, objectRef, type Problem } from './problems.ts';
import { CLUSTER_SCOPED, KIND_GROUPS, KIND_SCHEMAS, type Kind, type KindMap } from './schemas.ts';
import { SliceIndex, serviceKeyOf } from './slice-index.ts';

export type { ObjectRef };

export const refKey = (r: ObjectRef): string => `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;

/** Namespace/name key used to look objects up by reference. */
export const nsName = (namespace: string, name: string): string => `${namespace}/${name}`;

export type Parsed = { [K in Kind]: { kind: K; object: KindMap[K] } }[Kind];

export type ParseResult =
  | { ok: true; value: Parsed }
  | { ok: false; ignored: true; kind: string }
  | { ok: false; ignored: false; ref: ObjectRef; message: string };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The object as written, for problems about it: its kind may be unknown, its name missing. */
function refOf(raw: Record<string, unknown>): ObjectRef {
  const meta = isObject(raw.metadata) ? raw.metadata : {};
  const cluster = CLUSTER_SCOPED.has(raw.kind as Kind);
  return {
    kind: String(raw.kind ?? 'object'),
    namespace: cluster ? '' : typeof meta.namespace === 'string' ? meta.namespace : 'default',
    name: String(meta.name ?? '<unnamed>'),
  };
}

function formatZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

/**
 * A kind of the same name in another API group (an Istio `Gateway`, a Knative
 * `Service`) is not ours: ignored, not refused. A missing or core apiVersion
 * is left to the kind's schema to refuse.
 */
function ofAnotherGroup(kind: Kind, apiVersion: unknown): boolean {
  if (typeof apiVersion !== 'string' || !apiVersion.includes('/')) return false;
  const group = apiVersion.split('/')[0];
  return group !== KIND_GROUPS[kind] && !(kind === 'Ingress' && group === 'extensions');
}

/** Validates one raw Kubernetes object. Kinds we do not consume are reported as ignored. */
export function parseObject(input: unknown): ParseResult {
  if (!isObject(input))
    return {
      ok: false,
      ignored: false,
      ref: { kind: 'document', namespace: '', name: '' },
      message: 'not an object',
    };
  const raw = convertLegacyIngress(input);
  const kind = raw.kind;
  if (typeof kind !== 'string' || !(kind in KIND_SCHEMAS) || ofAnotherGroup(kind as Kind, raw.apiVersion))
    return { ok: false, ignored: true, kind: String(kind) };
  const schema = KIND_SCHEMAS[kind as Kind];
  const result = schema.safeParse(raw);
  if (!result.success)
    return { ok: false, ignored: false, ref: refOf(raw), message: formatZodError(result.error) };
  return { ok: true, value: { kind, object: result.data } as Parsed };
}

export interface Snapshot {
  readonly ingresses: readonly KindMap['Ingress'][];
  readonly ingressClasses: readonly KindMap['IngressClass'][];
  readonly services: ReadonlyMap<string, KindMap['Service']>;
  /** EndpointSlices grouped by `namespace/service-name`. */
  readonly endpointSlices: ReadonlyMap<string, readonly KindMap['EndpointSlice'][]>;
  /**
   * When the store regrouped only some Services' slices: which lists may differ from those
   * of `from` (the previous snapshot's endpointSlices), so a reader of both skips the rest.
   */
  readonly endpointSliceChanges?: {
    readonly from: ReadonlyMap<string, readonly KindMap['EndpointSlice'][]>;
    readonly services: ReadonlySet<string>;
  };
  readonly secrets: ReadonlyMap<string, KindMap['Secret']>;
  readonly configMaps: ReadonlyMap<string, KindMap['ConfigMap']>;
  /** Namespaces by name, for their labels. */
  readonly namespaces: ReadonlyMap<string, KindMap['Namespace']>;
  /** GatewayClasses by name. */
  readonly gatewayClasses: ReadonlyMap<string, KindMap['GatewayClass']>;
  /** Gateways by `namespace/name`. */
  readonly gateways: ReadonlyMap<string, KindMap['Gateway']>;
  /** HTTPRoutes, ordered by namespace and name. */
  readonly httpRoutes: readonly KindMap['HTTPRoute'][];
  /** GRPCRoutes, ordered by namespace and name. */
  readonly grpcRoutes: readonly KindMap['GRPCRoute'][];
  /** ReferenceGrants grouped by their own namespace (the namespace they open to references), ordered by name. */
  readonly referenceGrants: ReadonlyMap<string, readonly KindMap['ReferenceGrant'][]>;
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
  /** The same entries by kind (kind → origin → object key → entry): a pass reads only the kinds that changed. */
  #byKind = new Map<Kind, Map<string, Map<string, Entry>>>();
  #originProblems = new Map<string, Problem[]>();
  #snapshot: Snapshot | undefined;
  /** The last snapshot built: kinds that did not change since keep its collections (and their identity). */
  #previous: { snapshot: Snapshot; duplicates: Map<Kind, Problem[]> } | undefined;
  /** Kinds changed since the last snapshot. */
  readonly #dirty = new Set<Kind>();
  /** Which Services' EndpointSlices changed: an endpoint change regroups those only. */
  readonly #slices = new SliceIndex();
  /** How many origins define each object: duplicates are looked for only where there are some. */
  readonly #definitions = new Definitions();
  #generation = 0;

  get generation(): number {
    return this.#generation;
  }

  /** Replaces everything an origin (e.g. one manifest file) contributes. */
  replaceOrigin(origin: string, objects: Parsed[], problems: Problem[] = []): void {
    const previous = this.#byOrigin.get(origin);
    const entries = new Map<string, Entry>();
    for (const parsed of objects) {
      const key = keyOf(parsed);
      // An object read again unchanged (a file rewritten around it) stays the same object:
      // the model keeps what it computed from it.
      const old = previous?.get(key);
      const same = old && isDeepStrictEqual(old.parsed, parsed);
      entries.set(key, same ? old : { origin, parsed });
      if (!same) {
        this.#dirty.add(parsed.kind);
        if (old) this.#trackSlice(origin, key, old, -1);
        this.#trackSlice(origin, key, { origin, parsed }, 1);
      }
    }
    for (const [key, old] of previous ?? [])
      if (!entries.has(key)) {
        this.#dirty.add(old.parsed.kind);
        this.#trackSlice(origin, key, old, -1);
        this.#definitions.count(old.parsed.kind, key, -1);
      }
    for (const [key, entry] of entries)
      if (!previous?.has(key)) this.#definitions.count(entry.parsed.kind, key, 1);
    if (entries.size === 0) this.#byOrigin.delete(origin);
    else this.#byOrigin.set(origin, entries);
    this.#indexKinds(origin, previous, entries);
    if (problems.length === 0) this.#originProblems.delete(origin);
    else this.#originProblems.set(origin, problems);
    this.#changed();
  }

  /** Adds or replaces one object of an origin (informer events). */
  upsert(origin: string, parsed: Parsed): void {
    const entries = this.#byOrigin.get(origin) ?? new Map<string, Entry>();
    this.#byOrigin.set(origin, entries);
    const key = keyOf(parsed);
    const entry = { origin, parsed };
    const old = entries.get(key);
    if (old) this.#trackSlice(origin, key, old, -1);
    else this.#definitions.count(parsed.kind, key, 1);
    this.#trackSlice(origin, key, entry, 1);
    entries.set(key, entry);
    this.#kindEntries(parsed.kind, origin).set(key, entry);
    this.#dirty.add(parsed.kind);
    this.#changed();
  }

  remove(origin: string, ref: ObjectRef): void {
    const old = this.#byOrigin.get(origin)?.get(refKey(ref));
    if (old) this.#trackSlice(origin, refKey(ref), old, -1);
    if (this.#byOrigin.get(origin)?.delete(refKey(ref))) {
      if (ref.kind in KIND_SCHEMAS) {
        this.#definitions.count(ref.kind as Kind, refKey(ref), -1);
        this.#dirty.add(ref.kind as Kind);
        this.#byKind
          .get(ref.kind as Kind)
          ?.get(origin)
          ?.delete(refKey(ref));
      }
      this.#changed();
    }
  }

  #trackSlice(origin: string, key: string, entry: Entry, delta: 1 | -1): void {
    if (entry.parsed.kind === 'EndpointSlice') this.#slices.track(origin, key, entry.parsed.object, delta);
  }

  /** The previous grouping with the slices of `services` read again (the rest keep their lists). */
  #regroup(
    before: ReadonlyMap<string, readonly KindMap['EndpointSlice'][]>,
    services: ReadonlySet<string>,
  ): ReadonlyMap<string, readonly KindMap['EndpointSlice'][]> {
    const after = new Map(before);
    const byOrigin = this.#byKind.get('EndpointSlice');
    for (const service of services) {
      const list: KindMap['EndpointSlice'][] = [];
      for (const origin of this.#slices.originsOf(service))
        for (const entry of byOrigin?.get(origin)?.values() ?? []) {
          const slice = entry.parsed.object as KindMap['EndpointSlice'];
          if (serviceKeyOf(slice) === service) list.push(slice);
        }
      const old = before.get(service);
      if (list.length === 0) after.delete(service);
      else after.set(service, old && sameItems(old, list) ? old : list);
    }
    return after;
  }

  #kindEntries(kind: Kind, origin: string): Map<string, Entry> {
    let origins = this.#byKind.get(kind);
    if (!origins) {
      origins = new Map();
      this.#byKind.set(kind, origins);
    }
    let entries = origins.get(origin);
    if (!entries) {
      entries = new Map();
      origins.set(origin, entries);
    }
    return entries;
  }

  /** Re-indexes by kind what one origin holds, for the kinds it held before or holds now. */
  #indexKinds(origin: string, before: Map<string, Entry> | undefined, after: Map<string, Entry>): void {
    const kinds = new Set<Kind>();
    for (const entry of before?.values() ?? []) kinds.add(entry.parsed.kind);
    for (const entry of after.values()) kinds.add(entry.parsed.kind);
    for (const kind of kinds) this.#byKind.get(kind)?.delete(origin);
    for (const [key, entry] of after) this.#kindEntries(entry.parsed.kind, origin).set(key, entry);
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
    const previous = this.#previous;
    // Only some Services' slices changed, and none is defined twice: those Services are regrouped.
    const regroupSlices =
      previous !== undefined &&
      this.#dirty.has('EndpointSlice') &&
      this.#slices.unique &&
      !previous.duplicates.has('EndpointSlice');
    const changedServices = this.#slices.takeDirty();
    const rebuild = (kind: Kind) =>
      !previous || (this.#dirty.has(kind) && !(kind === 'EndpointSlice' && regroupSlices));
    // The same object from two origins: the first origin in sorted order wins, deterministically.
    const chosen = new Map<Kind, Parsed['object'][]>();
    const duplicates = new Map<Kind, Problem[]>();
    const seen = new Map<string, Entry>();
    for (const [kind, origins] of this.#byKind) {
      if (!rebuild(kind)) continue;
      const list: Parsed['object'][] = [];
      chosen.set(kind, list);
      // While no object of the kind is defined twice, nothing needs checking: 10,000 Ingresses
      // then cost a pass over their entries, not a map of their keys.
      const unique = this.#definitions.unique(kind);
      for (const origin of [...origins.keys()].sort()) {
        const entries = origins.get(origin);
        if (!entries) continue;
        if (unique) {
          for (const entry of entries.values()) list.push(entry.parsed.object);
          continue;
        }
        for (const [key, entry] of entries) {
          const existing = seen.get(key);
          if (existing) {
            const problems = duplicates.get(kind) ?? [];
            problems.push({
              ref: objectRef(kind, entry.parsed.object.metadata),
              reason: 'Conflict',
              message: `defined in both ${existing.origin} and ${origin}; using the one in ${existing.origin}`,
              severity: 'warning',
            });
            duplicates.set(kind, problems);
            continue;
          }
          seen.set(key, entry);
          list.push(entry.parsed.object);
        }
      }
    }
    for (const kind of Object.keys(KIND_SCHEMAS) as Kind[])
      if (!rebuild(kind) && previous?.duplicates.has(kind))
        duplicates.set(kind, previous.duplicates.get(kind) as Problem[]);
    /** A rebuilt kind's objects: each kind is read once, so the list is handed out as it is. */
    const objects = <K extends Kind>(kind: K): KindMap[K][] => (chosen.get(kind) ?? []) as KindMap[K][];
    const keyed = <K extends Kind>(kind: K, key: (o: KindMap[K]) => string) =>
      new Map(objects(kind).map((o) => [key(o), o]));
    const byNsName = (o: { metadata: { namespace: string; name: string } }) =>
      nsName(o.metadata.namespace, o.metadata.name);
    /** A kind's collection: the previous one while the kind is unchanged, else built anew. */
    const collection = <T>(kind: Kind, old: T | undefined, build: () => T): T =>
      !rebuild(kind) && old !== undefined ? old : build();
    const last = previous?.snapshot;

    const snapshot: Snapshot = {
      ingresses: collection('Ingress', last?.ingresses, () => objects('Ingress')),
      ingressClasses: collection('IngressClass', last?.ingressClasses, () => objects('IngressClass')),
      services: collection('Service', last?.services, () => keyed('Service', byNsName)),
      ...(regroupSlices &&
        last && { endpointSliceChanges: { from: last.endpointSlices, services: changedServices } }),
      endpointSlices:
        regroupSlices && last
          ? this.#regroup(last.endpointSlices, changedServices)
          : collection('EndpointSlice', last?.endpointSlices, () => {
              const groups = new Map<string, KindMap['EndpointSlice'][]>();
              for (const slice of objects('EndpointSlice')) {
                const service = slice.metadata.labels['kubernetes.io/service-name'];
                if (!service) continue;
                const key = nsName(slice.metadata.namespace, service);
                const list = groups.get(key) ?? [];
                list.push(slice);
                groups.set(key, list);
              }
              // A Service whose slices are the same objects keeps the same list: the model skips it by identity.
              const kept = new Map<string, readonly KindMap['EndpointSlice'][]>();
              for (const [key, list] of groups) {
                const before = last?.endpointSlices.get(key);
                const same = before?.length === list.length && before.every((slice, i) => slice === list[i]);
                kept.set(key, same ? before : list);
              }
              return kept;
            }),
      secrets: collection('Secret', last?.secrets, () => keyed('Secret', byNsName)),
      configMaps: collection('ConfigMap', last?.configMaps, () => keyed('ConfigMap', byNsName)),
      namespaces: collection('Namespace', last?.namespaces, () =>
        sortedMap(keyed('Namespace', (n) => n.metadata.name)),
      ),
      gatewayClasses: collection('GatewayClass', last?.gatewayClasses, () =>
        sortedMap(keyed('GatewayClass', (c) => c.metadata.name)),
      ),
      gateways: collection('Gateway', last?.gateways, () => sortedMap(keyed('Gateway', byNsName))),
      httpRoutes: collection('HTTPRoute', last?.httpRoutes, () =>
        objects('HTTPRoute').sort(byNamespaceAndName),
      ),
      grpcRoutes: collection('GRPCRoute', last?.grpcRoutes, () =>
        objects('GRPCRoute').sort(byNamespaceAndName),
      ),
      referenceGrants: collection('ReferenceGrant', last?.referenceGrants, () => {
        const grants = new Map<string, KindMap['ReferenceGrant'][]>();
        for (const grant of objects('ReferenceGrant')) {
          const list = grants.get(grant.metadata.namespace) ?? [];
          list.push(grant);
          grants.set(grant.metadata.namespace, list);
        }
        return new Map([...sortedMap(grants)].map(([ns, list]) => [ns, list.sort(byNamespaceAndName)]));
      }),
      problems: [...[...this.#originProblems.values()].flat(), ...[...duplicates.values()].flat()],
    };
    this.#previous = { snapshot, duplicates };
    this.#dirty.clear();
    return snapshot;
  }
}

/** How many origins define each object key, and per kind how many keys more than one does. */
class Definitions {
  readonly #counts = new Map<string, number>();
  readonly #shared = new Map<Kind, number>();

  count(kind: Kind, key: string, delta: 1 | -1): void {
    const count = (this.#counts.get(key) ?? 0) + delta;
    if ((delta === 1 && count === 2) || (delta === -1 && count === 1))
      this.#shared.set(kind, (this.#shared.get(kind) ?? 0) + delta);
    if (count <= 0) this.#counts.delete(key);
    else this.#counts.set(key, count);
  }

  /** True while no object of `kind` is defined by two origins. */
  unique(kind: Kind): boolean {
    return (this.#shared.get(kind) ?? 0) === 0;
  }
}

// The Gateway API collections are ordered by key, so the model sees the same order whatever the source.
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const sortedMap = <T>(map: Map<string, T>) => new Map([...map].sort(([a], [b]) => compare(a, b)));
const byNamespaceAndName = (
  a: { metadata: { namespace: string; name: string } },
  b: { metadata: { namespace: string; name: string } },
) => compare(a.metadata.namespace, b.metadata.namespace) || compare(a.metadata.name, b.metadata.name);

function keyOf(parsed: Parsed): string {
  const { namespace, name } = parsed.object.metadata;
  return refKey({ kind: parsed.kind, namespace, name });
}

const sameItems = (a: readonly unknown[], b: readonly unknown[]): boolean =>
  a.length === b.length && a.every((item, i) => item === b[i]);
