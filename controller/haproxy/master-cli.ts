/** The master CLI of HAProxy in master-worker mode: process list and reloads. */
import { CliError, runCommand } from './cli-socket.ts';

export interface ProcessList {
  master: { pid: number; reloads: number; failed: number };
  workers: { pid: number; reloads: number }[];
  oldWorkers: { pid: number; reloads: number }[];
}

export function parseShowProc(text: string): ProcessList {
  const list: ProcessList = { master: { pid: 0, reloads: 0, failed: 0 }, workers: [], oldWorkers: [] };
  let section: 'master' | 'workers' | 'old' | 'other' = 'master';
  for (const line of text.split('\n')) {
    if (line.startsWith('# workers')) section = 'workers';
    else if (line.startsWith('# old workers')) section = 'old';
    else if (line.startsWith('#')) section = line.startsWith('#<PID>') ? 'master' : 'other';
    else {
      const m = /^(\d+)\s+(\S+)\s+(\d+)(?:\s+\[failed: (\d+)\])?/.exec(line.trim());
      if (!m) continue;
      const pid = Number(m[1]);
      const reloads = Number(m[3]);
      if (m[2] === 'master') list.master = { pid, reloads, failed: Number(m[4] ?? 0) };
      else if (section === 'workers') list.workers.push({ pid, reloads });
      else if (section === 'old') list.oldWorkers.push({ pid, reloads });
    }
  }
  return list;
}

export class ReloadError extends Error {
  /** HAProxy's own lines about the failure, when the caller could read them. */
  output = '';
}

export class MasterCli {
  readonly #socket: string;

  constructor(socketPath: string) {
    this.#socket = socketPath;
  }

  async showProc(): Promise<ProcessList> {
    return parseShowProc(await runCommand(this.#socket, 'show proc', 5_000));
  }

  /**
   * Reloads and waits until a new worker runs the new config. The master
   * re-executes itself on reload, so the socket is briefly unavailable.
   */
  async reload(timeoutMs = 15_000): Promise<ProcessList> {
    const before = await this.showProc();
    const oldPids = new Set(before.workers.map((w) => w.pid));
    await runCommand(this.#socket, 'reload', 5_000).catch(() => undefined);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 15));
      let now: ProcessList;
      try {
        now = await this.showProc();
      } catch (error) {
        if (error instanceof CliError) continue;
        throw error;
      }
      if (now.master.failed > before.master.failed)
        throw new ReloadError('HAProxy could not load the new config');
      if (now.master.reloads > before.master.reloads && now.workers.some((w) => !oldPids.has(w.pid)))
        return now;
    }
    throw new ReloadError(`no new worker within ${timeoutMs} ms of the reload`);
  }
}
