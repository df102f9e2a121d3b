/**
 * Whether HAProxy's traffic logs (one line per request, at level info) reach
 * any log target. Without syslog-server they go to stdout at level notice,
 * which drops them: HAProxy then need not build them at all for requests that
 * went well (errors are still logged), which saves a tenth of a request's cost.
 */
import type { SyslogServer } from './settings/values.ts';

const KEEPS_INFO = new Set(['info', 'debug']);

export function logsTraffic(targets: readonly SyslogServer[] | undefined): boolean {
  // A target without a level takes every level.
  return (targets ?? []).some((t) => t.level === undefined || KEEPS_INFO.has(t.level));
}
