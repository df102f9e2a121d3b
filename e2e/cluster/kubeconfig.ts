/** Kubeconfig files for the test cluster: one bearer token, the cluster's CA inline. */
import { writeFile } from 'node:fs/promises';
import { dump } from 'js-yaml';

export interface KubeconfigSpec {
  server: string;
  caPem: string;
  user: string;
  token: string;
  namespace?: string;
}

export function kubeconfigYaml(spec: KubeconfigSpec): string {
  return dump({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'e2e',
        cluster: {
          server: spec.server,
          'certificate-authority-data': Buffer.from(spec.caPem).toString('base64'),
        },
      },
    ],
    users: [{ name: spec.user, user: { token: spec.token } }],
    contexts: [
      {
        name: 'e2e',
        context: {
          cluster: 'e2e',
          user: spec.user,
          ...(spec.namespace ? { namespace: spec.namespace } : {}),
        },
      },
    ],
    'current-context': 'e2e',
  });
}

/** Writes the kubeconfig readable by its owner only: it holds a token. */
export async function writeKubeconfig(path: string, spec: KubeconfigSpec): Promise<string> {
  await writeFile(path, kubeconfigYaml(spec), { mode: 0o600 });
  return path;
}
