/**
 * Builds the real kube-apiserver from the Go modules pinned in this folder, once per
 * go.mod/go.sum: the binary is cached under `${XDG_CACHE_HOME:-~/.cache}/haproxy-sidecar-ingress/`
 * with the hash of both files in its name, so a cached binary is reused until the pins change.
 * A lock directory keeps concurrent callers (several test files, `npm test` and a single test
 * run) from building twice: the others wait for the first build to land.
 *
 * Run directly (`node e2e/kube-apiserver/build.ts`) it builds if needed and prints the path
 * and how long it took; tests import `kubeApiserverBinary()`.
 * `KUBE_APISERVER_BIN` points at a ready binary instead.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { access, constants, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MODULE_DIR = dirname(fileURLToPath(import.meta.url));
const PACKAGE = 'k8s.io/kubernetes/cmd/kube-apiserver';
/** A cold build takes minutes; a lock older than this belongs to a build that died without cleaning up. */
const LOCK_STALE_MS = 45 * 60_000;
const LOCK_POLL_MS = 1_000;

export function cacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'haproxy-sidecar-ingress');
}

/** The Kubernetes release the module pins, e.g. `v1.36.3`, stamped into the binary's version. */
function kubernetesVersion(goMod: string): string {
  const match = /^\s*k8s\.io\/kubernetes\s+(v\d+\.\d+\.\d+\S*)/m.exec(goMod);
  if (!match?.[1]) throw new Error(`${join(MODULE_DIR, 'go.mod')} does not require k8s.io/kubernetes`);
  return match[1];
}

async function exists(path: string, mode = constants.F_OK): Promise<boolean> {
  return access(path, mode).then(
    () => true,
    () => false,
  );
}

/** `go` from PATH, else the official install location (its bin dir is not always on PATH). */
function goBinary(): string {
  const onPath = (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, 'go')));
  return !onPath && existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : 'go';
}

function run(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', (error) =>
      reject(
        (error as NodeJS.ErrnoException).code === 'ENOENT'
          ? new Error(`'${command}' not found: building kube-apiserver needs Go (see go.mod for the version)`)
          : error,
      ),
    );
    child.once('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? code})`)),
    );
  });
}

function ldflags(version: string): string {
  const [major, minor] = version.slice(1).split('.');
  const stamp = (pkg: string) => [
    `-X ${pkg}.gitVersion=${version}`,
    `-X ${pkg}.gitMajor=${major}`,
    `-X ${pkg}.gitMinor=${minor}`,
    `-X ${pkg}.gitTreeState=clean`,
  ];
  // -s -w: no symbol table or DWARF; the tests never debug the API server and linking is faster.
  return [
    '-s',
    '-w',
    ...stamp('k8s.io/component-base/version'),
    ...stamp('k8s.io/client-go/pkg/version'),
  ].join(' ');
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

export interface BuildResult {
  path: string;
  /** False when the cached binary was used as it was. */
  built: boolean;
  seconds: number;
}

/** Returns the path of a kube-apiserver binary for the pinned modules, building it first if needed. */
export async function ensureKubeApiserver(log: (line: string) => void = () => {}): Promise<BuildResult> {
  const started = performance.now();
  const override = process.env.KUBE_APISERVER_BIN;
  if (override) return { path: override, built: false, seconds: 0 };

  const goMod = await readFile(join(MODULE_DIR, 'go.mod'), 'utf8');
  const goSum = await readFile(join(MODULE_DIR, 'go.sum'), 'utf8');
  const version = kubernetesVersion(goMod);
  const hash = createHash('sha256')
    .update(goMod)
    .update('\0')
    .update(goSum)
    .update('\0')
    .update(ldflags(version))
    .digest('hex')
    .slice(0, 16);
  const dir = cacheDir();
  const binary = join(dir, `kube-apiserver-${version}-${hash}`);
  const lock = `${binary}.lock`;
  await mkdir(dir, { recursive: true });

  let waited = false;
  for (;;) {
    if (await exists(binary, constants.X_OK))
      return { path: binary, built: false, seconds: (performance.now() - started) / 1000 };
    if (await tryLock(lock)) break;
    if (!waited) log(`waiting for another build of kube-apiserver (${lock})`);
    waited = true;
    await new Promise((r) => setTimeout(r, LOCK_POLL_MS));
  }

  try {
    // Another caller may have finished between our check and taking the lock.
    if (await exists(binary, constants.X_OK))
      return { path: binary, built: false, seconds: (performance.now() - started) / 1000 };
    log(`building kube-apiserver ${version} from Go modules into ${binary} (cold: a few minutes)`);
    const partial = `${binary}.partial-${process.pid}`;
    try {
      await run(
        goBinary(),
        ['build', '-buildvcs=false', '-ldflags', ldflags(version), '-o', partial, PACKAGE],
        MODULE_DIR,
      );
      await rename(partial, binary);
    } finally {
      await rm(partial, { force: true });
    }
    return { path: binary, built: true, seconds: (performance.now() - started) / 1000 };
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await ensureKubeApiserver((line) => console.log(line));
  console.log(
    result.built
      ? `kube-apiserver built in ${result.seconds.toFixed(1)} s: ${result.path}`
      : `kube-apiserver cached: ${result.path}`,
  );
}
