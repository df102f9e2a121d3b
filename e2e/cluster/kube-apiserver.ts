/** The real kube-apiserver on a loopback port: RBAC, service account tokens, a static admin token. */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClusterPki } from './pki.ts';
import { httpsStatus, waitUntil } from './probe.ts';
import { ServerProcess } from './process.ts';

export const SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

export interface KubeApiserverOptions {
  binary: string;
  dir: string;
  port: number;
  etcdUrl: string;
  pki: ClusterPki;
  /** A static token file (`token,user,uid,"groups"`). */
  tokenFile: string;
  /** Used to probe /readyz. */
  adminToken: string;
}

export function serverUrl(port: number): string {
  return `https://127.0.0.1:${port}`;
}

export async function startKubeApiserver(
  options: KubeApiserverOptions,
  timeoutMs = 60_000,
): Promise<ServerProcess> {
  const { dir, pki } = options;
  const certDir = join(dir, 'apiserver-certs');
  await mkdir(certDir, { recursive: true });
  const apiserver = ServerProcess.start(
    'kube-apiserver',
    options.binary,
    [
      `--etcd-servers=${options.etcdUrl}`,
      `--secure-port=${options.port}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      // The `kubernetes` Service's endpoints would be 127.0.0.1, which Endpoints validation refuses.
      '--endpoint-reconciler-type=none',
      '--authorization-mode=RBAC',
      `--token-auth-file=${options.tokenFile}`,
      `--service-account-issuer=${SERVICE_ACCOUNT_ISSUER}`,
      `--service-account-key-file=${pki.serviceAccountPub}`,
      `--service-account-signing-key-file=${pki.serviceAccountKey}`,
      '--service-cluster-ip-range=10.96.0.0/16',
      `--tls-cert-file=${pki.servingCert}`,
      `--tls-private-key-file=${pki.servingKey}`,
      `--cert-dir=${certDir}`,
      '--profiling=false',
    ],
    join(dir, 'kube-apiserver.log'),
  );
  await waitUntil(
    apiserver,
    async () =>
      (await httpsStatus(`${serverUrl(options.port)}/readyz`, pki.caPem, options.adminToken)) === 200,
    timeoutMs,
  );
  return apiserver;
}
