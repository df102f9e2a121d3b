/** etcd for the test cluster: one member on loopback ports, its own data dir, no system service involved. */
import { join } from 'node:path';
import { waitUntil } from './probe.ts';
import { ServerProcess } from './process.ts';

export interface EtcdPorts {
  client: number;
  peer: number;
}

export function etcdUrl(ports: EtcdPorts): string {
  return `http://127.0.0.1:${ports.client}`;
}

async function healthy(ports: EtcdPorts): Promise<boolean> {
  try {
    const reply = await fetch(`${etcdUrl(ports)}/health`, { signal: AbortSignal.timeout(2_000) });
    return reply.ok && ((await reply.json()) as { health?: string }).health === 'true';
  } catch {
    return false;
  }
}

/** Starts etcd on `ports` with data in `dir/etcd-data` (kept across restarts) and waits until it is healthy. */
export async function startEtcd(dir: string, ports: EtcdPorts, timeoutMs = 30_000): Promise<ServerProcess> {
  const peerUrl = `http://127.0.0.1:${ports.peer}`;
  const etcd = ServerProcess.start(
    'etcd',
    process.env.ETCD_BIN || 'etcd',
    [
      '--name',
      'e2e',
      '--data-dir',
      join(dir, 'etcd-data'),
      '--listen-client-urls',
      etcdUrl(ports),
      '--advertise-client-urls',
      etcdUrl(ports),
      '--listen-peer-urls',
      peerUrl,
      '--initial-advertise-peer-urls',
      peerUrl,
      '--initial-cluster',
      `e2e=${peerUrl}`,
      // A single member has nobody to miss heartbeats from: elect itself fast after a restart.
      '--heartbeat-interval',
      '20',
      '--election-timeout',
      '200',
      '--logger',
      'zap',
      '--log-outputs',
      'stderr',
    ],
    join(dir, 'etcd.log'),
  );
  await waitUntil(etcd, () => healthy(ports), timeoutMs);
  return etcd;
}
