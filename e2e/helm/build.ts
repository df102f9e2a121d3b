/**
 * Builds the helm CLI from the Go modules pinned in this folder, once per go.mod/go.sum, and
 * caches it (e2e/harness/go-binary.ts: cache directory, lock against concurrent builds), the
 * way e2e/kube-apiserver/build.ts builds the API server.
 *
 * Run directly (`node e2e/helm/build.ts`) it builds if needed and prints the path and how long
 * it took; tests and scripts import `ensureHelm()`. `HELM_BIN` points at a ready binary instead.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildResult, ensureGoBinary, requiredVersion } from '../harness/go-binary.ts';

const MODULE_DIR = dirname(fileURLToPath(import.meta.url));

/** The link flags of helm's own Makefile: its version, and the Kubernetes version `helm template` assumes. */
function ldflags(version: string, clientGo: string): string {
  const [, minor] = clientGo.slice(1).split('.');
  return [
    '-s',
    '-w',
    `-X helm.sh/helm/v3/internal/version.version=${version}`,
    '-X helm.sh/helm/v3/internal/version.gitTreeState=clean',
    ...['pkg/lint/rules', 'pkg/chartutil'].flatMap((pkg) => [
      `-X helm.sh/helm/v3/${pkg}.k8sVersionMajor=1`,
      `-X helm.sh/helm/v3/${pkg}.k8sVersionMinor=${minor}`,
    ]),
  ].join(' ');
}

/** Returns the path of a helm binary for the pinned modules, building it first if needed. */
export async function ensureHelm(log: (line: string) => void = () => {}): Promise<BuildResult> {
  const goMod = await readFile(join(MODULE_DIR, 'go.mod'), 'utf8');
  const version = requiredVersion(goMod, 'helm.sh/helm/v3');
  return ensureGoBinary(
    {
      name: 'helm',
      moduleDir: MODULE_DIR,
      pkg: 'helm.sh/helm/v3/cmd/helm',
      version,
      ldflags: ldflags(version, requiredVersion(goMod, 'k8s.io/client-go')),
      override: 'HELM_BIN',
    },
    log,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await ensureHelm((line) => console.log(line));
  console.log(
    result.built
      ? `helm built in ${result.seconds.toFixed(1)} s: ${result.path}`
      : `helm cached: ${result.path}`,
  );
}
