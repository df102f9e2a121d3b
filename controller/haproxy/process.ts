/**
 * Runs HAProxy in master-worker mode and keeps it running: started once the
 * first complete config exists, restarted (with backoff) if it dies, stopped
 * gracefully on shutdown. In sidecar mode HAProxy belongs to another
 * container and this class is not used.
 *
 * HAProxy runs in its own process group, so that a terminal's Ctrl-C (SIGINT to
 * the foreground group) reaches only the controller, which soft-stops HAProxy;
 * a SIGINT straight to HAProxy would stop it at once and drop in-flight requests.
 */
import { EventEmitter } from 'node:events';
import { rm } from 'node:fs/promises';
import { execa, type ResultPromise } from 'execa';
import type { Logger } from 'pino';
import { MasterCli } from './master-cli.ts';
import { HAProxyOutput } from './output.ts';

/** Runs "$0" "$@" with the soft file-descriptor limit raised to the hard limit, where allowed. */
export const RAISE_FD_LIMIT = 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"';

/** HAProxy exited before it served; its [ALERT] lines say why (a port in use, a permission). */
export class HAProxyStartError extends Error {
  readonly alerts: string[];
  constructor(reason: string, alerts: string[]) {
    super(`HAProxy could not start: ${alerts.length ? alerts.join('; ') : reason}`);
    this.alerts = alerts;
  }
}

export interface HAProxyProcessOptions {
  bin: string;
  configPath: string;
  masterSocket: string;
  /** How long a graceful stop may take before HAProxy is killed. */
  stopTimeoutMs: number;
}

export class HAProxyProcess extends EventEmitter<{
  exit: [code: number | undefined];
  restarted: [];
  /** The first start failed: nothing was served yet, and trying the same start again cannot help. */
  failed: [error: HAProxyStartError];
}> {
  readonly #options: HAProxyProcessOptions;
  readonly #log: Logger;
  #child: ResultPromise | undefined;
  #stopping = false;
  #restarts = 0;
  #everStarted = false;
  readonly #output = new HAProxyOutput();
  /** Set once HAProxy has come up; only then does an exit mean "restart it". */
  #started = false;
  /** HAProxy's latest warning and alert lines, newest last: what a failed reload said. */
  readonly #alerts: { at: number; text: string }[] = [];

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
    // Through sh, to raise the soft file-descriptor limit to the hard one first: HAProxy sizes
    // maxconn (when unset) from the limit it starts with, and a 1024 soft limit is common.
    const child = execa(
      'sh',
      ['-c', RAISE_FD_LIMIT, bin, '-W', '-S', `${masterSocket},mode,600`, '-f', configPath],
      {
        reject: false,
        stdin: 'ignore',
        buffer: false,
        // Its own process group (see above); execa's cleanup does not cover detached children.
        detached: true,
        cleanup: false,
      },
    );
    this.#child = child;
    // HAProxy must not outlive us if we exit without stopping it (a crash): 'exit' handlers still run.
    const killOnExit = () => child.kill('SIGTERM');
    process.once('exit', killOnExit);
    this.#output.takeAlerts();
    const forward = (level: 'info' | 'warn') => (line: unknown) => {
      const text = String(line).trim();
      if (!text) return;
      const alert = /\[(ALERT|WARNING)\]/.test(text);
      this.#log[alert ? 'warn' : level]({ haproxy: text }, 'haproxy');
      if (alert) {
        this.#alerts.push({ at: Date.now(), text });
        if (this.#alerts.length > 50) this.#alerts.shift();
      }
    };
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    this.#output.attach(child.stdout, 'stdout', forward('info'));
    this.#output.attach(child.stderr, 'stderr', forward('info'));
    void child.then((result) => {
      process.off('exit', killOnExit);
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
      await child;
      const failure = new HAProxyStartError((error as Error).message, this.#output.takeAlerts());
      if (!this.#everStarted) this.emit('failed', failure);
      throw failure;
    }
    this.#started = true;
    this.#everStarted = true;
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

  /** The warning and alert lines HAProxy printed since `since` (a Date.now() value). */
  alertsSince(since: number): string {
    return this.#alerts
      .filter((a) => a.at >= since)
      .map((a) => a.text)
      .join('\n');
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
