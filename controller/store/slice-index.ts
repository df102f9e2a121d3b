/**
 * Which Services' EndpointSlices changed since the last snapshot, so that the
 * store regroups only those: at 10,000 Services an endpoint change then costs
 * one Service's slices, not a regrouping of all of them.
 *
 * The shortcut holds while no EndpointSlice is defined by two origins (the
 * first origin in sorted order would win, which can move a slice between
 * Services); with such a duplicate the store regroups everything.
 */
import type { KindMap } from './schemas.ts';

type Slice = KindMap['EndpointSlice'];

const SERVICE_NAME = 'kubernetes.io/service-name';

/** `namespace/service` of the Service a slice belongs to, if it names one. */
export function serviceKeyOf(slice: Slice): string | undefined {
  const service = slice.metadata.labels[SERVICE_NAME];
  return service ? `${slice.metadata.namespace}/${service}` : undefined;
}

export class SliceIndex {
  /** serviceKey → origin → how many of its slices that origin holds. */
  readonly #origins = new Map<string, Map<string, number>>();
  /** Object key → how many origins define it. */
  readonly #definitions = new Map<string, number>();
  #duplicated = 0;
  #dirty = new Set<string>();

  /** One slice of `origin` (object key `key`) appears (+1) or goes (-1). */
  track(origin: string, key: string, slice: Slice, delta: 1 | -1): void {
    const count = (this.#definitions.get(key) ?? 0) + delta;
    if (count === 2 && delta === 1) this.#duplicated++;
    if (count === 1 && delta === -1) this.#duplicated--;
    if (count === 0) this.#definitions.delete(key);
    else this.#definitions.set(key, count);
    const service = serviceKeyOf(slice);
    if (!service) return;
    this.#dirty.add(service);
    const origins = this.#origins.get(service) ?? new Map<string, number>();
    const held = (origins.get(origin) ?? 0) + delta;
    if (held === 0) origins.delete(origin);
    else origins.set(origin, held);
    if (origins.size === 0) this.#origins.delete(service);
    else this.#origins.set(service, origins);
  }

  /** True while every slice is defined by one origin only. */
  get unique(): boolean {
    return this.#duplicated === 0;
  }

  /** The Services whose slices changed since the last call; forgets them. */
  takeDirty(): Set<string> {
    const dirty = this.#dirty;
    this.#dirty = new Set();
    return dirty;
  }

  /** The origins holding slices of a Service, in the order the store reads origins. */
  originsOf(service: string): string[] {
    return [...(this.#origins.get(service)?.keys() ?? [])].sort();
  }
}
