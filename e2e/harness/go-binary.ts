/**
 * Builds a command from the Go modules pinned in a folder of this repository (its go.mod
 * and go.sum), once per pin: the binary is cached under
 * `${XDG_CACHE_HOME:-~/.cache}/haproxy-sidecar-ingress/` with the hash of go.mod, go.sum and
 * the link flags in its name, so a cached binary is reused until the pins change.
 * A lock directory keeps concurrent callers (several test files, `npm test` and a single test
 * run) from building twice: the others wait for the first build to land.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { access, constants, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** A cold build takes minutes; a lock older than this belongs to a build that died without cleaning up. */
const LOCK_STALE_MS = 45 * 60_000;
const LOCK_POLL_MS = 1_000;

export interface GoBinarySpec {
  /** File name prefix in the cache, e.g. `helm`. */
  name: string;
  /** The folder holding go.mod and go.sum. */
  moduleDir: string;
  /** The main package to build, e.g. `helm.sh/helm/v3/cmd/helm`. */
  pkg: string;
  /** The release the module pins, part of the cached file's name. */
  version: string;
  ldflags: string;
  /** An environment variable that, when set, names a ready binary to use instead. */
  override: string;
}

export interface BuildResult {
  path: string;
  /** False when the cached binary was used as it was. */
  built: boolean;
  seconds: number;
}

export function cacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'haproxy-sidecar-ingress');
}

/** The version a go.mod requires of a module, e.g. `v3.22.0` for `helm.sh/helm/v3`. */
export function requiredVersion(goMod: string, module: string): string {
  const escaped = module.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`^\\s*(?:require\\s+)?${escaped}\\s+(v\\d+\\.\\d+\\.\\d+\\S*)`, 'm').exec(goMod);
  if (!match?.[1]) throw new Error(`go.mod does not require ${module}`);
  return match[1];
}

async function exists(path: string, mode = constants.F_OK): Promise<boolean> {
  return access(path, mode).then(
    () => true,
    () => false,
  );
}

/** `go` from PATH, else the official install location (its bin dir is not always on PATH). */
export function goCommand(): string {
  const onPath = (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, 'go')));
  return !onPath && existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : 'go';
}

function run(command: string, args: string[], cwd: string, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', (error) =>
      reject(
        (error as NodeJS.ErrnoException).code === 'ENOENT'
          ? new Error(`'${command}' not found: building ${what} needs Go (see go.mod for the version)`)
          : error,
      ),
    );
    child.once('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? code})`)),
    );
  });
}

/** Takes the lock directory, or returns false while another live build holds it. */
async function tryLock(lock: string): Promise<boolean> {
  try {
    await mkdir(lock);
    await writeFile(join(lock, 'owner'), `${process.pid}\n${Date.now()}\n`);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const [pid, since] = (await readFile(join(lock, 'owner'), 'utf8').catch(() => '')).split('\n').map(Number);
  const ownerAlive = pid !== undefined && pid > 0 && isAlive(pid);
  // An owner file not written yet means the lock was taken a moment ago.
  const stale = since !== undefined && since > 0 && (!ownerAlive || Date.now() - since > LOCK_STALE_MS);
  if (stale) await rm(lock, { recursive: true, force: true });
  return false;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Returns the path of the binary for the pinned modules, building it first if needed. */
export async function ensureGoBinary(
  spec: GoBinarySpec,
  log: (line: string) => void = () => {},
): Promise<BuildResult> {
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const override = process.env[spec.override];
  if (override) return { path: override, built: false, seconds: 0 };

  const goMod = await readFile(join(spec.moduleDir, 'go.mod'), 'utf8');
  const goSum = await readFile(join(spec.moduleDir, 'go.sum'), 'utf8');
  const hash = createHash('sha256')
    .update(goMod)
    .update('\0')
    .update(goSum)
    .update('\0')
    .update(spec.ldflags)
    .digest('hex')
    .slice(0, 16);
  const dir = cacheDir();
  const binary = join(dir, `${spec.name}-${spec.version}-${hash}`);
  const lock = `${binary}.lock`;
  await mkdir(dir, { recursive: true });

  let waited = false;
  for (;;) {
    if (await exists(binary, constants.X_OK)) return { path: binary, built: false, seconds: elapsed() };
    if (await tryLock(lock)) break;
    if (!waited) log(`waiting for another build of ${spec.name} (${lock})`);
    waited = true;
    await new Promise((r) => setTimeout(r, LOCK_POLL_MS));
  }

  try {
    // Another caller may have finished between our check and taking the lock.
    if (await exists(binary, constants.X_OK)) return { path: binary, built: false, seconds: elapsed() };
    log(`building ${spec.name} ${spec.version} from Go modules into ${binary}`);
    const partial = `${binary}.partial-${process.pid}`;
    try {
      await run(
        goCommand(),
        ['build', '-buildvcs=false', '-ldflags', spec.ldflags, '-o', partial, spec.pkg],
        spec.moduleDir,
        spec.name,
      );
      await rename(partial, binary);
    } finally {
      await rm(partial, { force: true });
    }
    return { path: binary, built: true, seconds: elapsed() };
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}
