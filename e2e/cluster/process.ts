/**
 * A server process (etcd, kube-apiserver) that never outlives the test process: it gets
 * SIGKILL from the kernel when its parent dies, even by SIGKILL (setpriv --pdeathsig),
 * and is killed on a normal exit of the test process too. Output goes to a log file
 * whose tail is shown when something fails.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((path) => existsSync(path));

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export class ServerProcess {
  readonly name: string;
  readonly logFile: string;
  readonly #child: ChildProcess;
  readonly #exited: Promise<number | string>;

  private constructor(name: string, logFile: string, child: ChildProcess) {
    this.name = name;
    this.logFile = logFile;
    this.#child = child;
    running.add(child);
    this.#exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        running.delete(child);
        resolve(signal ?? code ?? 'unknown');
      });
      child.once('error', (error) => {
        running.delete(child);
        resolve(error.message);
      });
    });
  }

  /** Starts `binary args…`, appending stdout and stderr to `logFile`. */
  static start(name: string, binary: string, args: string[], logFile: string): ServerProcess {
    const fd = openSync(logFile, 'a');
    try {
      const [command, commandArgs] = SETPRIV
        ? [SETPRIV, ['--pdeathsig', 'KILL', '--', binary, ...args]]
        : [binary, args];
      const child = spawn(command, commandArgs, { stdio: ['ignore', fd, fd] });
      return new ServerProcess(name, logFile, child);
    } finally {
      // The child has its own copy of the descriptor.
      closeSync(fd);
    }
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Exit code or signal once the process has ended; undefined while it runs. */
  get exitStatus(): number | string | undefined {
    const child = this.#child;
    if (child.exitCode !== null) return child.exitCode;
    if (child.signalCode !== null) return child.signalCode;
    return running.has(child) ? undefined : 'failed to start';
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.exitStatus !== undefined) return;
    this.#child.kill('SIGTERM');
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), graceMs);
    await this.#exited;
    clearTimeout(timer);
  }

  /** The last `lines` lines of the log, for error messages. */
  async tail(lines = 40): Promise<string> {
    const text = await readFile(this.logFile, 'utf8').catch(() => '');
    return `--- ${this.name} (${this.logFile}), last ${lines} lines ---\n${text
      .split('\n')
      .slice(-lines - 1)
      .join('\n')}`;
  }
}
