/**
 * Server slots: the `server` lines of a backend, which pods are assigned to.
 * How many a backend has follows the model's sizing:
 *  - `pods`: its pods plus a small headroom; servers are added (`add server`)
 *    when pods outnumber them and deleted (`del server`) once a freed server
 *    has drained and the backend has more than its headroom free;
 *  - `increment`: a multiple of the step (servers-increment), as pre-sized
 *    slots for algorithms that cannot add servers at run time.
 * A pod keeps its slot for as long as it exists, so its connections and
 * statistics survive unrelated churn.
 */
import type { Backend, EndpointState } from '../../model/types.ts';

export interface Slot {
  name: string;
  /** `address:port` of the pod in this slot, or undefined when free. */
  endpoint: { address: string; port: number } | undefined;
  /** Admin state HAProxy has for the slot: free slots are in maintenance. */
  state: EndpointState | 'maint';
}

export type SlotTable = Map<string, Slot[]>;

export const endpointKey = (e: { address: string; port: number }): string => `${e.address}:${e.port}`;

export const slotName = (index: number): string => `SRV_${index + 1}`;

const slotIndex = (name: string): number => Number(name.slice(4)) - 1;

/** Free servers a pod-sized backend keeps for the next pods: one per ten pods, at least one. */
export const headroom = (pods: number): number => Math.max(1, Math.ceil(pods / 10));

/** How many slots a backend gets at render time. */
export function slotCount(backend: Backend): number {
  const pods = backend.endpoints.length;
  const sizing = backend.servers;
  if (sizing.kind === 'pods') return pods + headroom(pods);
  return Math.max(sizing.step, Math.ceil(pods / sizing.step) * sizing.step);
}

/** The lowest slot names not in use, in order. */
export function* freeNames(slots: readonly Slot[]): Generator<string> {
  const used = new Set(slots.map((s) => s.name));
  for (let i = 0; ; i++) if (!used.has(slotName(i))) yield slotName(i);
}

export const bySlotName = (a: Slot, b: Slot): number => slotIndex(a.name) - slotIndex(b.name);

/**
 * Assigns a backend's endpoints to slots for a fresh render, keeping the slot
 * each endpoint had before; new endpoints and free slots take the lowest
 * unused names.
 */
export function planSlots(backend: Backend, previous: readonly Slot[] | undefined): Slot[] {
  const count = slotCount(backend);
  const wanted = new Map(backend.endpoints.map((e) => [endpointKey(e), e]));
  const slots: Slot[] = [];
  for (const old of previous ?? []) {
    const endpoint = old.endpoint && wanted.get(endpointKey(old.endpoint));
    if (!endpoint) continue;
    slots.push({
      name: old.name,
      endpoint: { address: endpoint.address, port: endpoint.port },
      state: endpoint.state,
    });
    wanted.delete(endpointKey(endpoint));
  }
  const names = freeNames(slots);
  const fresh: Slot[] = [];
  for (const endpoint of wanted.values()) {
    fresh.push({
      name: names.next().value as string,
      endpoint: { address: endpoint.address, port: endpoint.port },
      state: endpoint.state,
    });
  }
  while (slots.length + fresh.length < count)
    fresh.push({ name: names.next().value as string, endpoint: undefined, state: 'maint' });
  return [...slots, ...fresh].sort(bySlotName);
}

/**
 * Free slots of a pod-sized backend beyond its headroom, highest names first:
 * the servers to delete once HAProxy lets go of them.
 */
export function excessSlots(backend: Backend, slots: readonly Slot[]): Slot[] {
  if (backend.servers.kind !== 'pods') return [];
  const free = slots.filter((s) => !s.endpoint);
  const excess = free.length - headroom(backend.endpoints.length);
  return excess > 0 ? free.sort(bySlotName).reverse().slice(0, excess) : [];
}
