/**
 * Benchmark: time from a write through the real kube-apiserver to HAProxy
 * serving the change, in cluster mode with the manifests' ServiceAccount.
 *
 *   node bench/api-to-served.ts [rounds]     (default: 40 rounds of each kind)
 *
 * Kinds of write: an EndpointSlice change (Runtime API, no reload), a new
 * Ingress (reload), an Ingress edit (reload). Each round writes, then polls
 * HAProxy every 2 ms until the change is visible. Prints p50/p90/p99/max.
 * Traffic goes only to echo pods on loopback addresses.
 */
import { performance } from 'node:perf_hooks';
import {
  loopbackSlice,
  startClusterController,
  startClusterWithManifests,
} from '../e2e/harness/cluster-setup.ts';
import { ingress, service } from '../e2e/harness/objects.ts';
import { startPods } from '../e2e/harness/pods.ts';

const ROUNDS = Number(process.argv[2] ?? 40);
const NS = 'bench';

const started = performance.now();
const env = await startClusterWithManifests();
const clusterMs = performance.now() - started;
await env.cluster.ensureNamespace(NS);
const pods = await startPods('bench', 2);
const controller = await startClusterController(env);

const slice = (index: number) =>
  loopbackSlice('app', pods.port, [{ address: pods.addresses[index] as string }], NS);
const route = (name: string, host: string, path = '/') =>
  ingress(name, { rules: [{ host, paths: [{ path, service: 'app', port: 80 }] }] }, { namespace: NS });

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error('change not served in time');
}

async function measure(write: () => Promise<unknown>, served: () => Promise<boolean>): Promise<number> {
  const t0 = performance.now();
  await write();
  await until(served);
  return performance.now() - t0;
}

const stats = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted.at(-1) ?? NaN };
};

try {
  await env.cluster.apply([service('app', [{ port: 80 }], {}, NS), slice(0), route('base', 'base.example')]);
  await until(async () => (await controller.get('base.example', '/')).status === 200);

  const endpoints: number[] = [];
  const creates: number[] = [];
  const edits: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const target = (i + 1) % 2;
    endpoints.push(
      await measure(
        () => env.cluster.apply([slice(target)]),
        async () => {
          const reply = await controller.get('base.example', '/');
          return reply.status === 200 && reply.pod === `bench-${target + 1}`;
        },
      ),
    );
    creates.push(
      await measure(
        () => env.cluster.apply([route(`r${i}`, `r${i}.example`)]),
        async () => (await controller.get(`r${i}.example`, '/')).status === 200,
      ),
    );
    edits.push(
      await measure(
        () => env.cluster.apply([route(`r${i}`, `r${i}.example`, '/moved')]),
        async () => (await controller.get(`r${i}.example`, '/')).status === 404,
      ),
    );
  }
  const reloads = await controller.reloads();
  const line = (name: string, samples: number[]) => {
    const s = stats(samples);
    return `${name.padEnd(34)} p50 ${s.p50.toFixed(0).padStart(4)} ms   p90 ${s.p90.toFixed(0).padStart(4)} ms   p99 ${s.p99.toFixed(0).padStart(4)} ms   max ${s.max.toFixed(0).padStart(4)} ms`;
  };
  console.log(`cluster start (etcd + kube-apiserver + manifests): ${clusterMs.toFixed(0)} ms`);
  console.log(`API write → served, ${ROUNDS} rounds each:`);
  console.log(line('EndpointSlice change (Runtime API)', endpoints));
  console.log(line('new Ingress (reload)', creates));
  console.log(line('Ingress edit (reload)', edits));
  console.log(`reloads counted: ${reloads}`);
} finally {
  await controller.cleanup();
  await pods.stop();
  await env.cluster.stop();
}
