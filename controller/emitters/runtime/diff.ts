/**
 * Server-only changes as Runtime API commands: pods move into free slots,
 * leave them for maintenance, change state (ready / drain); a backend whose
 * pods outnumber its slots gets new servers with `add server`, and a
 * pod-sized backend names the free servers beyond its headroom for deletion.
 * Pure: returns the commands and the slot table they lead to.
 */
import type { Backend } from '../../model/types.ts';
import { formatAddress, serverOptions } from '../config/view.ts';
import { bySlotName, endpointKey, excessSlots, freeNames, type Slot, type SlotTable } from './slots.ts';

export type RuntimePlan =
  | {
      kind: 'runtime';
      commands: string[];
      /** The slot lists of the backends whose slots change; every other backend keeps its own. */
      changed: ReadonlyMap<string, Slot[]>;
      /** `backend/server` names to delete once drained (`del server`); they stay in their slots until then. */
      deletions: string[];
    }
  | { kind: 'reload'; reason: string };

/**
 * `previous` holds the backends the applied slots were planned for, in order: a
 * backend the model handed back unchanged (the same object at the same place)
 * keeps its slots as they are, without a lookup. At 10,000 backends a change of
 * one then costs one backend: the plan names the slot lists that change, and the
 * applier folds them into its table once HAProxy took the commands (withChanges).
 */
export function planRuntime(
  applied: SlotTable,
  backends: readonly Backend[],
  previous: readonly Backend[] = [],
): RuntimePlan {
  const commands: string[] = [];
  const deletions: string[] = [];
  const changed = new Map<string, Slot[]>();
  const aligned = previous.length === backends.length;
  for (let i = 0; i < backends.length; i++) {
    const backend = backends[i] as Backend;
    if (aligned && previous[i] === backend) continue;
    const current = applied.get(backend.name);
    if (!current) return { kind: 'reload', reason: `backend ${backend.name} is new` };
    if (inPlace(current, backend)) continue;
    const slots: Slot[] = current.map((s) => ({ ...s }));
    const server = (s: Slot) => `${backend.name}/${s.name}`;
    const wanted = new Map(backend.endpoints.map((e) => [endpointKey(e), e]));

    for (const slot of slots) {
      if (!slot.endpoint) continue;
      const endpoint = wanted.get(endpointKey(slot.endpoint));
      if (endpoint) {
        wanted.delete(endpointKey(endpoint));
        if (slot.state !== endpoint.state) {
          commands.push(`set server ${server(slot)} state ${endpoint.state}`);
          slot.state = endpoint.state;
        }
      } else {
        if (slot.state !== 'maint') commands.push(`set server ${server(slot)} state maint`);
        slot.endpoint = undefined;
        slot.state = 'maint';
      }
    }

    const names = freeNames(slots);
    for (const endpoint of wanted.values()) {
      const address = endpoint.address;
      let slot = slots.find((s) => !s.endpoint);
      if (!slot) {
        if (backend.servers.kind === 'increment' && !backend.servers.addAtRunTime) {
          return {
            kind: 'reload',
            reason: `backend ${backend.name} needs more servers and "${backend.settings.loadBalance}" cannot add them at run time`,
          };
        }
        slot = { name: names.next().value as string, endpoint: undefined, state: 'maint' };
        slots.push(slot);
        const options = serverOptions(backend.settings);
        commands.push(
          `add server ${server(slot)} ${formatAddress(address, endpoint.port)}${options ? ` ${options}` : ''}`,
        );
        if (backend.settings.check) commands.push(`enable health ${server(slot)}`);
        // `add server` leaves the dynamic persistence cookie unset; this computes it for every server.
        if (backend.settings.cookiePersistence)
          commands.push(`enable dynamic-cookie backend ${backend.name}`);
      } else {
        commands.push(`set server ${server(slot)} addr ${address} port ${endpoint.port}`);
      }
      commands.push(`set server ${server(slot)} state ${endpoint.state}`);
      slot.endpoint = { address, port: endpoint.port };
      slot.state = endpoint.state;
    }
    slots.sort(bySlotName);
    for (const slot of excessSlots(backend, slots)) deletions.push(server(slot));
    changed.set(backend.name, slots);
  }
  return { kind: 'runtime', commands, changed, deletions };
}

/**
 * `table` with a plan's changed slot lists; the runtime path serves the same backends by
 * name (structure.ts), so no other entry comes or goes. A copy: the applier, which owns
 * its table, sets the changes in place instead.
 */
export function withChanges(table: SlotTable, changed: ReadonlyMap<string, Slot[]>): SlotTable {
  const next = new Map(table);
  for (const [name, slots] of changed) next.set(name, slots);
  return next;
}

/** True when every pod of the backend already sits in a slot with the right state. */
function inPlace(slots: readonly Slot[], backend: Backend): boolean {
  const wanted = new Map(backend.endpoints.map((e) => [endpointKey(e), e.state]));
  let occupied = 0;
  for (const slot of slots) {
    if (!slot.endpoint) continue;
    occupied++;
    if (wanted.get(endpointKey(slot.endpoint)) !== slot.state) return false;
  }
  return occupied === wanted.size;
}
