/**
 * Server slots: each backend has a fixed set of `server` lines, sized in steps
 * of `servers-increment`, that pods are assigned to. Scaling moves pods in and
 * out of slots over the Runtime API; only a new structure needs a reload.
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

/** How many slots a backend gets at render time: enough for its pods, rounded up to the increment. */
export function slotCount(endpoints: number, increment: number): number {
  return Math.max(increment, Math.ceil(endpoints / increment) * increment);
}

/**
 * Assigns a backend's endpoints to slots for a fresh render, keeping the slot
 * each endpoint had before where possible.
 */
export function planSlots(backend: Backend, previous: readonly Slot[] | undefined): Slot[] {
  const count = slotCount(backend.endpoints.length, backend.settings.serversIncrement);
  const slots: Slot[] = Array.from({ length: count }, (_, i) => ({
    name: slotName(i),
    endpoint: undefined,
    state: 'maint',
  }));
  const wanted = new Map(backend.endpoints.map((e) => [endpointKey(e), e]));
  for (const [i, old] of (previous ?? []).entries()) {
    if (i >= count || !old.endpoint) continue;
    const endpoint = wanted.get(endpointKey(old.endpoint));
    if (!endpoint) continue;
    slots[i] = {
      name: slotName(i),
      endpoint: { address: endpoint.address, port: endpoint.port },
      state: endpoint.state,
    };
    wanted.delete(endpointKey(endpoint));
  }
  let next = 0;
  for (const endpoint of wanted.values()) {
    while (slots[next]?.endpoint) next++;
    slots[next] = {
      name: slotName(next),
      endpoint: { address: endpoint.address, port: endpoint.port },
      state: endpoint.state,
    };
  }
  return slots;
}
