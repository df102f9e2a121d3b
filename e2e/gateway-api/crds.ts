/**
 * The Gateway API CRDs the e2e API server installs: the standard channel of the release
 * pinned in this folder's go.mod (go.sum checks what the Go module proxy serves), fetched
 * with `go mod download` into the Go module cache. The CRDs read from there are kept as one
 * JSON file under `${XDG_CACHE_HOME:-~/.cache}/haproxy-sidecar-ingress/`, named by the hash
 * of go.mod and go.sum, so Go runs only until the pin changes.
 *
 * Run directly (`node e2e/gateway-api/crds.ts`) it fetches them if needed and lists them.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAll } from 'js-yaml';
import { cacheDir, goCommand, requiredVersion } from '../harness/go-binary.ts';

const MODULE_DIR = dirname(fileURLToPath(import.meta.url));
const MODULE = 'sigs.k8s.io/gateway-api';
const CHANNEL_DIR = 'config/crd/standard';

export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; annotations?: Record<string, string> };
  spec: {
    group: string;
    names: { kind: string; plural: string };
    scope: 'Namespaced' | 'Cluster';
    versions: { name: string; served: boolean; storage: boolean }[];
  };
}

export interface GatewayApiCrds {
  /** The pinned release, e.g. `v1.6.3`. */
  version: string;
  crds: CustomResourceDefinition[];
}

function output(command: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.once('error', (error) =>
      reject(
        (error as NodeJS.ErrnoException).code === 'ENOENT'
          ? new Error(`'${command}' not found: fetching the Gateway API CRDs needs Go`)
          : error,
      ),
    );
    // `go mod download -json` reports its own failures in the JSON, with a non-zero exit.
    child.once('exit', () => resolve(stdout));
  });
}

/** Downloads the pinned module into the Go module cache and reads the standard channel's CRDs from it. */
async function download(): Promise<CustomResourceDefinition[]> {
  const reply = JSON.parse(
    (await output(goCommand(), ['mod', 'download', '-json', MODULE], MODULE_DIR)) || '{}',
  ) as { Dir?: string; Error?: string };
  if (reply.Error || !reply.Dir)
    throw new Error(`go mod download ${MODULE}: ${reply.Error ?? 'no directory'}`);
  const dir = join(reply.Dir, CHANNEL_DIR);
  const crds: CustomResourceDefinition[] = [];
  for (const file of (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).sort())
    for (const document of loadAll(await readFile(join(dir, file), 'utf8')))
      if ((document as { kind?: string } | null)?.kind === 'CustomResourceDefinition')
        crds.push(document as CustomResourceDefinition);
  if (crds.length === 0) throw new Error(`no CustomResourceDefinition in ${dir}`);
  return crds;
}

/** The standard channel's CRDs of the pinned release, from the cache or fetched first. */
export async function gatewayApiCrds(): Promise<GatewayApiCrds> {
  const goMod = await readFile(join(MODULE_DIR, 'go.mod'), 'utf8');
  const goSum = await readFile(join(MODULE_DIR, 'go.sum'), 'utf8');
  const version = requiredVersion(goMod, MODULE);
  const hash = createHash('sha256').update(goMod).update('\0').update(goSum).digest('hex').slice(0, 16);
  const file = join(cacheDir(), `gateway-api-crds-${version}-${hash}.json`);
  try {
    return { version, crds: JSON.parse(await readFile(file, 'utf8')) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const crds = await download();
  await mkdir(dirname(file), { recursive: true });
  // Written aside and renamed: a concurrent reader sees the whole file or none.
  const partial = `${file}.partial-${process.pid}`;
  try {
    await writeFile(partial, JSON.stringify(crds));
    await rename(partial, file);
  } finally {
    await rm(partial, { force: true });
  }
  return { version, crds };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { version, crds } = await gatewayApiCrds();
  console.log(`Gateway API ${version}, standard channel:`);
  for (const crd of crds)
    console.log(
      `  ${crd.metadata.name} (${crd.spec.versions
        .filter((v) => v.served)
        .map((v) => v.name)
        .join(', ')})`,
    );
}
