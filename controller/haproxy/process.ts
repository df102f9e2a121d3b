/**
 * Runs HAProxy in master-worker mode and keeps it running: started once the
 * first complete config exists, restarted (with backoff) if it dies, stopped
 * gracefully on shutdown. In sidecar mode HAProxy belongs to another
 * container and this class is not used.
 */
import { EventEmitter } from 'node:events';
import { rm } from 'node:fs/promises';
import { execa, type ResultPromise } from 'execa';
import type { Logger } from 'pino';
import { MasterCli } from './master-cli.ts';

export interface HAProxyProcessOptions {
  bin: string;
  configPath: string;
  masterSocket: string;
  /** How long a graceful stop may take before HAProxy is killed. */
  stopTimeoutMs: number;
}

export class HAProxyProcess extends EventEmitter<{ exit: [code: number | undefined]; restarted: [] }> {
  readonly #options: HAProxyProcessOptions;
  readonly #log: Logger;
  #child: ResultPromise | undefined;
  #stopping = false;
  #restarts = 0;
  /** Set once HAProxy has come up; only then does an exit mean "restart it". */
  #started = false;

  constructor(options: HAProxyProcessOptions, log: Logger) {
    super();
    this.#options = options;
    this.#log = log;
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  /** Starts HAProxy and resolves once its master CLI reports a worker. */
  async start(): Promise<void> {
    if (this.#child) return;
    const { bin, configPath, masterSocket } = this.#options;
    await rm(masterSocket, { force: true });
    const child = execa(bin, ['-W', '-S', `${masterSocket},mode,600`, '-f', configPath], {
      reject: false,
      stdin: 'ignore',
      buffer: false,
      // HAProxy must not outlive us if we are killed without a chance to stop it.
      cleanup: true,
    });
    this.#child = child;
    const forward = (level: 'info' | 'warn') => (line: unknown) => {
      const text = String(line).trim();
      if (text) this.#log[/\[(ALERT|WARNING)\]/.test(text) ? 'warn' : level]({ haproxy: text }, 'haproxy');
    };
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    for (const stream of [child.stdout, child.stderr]) {
      let rest = '';
      stream?.on('data', (chunk: string) => {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) forward('info')(line);
      });
    }
    void child.then((result) => {
      if (this.#child !== child) return;
      this.#child = undefined;
      const code = typeof result.exitCode === 'number' ? result.exitCode : undefined;
      this.emit('exit', code);
      // A failed start is the caller's to retry; only a running HAProxy that dies is restarted here.
      if (this.#started && !this.#stopping) void this.#restart(code, result.signal);
    });
    try {
      await this.#waitForWorker();
    } catch (error) {
      if (this.#child === child) this.#child = undefined;
      child.kill('SIGKILL');
      throw error;
    }
    this.#started = true;
  }

  async #waitForWorker(timeoutMs = 15_000): Promise<void> {
    const cli = new MasterCli(this.#options.masterSocket);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.#child) throw new Error('HAProxy exited during startup');
      try {
        if ((await cli.showProc()).workers.length > 0) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`HAProxy did not start a worker within ${timeoutMs} ms`);
  }

  async #restart(code: number | undefined, signal: string | undefined): Promise<void> {
    const delay = Math.min(30_000, 250 * 2 ** Math.min(this.#restarts, 7));
    this.#restarts++;
    this.#log.error({ code, signal, retryInMs: delay }, 'HAProxy exited unexpectedly; restarting');
    await new Promise((r) => setTimeout(r, delay));
    // Stopped meanwhile, or already started again by a reconcile pass.
    if (this.#stopping || this.#child) return;
    this.#started = false;
    try {
      await this.start();
      this.#restarts = 0;
      this.emit('restarted');
    } catch (error) {
      this.#log.error({ err: error }, 'HAProxy restart failed');
      if (!this.#child && !this.#stopping) void this.#restart(undefined, undefined);
    }
  }

  /**
   * Soft-stops HAProxy (SIGUSR1: stop listening, finish in-flight requests),
   * then terminates it if it is still running after the timeout.
   */
  async stop(): Promise<void> {
    this.#stopping = true;
    const child = this.#child;
    if (!child) return;
    child.kill('SIGUSR1');
    const timer = setTimeout(() => child.kill('SIGTERM'), this.#options.stopTimeoutMs);
    const killer = setTimeout(() => child.kill('SIGKILL'), this.#options.stopTimeoutMs + 2_000);
    await child;
    clearTimeout(timer);
    clearTimeout(killer);
    this.#child = undefined;
  }
}
