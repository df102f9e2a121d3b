/**
 * Runs the real controller (the package's bin) as a child process on free
 * loopback ports, with its own manifests, config and runtime directories,
 * and offers what a test needs to talk to it and to the HAProxy it runs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommands } from '../../controller/haproxy/cli-socket.ts';
import { MasterCli, type ProcessList } from '../../controller/haproxy/master-cli.ts';
import { HAPROXY_BIN } from './haproxy-bin.ts';
import { type HttpReply, httpGet, httpsGet } from './http.ts';
import { freePort } from './net.ts';
import { eventually } from './wait.ts';

const BIN = fileURLToPath(new URL('../../controller/cli/main.ts', import.meta.url));

export interface ControllerPorts {
  http: number;
  https: number;
  stats: number;
  healthz: number;
  controller: number;
}

export class TestController {
  readonly dir: string;
  readonly manifests: string;
  readonly configDir: string;
  readonly runtimeDir: string;
  readonly ports: ControllerPorts;
  readonly logFile: string;
  child: ChildProcess | undefined;
  exit: Promise<number | null> | undefined;

  private constructor(dir: string, ports: ControllerPorts) {
    this.dir = dir;
    this.manifests = join(dir, 'manifests');
    this.configDir = join(dir, 'config');
    this.runtimeDir = join(dir, 'run');
    this.logFile = join(dir, 'controller.log');
    this.ports = ports;
  }

  /** Creates the directories and writes the initial manifests; call start() next. */
  static async create(files: Record<string, unknown[]> = {}): Promise<TestController> {
    const dir = await mkdtemp(join(tmpdir(), 'hsi-e2e-'));
    const ports = {
      http: await freePort(),
      https: await freePort(),
      stats: await freePort(),
      healthz: await freePort(),
      controller: await freePort(),
    };
    const controller = new TestController(dir, ports);
    await import('node:fs/promises').then((fs) => fs.mkdir(controller.manifests, { recursive: true }));
    for (const [name, objects] of Object.entries(files)) await controller.write(name, objects);
    return controller;
  }

  /**
   * `ownProcessGroup`: run the controller as a terminal runs a job, leader of its own
   * process group, so that a test can signal the whole group as Ctrl-C does.
   */
  /**
   * `entry`: the controller's main module; the TypeScript sources unless a test runs the
   * compiled build (`npm run build`, what the image runs).
   */
  async start(
    extraArgs: string[] = [],
    env: Record<string, string> = {},
    { ownProcessGroup = false, entry = BIN } = {},
  ): Promise<void> {
    const args = [
      entry,
      // --demo brings its own manifests directory; --kubeconfig means cluster mode.
      ...(extraArgs.includes('--demo') || extraArgs.includes('--kubeconfig')
        ? []
        : ['--manifests', this.manifests]),
      '--config-dir',
      this.configDir,
      '--runtime-dir',
      this.runtimeDir,
      '--ipv4-bind-address',
      '127.0.0.1',
      '--disable-ipv6',
      '--controller-address',
      '127.0.0.1',
      '--http-bind-port',
      String(this.ports.http),
      '--https-bind-port',
      String(this.ports.https),
      '--stats-bind-port',
      String(this.ports.stats),
      '--healthz-bind-port',
      String(this.ports.healthz),
      '--controller-port',
      String(this.ports.controller),
      '--stop-timeout',
      '3000',
      '--log',
      'debug',
      // A test's own --haproxy-bin comes later and wins.
      '--haproxy-bin',
      HAPROXY_BIN,
      ...extraArgs,
    ];
    const log = createWriteStream(this.logFile, { flags: 'a' });
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
      detached: ownProcessGroup,
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    this.child = child;
    this.exit = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    const exited = new AbortController();
    child.once('exit', () => exited.abort());
    await eventually(
      async () => {
        if (child.exitCode !== null)
          throw new Error(`controller exited with ${child.exitCode}:\n${await this.log()}`);
        const reply = await httpGet(this.ports.controller, '/readyz');
        if (reply.status !== 200) throw new Error(`not ready: ${reply.status}`);
      },
      20_000,
      10,
      exited.signal,
    ).catch(async (error) => {
      if (child.exitCode === null) throw error;
      throw new Error(`controller exited with ${child.exitCode}:\n${await this.log()}`);
    });
  }

  /** Writes a manifest file the way editors and kubectl-like tools do: a temp file renamed into place. */
  async write(name: string, objects: unknown[]): Promise<void> {
    const tmp = join(this.manifests, `.${name}.tmp`);
    await writeFile(tmp, objects.map((o) => JSON.stringify(o)).join('\n---\n'));
    await rename(
      tmp,
      join(
        this.manifests,
        name.endsWith('.json') || name.endsWith('.yaml') || name.endsWith('.yml') ? name : `${name}.yaml`,
      ),
    );
  }

  async writeRaw(name: string, text: string): Promise<void> {
    const tmp = join(this.manifests, `.${name}.tmp`);
    await writeFile(tmp, text);
    await rename(tmp, join(this.manifests, name));
  }

  async remove(name: string): Promise<void> {
    await rm(join(this.manifests, name.includes('.') ? name : `${name}.yaml`), { force: true });
  }

  /** Sends an HTTP request through HAProxy with the given Host header. */
  get(host: string, path: string, headers: Record<string, string> = {}): Promise<HttpReply> {
    return httpGet(this.ports.http, path, { host, ...headers });
  }

  /** Sends an HTTPS request through HAProxy with SNI `servername`. */
  getTls(servername: string, path: string): Promise<HttpReply> {
    return httpsGet(this.ports.https, servername, path);
  }

  metrics(): Promise<string> {
    return httpGet(this.ports.controller, '/metrics').then((r) => r.body);
  }

  /**
   * `haproxy_reloads_total`, once it has stopped moving: a new worker can serve before the
   * controller has confirmed (and counted) its reload, so a single read can be one behind.
   */
  async reloads(): Promise<number> {
    const read = async () =>
      (await this.metrics())
        .split('\n')
        .filter((l) => l.startsWith('haproxy_reloads_total'))
        .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
    let last = await read();
    for (let i = 0; i < 20; i++) {
      await new Promise((r) => setTimeout(r, 150));
      const now = await read();
      if (now === last) return now;
      last = now;
    }
    return last;
  }

  /** `show proc` on the master CLI, retried while the master re-executes itself during a reload. */
  async showProc(): Promise<ProcessList> {
    const cli = new MasterCli(join(this.runtimeDir, 'master.sock'));
    let list: ProcessList | undefined;
    await eventually(async () => {
      list = await cli.showProc();
      if (list.workers.length === 0) throw new Error('no worker yet');
    }, 5_000);
    return list as ProcessList;
  }

  /** Runs commands on the worker's stats socket (Runtime API). */
  runtime(commands: string[]): Promise<string[]> {
    return runCommands(join(this.runtimeDir, 'haproxy.sock'), commands);
  }

  config(): Promise<string> {
    return readFile(join(this.configDir, 'haproxy.cfg'), 'utf8');
  }

  log(): Promise<string> {
    return readFile(this.logFile, 'utf8').catch(() => '');
  }

  /** Stops the controller with a signal and waits for it to exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (!this.child || this.child.exitCode !== null) return this.child?.exitCode ?? null;
    this.child.kill(signal);
    const timeout = setTimeout(() => this.child?.kill('SIGKILL'), 15_000);
    const code = await this.exit;
    clearTimeout(timeout);
    return code ?? null;
  }

  /**
   * Stops the controller and removes its files. Every scenario's config must
   * pass `haproxy -c` without a warning (the controller reports each as a
   * ConfigWarning problem): a test that means to cause one says so.
   */
  async cleanup(options: { allowConfigWarnings?: boolean } = {}): Promise<void> {
    await this.stop();
    const warnings = (await this.log())
      .split('\n')
      .filter((line) => line.includes('"reason":"ConfigWarning"'));
    await rm(this.dir, { recursive: true, force: true });
    if (!options.allowConfigWarnings && warnings.length > 0) {
      // Failing the file, not this hook: the test's other cleanups (pods, servers) still run.
      process.exitCode = 1;
      console.error(`haproxy -c warned about the rendered config:\n${warnings.join('\n')}`);
    }
  }
}
