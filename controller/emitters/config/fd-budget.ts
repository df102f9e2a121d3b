/**
 * File descriptors a config needs, worked out the way HAProxy does at start:
 * two per connection (client and server side) when maxconn is set, one per
 * health-checked server, plus listeners and per-thread pollers. Without
 * maxconn HAProxy sizes maxconn to what is left of the limit, so only the
 * fixed part must fit. HAProxy refuses a config that does not fit after
 * `haproxy -c` accepted it, so the controller says so before reloading.
 */
import type { DesiredState } from '../../model/types.ts';
import type { SlotTable } from '../runtime/slots.ts';

/** Listeners, pollers, the CLI and slack: a small constant next to the rest. */
const BASE = 64;

export interface FdNeed {
  total: number;
  connections: number;
  checks: number;
}

export function fdNeed(state: DesiredState, slots: SlotTable): FdNeed {
  let checks = 0;
  for (const backend of state.backends)
    if (backend.settings.check) checks += slots.get(backend.name)?.length ?? 0;
  const connections = (state.global.maxconn ?? 0) * 2;
  return { total: BASE + connections + checks, connections, checks };
}

/** The hard limit on open files of this process (HAProxy, started by it or beside it, has the same). */
export function hardFdLimit(limits: string): number | undefined {
  const hard = /^Max open files\s+\S+\s+(\S+)/m.exec(limits)?.[1];
  return hard === undefined || hard === 'unlimited' ? undefined : Number(hard);
}

export function describeShortfall(need: FdNeed, limit: number): string | undefined {
  if (need.total <= limit) return undefined;
  return `the config needs about ${need.total} file descriptors (${need.connections} for maxconn × 2, ${need.checks} for health-checked servers), above the hard limit of ${limit}: HAProxy will refuse to load it; lower maxconn or the servers with checks, or raise the limit (ulimit -Hn)`;
}
