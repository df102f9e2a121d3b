/** HAProxy's own view of backends and servers, read over the Runtime API. */
import type { TestController } from './controller.ts';

export type StatRow = Record<string, string>;

/** `show stat` as rows keyed by column name (pxname, svname, scur, smax, qmax, stot, status, ...). */
export async function showStat(controller: TestController): Promise<StatRow[]> {
  const [csv = ''] = await controller.runtime(['show stat']);
  const lines = csv.split('\n').filter((l) => l.trim() !== '');
  const header = (lines.shift() ?? '').replace(/^# /, '').split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(header.map((name, i) => [name, cells[i] ?? '']));
  });
}

/** The stat rows of one backend's servers that hold a pod (not parked on the discard address). */
export async function serverStats(controller: TestController, backend: string): Promise<StatRow[]> {
  const rows = await showStat(controller);
  return rows.filter((r) => r.pxname === backend && r.svname !== 'BACKEND' && r.svname !== 'FRONTEND');
}

/** `show info` as a map of field name → value. */
export async function showInfo(controller: TestController): Promise<Map<string, string>> {
  const [out = ''] = await controller.runtime(['show info']);
  return new Map(
    out
      .split('\n')
      .filter((l) => l.includes(': '))
      .map((l) => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)]),
  );
}
