/**
 * Sidecar mode: notices when the HAProxy of the other container has been
 * replaced (the container restarted). The new HAProxy starts from the last
 * haproxy.cfg written, which lacks the pod changes applied since over the
 * Runtime API, so the controller must apply the full state again.
 */
import { EventEmitter } from 'node:events';
import type { MasterCli } from './master-cli.ts';

export class MasterWatch extends EventEmitter<{ replaced: [pid: number] }> {
  readonly #master: MasterCli;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #pid: number | undefined;

  constructor(master: MasterCli, intervalMs = 1_000) {
    super();
    this.#master = master;
    this.#intervalMs = intervalMs;
  }

  start(): void {
    const tick = async () => {
      try {
        const { pid } = (await this.#master.showProc()).master;
        if (pid && this.#pid !== undefined && pid !== this.#pid) this.emit('replaced', pid);
        if (pid) this.#pid = pid;
      } catch {
        // The master is restarting or reloading; the next tick looks again.
      }
      this.#timer = setTimeout(tick, this.#intervalMs);
      this.#timer.unref();
    };
    void tick();
  }

  stop(): void {
    clearTimeout(this.#timer);
  }
}
