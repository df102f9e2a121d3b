/**
 * Builds the real kube-apiserver from the Go modules pinned in this folder, once per
 * go.mod/go.sum, and caches it (e2e/harness/go-binary.ts: cache directory, lock against
 * concurrent builds).
 *
 * Run directly (`node e2e/kube-apiserver/build.ts`) it builds if needed and prints the path
 * and how long it took; tests import `ensureKubeApiserver()`.
 * `KUBE_APISERVER_BIN` points at a ready binary instead.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildResult, ensureGoBinary, requiredVersion } from '../harness/go-binary.ts';

const MODULE_DIR = dirname(fileURLToPath(import.meta.url));

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

/** Returns the path of a kube-apiserver binary for the pinned modules, building it first if needed. */
export async function ensureKubeApiserver(log: (line: string) => void = () => {}): Promise<BuildResult> {
  // The Kubernetes release the module pins, e.g. `v1.36.3`, stamped into the binary's version.
  const version = requiredVersion(await readFile(join(MODULE_DIR, 'go.mod'), 'utf8'), 'k8s.io/kubernetes');
  return ensureGoBinary(
    {
      name: 'kube-apiserver',
      moduleDir: MODULE_DIR,
      pkg: 'k8s.io/kubernetes/cmd/kube-apiserver',
      version,
      ldflags: ldflags(version),
      override: 'KUBE_APISERVER_BIN',
    },
    log,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await ensureKubeApiserver((line) => console.log(line));
  console.log(
    result.built
      ? `kube-apiserver built in ${result.seconds.toFixed(1)} s: ${result.path}`
      : `kube-apiserver cached: ${result.path}`,
  );
}
