/**
 * The runtime-first figures, in one run against real HAProxy (the controller
 * starts it, in local mode, as users run it):
 *
 *  - data path: requests/s through the generated config against a minimal
 *    hand-written config on the same HAProxy binary and thread count (1 host),
 *    and the same with 10,000 hosts configured;
 *  - scale: 10,000 Ingresses on 10,000 Services with 2 pods each, from the
 *    write to the first correct answer on the last host; HAProxy's and the
 *    controller's memory (RSS from /proc); an endpoint change and a
 *    route-only change on one of those backends, time to served and reloads;
 *  - reloads under load: failed requests while HAProxy reloads 20 times.
 *
 *   node bench/runtime-first.ts [--services N] [--seconds S]
 *
 * The controller runs as the image runs it: compiled, with the Dockerfile's
 * NODE_OPTIONS. Data-path runs pin the load and the proxy to separate CPUs.
 *
 * Load comes from wrk (Debian package); pods are loopback addresses: a small
 * HAProxy answering 200 for the data path, echo servers for the scale checks,
 * and addresses nobody listens on for the other 9,999 Services.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { QUIET_MS } from '../controller/reconcile/idle-gc.ts';
import { TestController } from '../e2e/harness/controller.ts';

import { freePort } from '../e2e/harness/net.ts';
import { type Pods, startPods } from '../e2e/harness/pods.ts';
import { eventually } from '../e2e/harness/wait.ts';

const { values: args } = parseArgs({
  options: {
    services: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '5' },
  },
});
const SERVICES = Number(args.services);
const SECONDS = Number(args.seconds);
/** Data-path runs of each config, taken in turns: the median of five rides out a noisy neighbour. */
const ROUNDS = 5;
const FILES = 100;
const HAPROXY_BIN = process.env.HAPROXY_BIN || 'haproxy';

type Json = Record<string, unknown>;

// ---------------------------------------------------------------- helpers

/**
 * The controller as the image runs it: compiled (`npm run build`) and with the Dockerfile's
 * NODE_OPTIONS, so that the memory and speed figures are the ones a deployment gets.
 */
function imageController(): { entry: string; env: Record<string, string> } {
  const root = fileURLToPath(new URL('..', import.meta.url));
  execFileSync('sh', [join(root, 'scripts/build.sh')], { stdio: 'inherit' });
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const nodeOptions = /^ENV NODE_OPTIONS="?([^"\n]*)"?$/m.exec(dockerfile)?.[1] ?? '';
  return { entry: join(root, 'dist/controller/cli/main.js'), env: { NODE_OPTIONS: nodeOptions } };
}
const IMAGE = imageController();
const startAsImage = (controller: TestController) => controller.start([], IMAGE.env, { entry: IMAGE.entry });

/**
 * Each timed change starts from an idle controller: HAProxy serves the previous change a few
 * milliseconds before the controller has written its files and logged the pass, and a change
 * written into that tail would time the tail, not the change.
 */
const idle = () => new Promise((resolve) => setTimeout(resolve, 100));

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};
const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const mib = (kib: number): string => `${fmt(kib / 1024, 0)} MiB`;

function rssKiB(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  try {
    const status = execFileSync('cat', [`/proc/${pid}/status`], { encoding: 'utf8' });
    return Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Every HAProxy process (master and workers) below the controller. */
function haproxyPids(controllerPid: number): number[] {
  const out = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,comm='], { encoding: 'utf8' });
  const rows = out
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .map(([pid, ppid, comm]) => ({ pid: Number(pid), ppid: Number(ppid), comm: comm ?? '' }));
  const below = new Set([controllerPid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const row of rows)
      if (below.has(row.ppid) && !below.has(row.pid)) {
        below.add(row.pid);
        grew = true;
      }
  }
  return rows.filter((r) => below.has(r.pid) && r.comm.startsWith('haproxy')).map((r) => r.pid);
}

interface WrkResult {
  rps: number;
  requests: number;
  errors: number;
}

/**
 * Data-path runs pin the load side (wrk and the pod) to one CPU and the HAProxy under test to
 * the other. Left to the scheduler on two cores, the three busy processes land differently from
 * run to run and the same config measures either ~30k or ~60k req/s, which makes any ratio noise.
 */
const LOAD_CPU = '0';
const PROXY_CPU = '1';
const CPUS = Number(execFileSync('nproc', { encoding: 'utf8' }).trim());
const pinned = (cpu: string, command: string, args: string[]): [string, string[]] =>
  CPUS >= 2 ? ['taskset', ['-c', cpu, command, ...args]] : [command, args];

/** Pins processes that already run (every thread of each) to `cpu`. */
function pin(pids: number[], cpu: string): void {
  if (CPUS < 2) return;
  for (const pid of pids) execFileSync('taskset', ['-a', '-p', '-c', cpu, String(pid)], { stdio: 'ignore' });
}

/** Runs wrk; `stop()` ends it early (SIGINT: it still prints its summary). */
function startWrk(port: number, host: string, seconds: number, connections = 50) {
  const child = spawn(
    ...pinned(LOAD_CPU, 'wrk', [
      '-t1',
      `-c${connections}`,
      `-d${seconds}s`,
      '-H',
      `Host: ${host}`,
      `http://127.0.0.1:${port}/`,
    ]),
  );
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  const result = new Promise<WrkResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', () => {
      const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? Number.NaN);
      const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
      const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
      const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
      const errors = (socket ? socket.slice(1).reduce((sum, v) => sum + Number(v), 0) : 0) + non2xx;
      if (Number.isNaN(rps)) reject(new Error(`wrk printed no rate:\n${out}`));
      else resolve({ rps, requests, errors });
    });
  });
  return { result, stop: () => child.kill('SIGINT') };
}

const wrk = (port: number, host: string, seconds: number): Promise<WrkResult> =>
  startWrk(port, host, seconds).result;

/** A standalone HAProxy with a config of our own: the pod, and the hand-written proxy. */
async function runHAProxy(
  dir: string,
  name: string,
  config: string,
  cpu: string,
): Promise<() => Promise<void>> {
  const file = join(dir, `${name}.cfg`);
  await writeFile(file, config);
  const child = spawn(...pinned(cpu, HAPROXY_BIN, ['-f', file]), { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 300));
  if (child.exitCode !== null) throw new Error(`${name}: haproxy exited with ${child.exitCode}`);
  return async () => {
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
  };
}

const DEFAULTS = `defaults
  mode http
  timeout connect 5s
  timeout client 30s
  timeout server 30s`;

// ---------------------------------------------------------------- objects

const slice = (name: string, namespace: string, port: number, addresses: string[]): Json => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: `${name}-abcde`, namespace, labels: { 'kubernetes.io/service-name': name } },
  addressType: 'IPv4',
  ports: [{ name: 'http', port, protocol: 'TCP' }],
  endpoints: addresses.map((address) => ({ addresses: [address], conditions: { ready: true } })),
});
const service = (name: string, namespace: string): Json => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace },
  spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
});
const ingress = (
  name: string,
  namespace: string,
  host: string,
  paths: { path: string; service: string }[],
): Json => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name, namespace },
  spec: {
    ingressClassName: 'haproxy',
    rules: [
      {
        host,
        http: {
          paths: paths.map((p) => ({
            path: p.path,
            pathType: 'Prefix',
            backend: { service: { name: p.service, port: { number: 80 } } },
          })),
        },
      },
    ],
  },
});
const ingressClass: Json = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'IngressClass',
  metadata: { name: 'haproxy' },
  spec: { controller: 'haproxy.org/ingress-controller' },
};
const configMap = (data: Record<string, string>): Json => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'haproxy-configmap', namespace: 'default' },
  data,
});

const namespaceOf = (i: number) => `team-${i % 4}`;
/** Addresses nobody listens on: 127.200-.x.y, two per Service. */
const idleAddress = (i: number, pod: number) =>
  `127.${200 + (i >> 14)}.${(i >> 6) & 255}.${((i & 63) << 2) + pod}`;

/** Files of the scale run: Service i has host app-i.bench.example; `real` maps a Service to live pods. */
/**
 * Files of the scale run. The Services the run changes have a file of their own, as one object
 * changes at a time in a cluster; the others share 100 files.
 */
function scaleFiles(n: number, real: Map<number, Pods>): Map<string, Json[]> {
  const files = new Map<string, Json[]>();
  const per = Math.ceil(n / FILES);
  for (let f = 0; f < FILES; f++) {
    for (let i = f * per; i < Math.min(n, (f + 1) * per); i++) {
      const objects = files.get(fileOf(i, n, real)) ?? [];
      files.set(fileOf(i, n, real), objects);
      const ns = namespaceOf(i);
      const pods = real.get(i);
      objects.push(service(`svc-${i}`, ns));
      objects.push(
        slice(
          `svc-${i}`,
          ns,
          pods?.port ?? 8080,
          pods ? pods.addresses.slice(0, 2) : [idleAddress(i, 1), idleAddress(i, 2)],
        ),
      );
      objects.push(ingress(`app-${i}`, ns, `app-${i}.bench.example`, [{ path: '/', service: `svc-${i}` }]));
    }
  }
  return files;
}

const fileOf = (i: number, n: number, own: ReadonlyMap<number, unknown>) =>
  own.has(i) ? `svc-${i}.yaml` : `apps-${String(Math.floor(i / Math.ceil(n / FILES))).padStart(3, '0')}.yaml`;

/** Where the controller's reconcile passes since `from` spent their time (its debug log). */
async function passPhases(controller: TestController, from: Date): Promise<string> {
  const passes = (await controller.log())
    .split('\n')
    .filter((line) => line.includes('"msg":"reconcile pass"'))
    .map((line) => JSON.parse(line) as { time: string; snapshotMs: number; modelMs: number; applyMs: number })
    .filter((pass) => new Date(pass.time) >= from);
  if (passes.length === 0) return 'none';
  const of = (key: 'snapshotMs' | 'modelMs' | 'applyMs') => fmt(median(passes.map((p) => p[key])));
  return `store ${of('snapshotMs')}, model ${of('modelMs')}, apply ${of('applyMs')} (${passes.length} passes)`;
}

// ---------------------------------------------------------------- sections

const rows: [string, string, string][] = [];
const row = (figure: string, value: string, target: string) => {
  rows.push([figure, value, target]);
  console.log(`  ${figure}: ${value}${target ? `   (target ${target})` : ''}`);
};

/** Requests/s: the generated config for one host, against a hand-written one. */
async function dataPath(
  dir: string,
): Promise<{ controller: TestController; podPort: number; stop: () => Promise<void> }> {
  console.log('\ndata path, 1 host, keep-alive, wrk -t1 -c50, HAProxy nbthread 1');
  const podPort = await freePort();
  const podAddress = '127.0.99.1';
  const stopPod = await runHAProxy(
    dir,
    'pod',
    `global\n  nbthread 1\n  maxconn 5000\n${DEFAULTS}\nfrontend pod\n  bind ${podAddress}:${podPort}\n  http-request return status 200 content-type text/plain string ok\n`,
    LOAD_CPU,
  );
  const handPort = await freePort();
  const stopHand = await runHAProxy(
    dir,
    'hand-written',
    `global\n  nbthread 1\n  maxconn 5000\n${DEFAULTS}\nfrontend http\n  bind 127.0.0.1:${handPort}\n  default_backend pod\nbackend pod\n  server pod ${podAddress}:${podPort}\n`,
    PROXY_CPU,
  );
  const controller = await TestController.create({
    'configmap.yaml': [configMap({ nbthread: '1', check: 'false', maxconn: '5000' })],
    'one.yaml': [
      ingressClass,
      service('pod', 'default'),
      slice('pod', 'default', podPort, [podAddress]),
      ingress('one', 'default', 'bench.example', [{ path: '/', service: 'pod' }]),
    ],
  });
  await startAsImage(controller);
  await eventually(async () => {
    if ((await controller.get('bench.example', '/')).status !== 200) throw new Error('not served yet');
  }, 10_000);

  // The controller's idle collection after its first pass is done before the runs start.
  await new Promise((r) => setTimeout(r, QUIET_MS + 1_000));
  pin(haproxyPids(controller.child?.pid as number), PROXY_CPU);
  const hand: number[] = [];
  const generated: number[] = [];
  await wrk(handPort, 'bench.example', 1);
  await wrk(controller.ports.http, 'bench.example', 1);
  for (let i = 0; i < ROUNDS; i++) {
    hand.push((await wrk(handPort, 'bench.example', SECONDS)).rps);
    generated.push((await wrk(controller.ports.http, 'bench.example', SECONDS)).rps);
  }
  await stopHand();
  const ratio = median(generated) / median(hand);
  row(`hand-written config, req/s (median of ${ROUNDS})`, fmt(median(hand)), '');
  row(`generated config, 1 host, req/s (median of ${ROUNDS})`, fmt(median(generated)), '');
  row('ratio generated / hand-written', fmt(ratio, 2), '≥ 0.90');
  return { controller, podPort, stop: stopPod };
}

/** Failed requests while HAProxy reloads 20 times under wrk's keep-alive load. */
async function reloadsUnderLoad(controller: TestController, podPort: number): Promise<void> {
  console.log('\n20 structural reloads under load (wrk -c50, keep-alive)');
  const before = await controller.reloads();
  const load = startWrk(controller.ports.http, 'bench.example', 600);
  const started = performance.now();
  for (let i = 0; i < 20; i++) {
    await controller.write('one.yaml', [
      ingressClass,
      {
        ...(service('pod', 'default') as Json),
        metadata: {
          name: 'pod',
          namespace: 'default',
          annotations: { 'haproxy.org/timeout-server': `${30 + i}s` },
        },
      },
      slice('pod', 'default', podPort, ['127.0.99.1']),
      ingress('one', 'default', 'bench.example', [{ path: '/', service: 'pod' }]),
    ]);
    await eventually(
      async () => {
        if ((await controller.reloads()) < before + i + 1) throw new Error('not reloaded yet');
      },
      20_000,
      20,
    );
  }
  const seconds = (performance.now() - started) / 1000;
  load.stop();
  const result = await load.result;
  row('reloads done', `${(await controller.reloads()) - before} in ${fmt(seconds, 1)} s`, '');
  row('requests during the reloads', fmt(result.requests), '');
  row('failed requests (socket errors + non-2xx)', fmt(result.errors), '0');
}

/**
 * `oneHost`: the data-path controller, still serving its one host. The 10,000-host figure is
 * measured in turns with it, so that the ratio compares runs minutes apart on a shared machine
 * no more than runs seconds apart.
 */
async function scale(dir: string, oneHost: TestController): Promise<void> {
  const n = SERVICES;
  console.log(`\nscale: ${fmt(n)} Ingresses on ${fmt(n)} Services, 2 pods each, ${FILES} manifest files`);
  const last = n - 1;
  const target = Math.floor(n / 2);
  const lastPods = await startPods('last', 2);
  const targetPods = await startPods('target', 8);
  const otherPods = await startPods('other', 1);
  const real = new Map<number, Pods>([
    [last, lastPods],
    [target, targetPods],
    [0, otherPods],
  ]);
  // Health checks hold a file descriptor per server: 20,000 pods need more than a 20,000 hard
  // limit allows (a cluster gives pods 1,048,576). Where the limit is too low they are off.
  const checks = hardFdLimit() > n * 3 + 1_000;
  if (!checks)
    console.log(`  health checks off: ${fmt(n * 3)} servers need more file descriptors than the hard limit`);
  const controller = await TestController.create({
    'class.yaml': [ingressClass],
    ...(checks ? {} : { 'configmap.yaml': [configMap({ check: 'false' })] }),
  });
  await startAsImage(controller);
  const files = scaleFiles(n, real);
  const started = performance.now();
  for (const [name, objects] of files) await controller.write(name, objects);
  const written = performance.now();
  await eventually(
    async () => {
      const reply = await controller.get(`app-${last}.bench.example`, '/');
      if (!reply.pod?.startsWith('last-')) throw new Error(`not yet: ${reply.status}`);
    },
    120_000,
    50,
  );
  const served = performance.now();
  row(
    'write to first correct answer on the last host',
    `${fmt((served - started) / 1000, 2)} s (files written in ${fmt((written - started) / 1000, 2)} s)`,
    '< 10 s',
  );

  const pid = controller.child?.pid as number;
  const settle = async () => {
    // Settled: no old worker left over from the reloads.
    await eventually(
      async () => {
        if ((await controller.showProc()).oldWorkers.length > 0) throw new Error('old workers remain');
      },
      60_000,
      200,
    );
    // And the controller's collection after its last expensive pass is done (idle-gc.ts), so
    // that its pause does not fall into a measurement.
    await new Promise((r) => setTimeout(r, QUIET_MS + 2_000));
  };
  await settle();
  const haproxyRss = haproxyPids(pid).reduce((sum, p) => sum + rssKiB(p), 0);
  row('HAProxy RSS, all processes, settled', mib(haproxyRss), '< 400 MiB');
  row('controller RSS, settled (peak)', `${mib(rssKiB(pid))} (${mib(rssKiB(pid, 'VmHWM'))})`, '< 300 MiB');
  const config = await readFile(join(controller.configDir, 'haproxy.cfg'), 'utf8');
  row(
    'haproxy.cfg size / server lines',
    `${mib(config.length / 1024)} / ${fmt(config.match(/^ {2}server /gm)?.length ?? 0)}`,
    '',
  );

  // An endpoint change on one backend: the target Service moves to another pod.
  const proc0 = await controller.showProc();
  const reloads0 = await controller.reloads();
  const endpointTimes: number[] = [];
  const endpointsFrom = new Date();
  /** The target's pod after the endpoint rounds: the route-only rounds keep it. */
  let targetPod = 0;
  for (let round = 0; round < 10; round++) {
    const pod = 2 + (round % 6);
    targetPod = pod;
    const name = fileOf(target, n, real);
    const objects = (files.get(name) as Json[]).map((o) =>
      o.kind === 'EndpointSlice' && (o.metadata as Json).name === `svc-${target}-abcde`
        ? slice(`svc-${target}`, namespaceOf(target), targetPods.port, [targetPods.addresses[pod] as string])
        : o,
    );
    await idle();
    const t0 = performance.now();
    await controller.write(name, objects);
    await eventually(
      async () => {
        const reply = await controller.get(`app-${target}.bench.example`, '/');
        if (reply.pod !== `target-${pod + 1}`) throw new Error('old pod');
      },
      10_000,
      2,
    );
    endpointTimes.push(performance.now() - t0);
  }
  row(
    'endpoint change on one backend: write to served (median / max of 10)',
    `${fmt(median(endpointTimes))} / ${fmt(Math.max(...endpointTimes))} ms`,
    '< 100 ms',
  );
  row("  the controller's passes for it (median ms)", await passPhases(controller, endpointsFrom), '');
  row(
    'same change: reloads',
    String(
      (await controller.reloads()) -
        reloads0 +
        (await controller.showProc()).master.reloads -
        proc0.master.reloads,
    ),
    '0',
  );

  // A route-only change: a new path on the target host, to a backend HAProxy already has.
  const reloads1 = await controller.reloads();
  const proc1 = await controller.showProc();
  const routeTimes: number[] = [];
  const routesFrom = new Date();
  for (let round = 0; round < 5; round++) {
    const name = fileOf(target, n, real);
    const path = `/moved-${round}`;
    const objects = (files.get(name) as Json[]).map((o) =>
      o.kind === 'Ingress' && (o.metadata as Json).name === `app-${target}`
        ? ingress(`app-${target}`, namespaceOf(target), `app-${target}.bench.example`, [
            { path: '/', service: `svc-${target}` },
            { path, service: 'svc-0' },
          ])
        : o.kind === 'EndpointSlice' && (o.metadata as Json).name === `svc-${target}-abcde`
          ? slice(`svc-${target}`, namespaceOf(target), targetPods.port, [
              targetPods.addresses[targetPod] as string,
            ])
          : o,
    );
    await idle();
    const t0 = performance.now();
    await controller.write(name, objects);
    await eventually(
      async () => {
        const reply = await controller.get(`app-${target}.bench.example`, `${path}/x`);
        if (reply.pod !== 'other-1') throw new Error('not routed yet');
      },
      10_000,
      2,
    );
    routeTimes.push(performance.now() - t0);
  }
  row(
    'route-only change: write to served (median / max of 5)',
    `${fmt(median(routeTimes))} / ${fmt(Math.max(...routeTimes))} ms`,
    '< 50 ms',
  );
  row("  the controller's passes for it (median ms)", await passPhases(controller, routesFrom), '');
  row(
    'same change: reloads',
    String(
      (await controller.reloads()) -
        reloads1 +
        (await controller.showProc()).master.reloads -
        proc1.master.reloads,
    ),
    '0',
  );

  // The data path with every host configured: the pod HAProxy sits behind the last host.
  const podPort = await freePort();
  const stopPod = await runHAProxy(
    dir,
    'pod-scale',
    `global\n  nbthread 1\n  maxconn 5000\n${DEFAULTS}\nfrontend pod\n  bind 127.0.98.1:${podPort}\n  http-request return status 200 content-type text/plain string ok\n`,
    LOAD_CPU,
  );
  await controller.write('configmap.yaml', [configMap({ nbthread: '1', check: 'false', maxconn: '5000' })]);
  const lastFile = fileOf(last, n, real);
  await controller.write(
    lastFile,
    (files.get(lastFile) as Json[]).map((o) =>
      o.kind === 'EndpointSlice' && (o.metadata as Json).name === `svc-${last}-abcde`
        ? slice(`svc-${last}`, namespaceOf(last), podPort, ['127.0.98.1'])
        : o,
    ),
  );
  await eventually(
    async () => {
      const config = await readFile(join(controller.configDir, 'haproxy.cfg'), 'utf8');
      if (!/^ {2}nbthread 1$/m.test(config)) throw new Error('not reloaded yet');
      const reply = await controller.get(`app-${last}.bench.example`, '/');
      if (reply.status !== 200 || reply.pod) throw new Error('pod not in place yet');
    },
    120_000,
    100,
  );
  await settle();
  pin(haproxyPids(pid), PROXY_CPU);
  pin(haproxyPids(oneHost.child?.pid as number), PROXY_CPU);
  const host = `app-${last}.bench.example`;
  await wrk(controller.ports.http, host, 1);
  await wrk(oneHost.ports.http, 'bench.example', 1);
  const scaled: number[] = [];
  const single: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    single.push((await wrk(oneHost.ports.http, 'bench.example', SECONDS)).rps);
    scaled.push((await wrk(controller.ports.http, host, SECONDS)).rps);
  }
  row(
    `generated config, 1 host, req/s, in turns with the next (median of ${ROUNDS})`,
    fmt(median(single)),
    '',
  );
  row(`generated config, ${fmt(n)} hosts, req/s on one (median of ${ROUNDS})`, fmt(median(scaled)), '');
  row(`ratio ${fmt(n)} hosts / 1 host`, fmt(median(scaled) / median(single), 2), '≥ 0.95');

  await stopPod();
  await controller.cleanup();
  for (const pods of real.values()) await pods.stop();
}

/**
 * 10,000 Services with health checks need one file descriptor per server: more than a
 * 20,000 hard limit holds, and less than what clusters give pods (1,048,576 is usual).
 * Raised for this process and what it starts where allowed; the figure is printed.
 */
function raiseFdLimit(): string {
  try {
    execFileSync('prlimit', ['--pid', String(process.pid), '--nofile=262144:262144'], { stdio: 'ignore' });
  } catch {
    // Not allowed here: the run shows the limit it had.
  }
  const limits = execFileSync('cat', [`/proc/${process.pid}/limits`], { encoding: 'utf8' });
  return /^Max open files\s+(\S+)\s+(\S+)/m.exec(limits)?.slice(1, 3).join(' / ') ?? 'unknown';
}

function hardFdLimit(): number {
  const limits = execFileSync('cat', [`/proc/${process.pid}/limits`], { encoding: 'utf8' });
  const hard = /^Max open files\s+\S+\s+(\S+)/m.exec(limits)?.[1];
  return hard === undefined || hard === 'unlimited' ? Number.POSITIVE_INFINITY : Number(hard);
}

async function main(): Promise<void> {
  const fdLimit = raiseFdLimit();
  const version = execFileSync(HAPROXY_BIN, ['-v'], { encoding: 'utf8' }).split('\n')[0];
  console.log(
    `runtime-first benchmark: node ${process.version}, ${version}, ${process.env.HAPROXY_BIN ?? 'haproxy'}, open files (soft / hard) ${fdLimit}`,
  );
  console.log(
    `controller: compiled (npm run build), NODE_OPTIONS=${IMAGE.env.NODE_OPTIONS} (the Dockerfile's); data path: wrk and the pod on CPU ${LOAD_CPU}, the HAProxy under test on CPU ${PROXY_CPU}`,
  );
  const dir = await mkdtemp(join(tmpdir(), 'hsi-bench-'));
  try {
    const one = await dataPath(dir);
    await reloadsUnderLoad(one.controller, one.podPort);
    await scale(dir, one.controller);
    await one.controller.cleanup();
    await one.stop();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  console.log('\nsummary');
  const width = Math.max(...rows.map((r) => r[0].length));
  for (const [figure, value, target] of rows)
    console.log(`${figure.padEnd(width)}  ${value.padStart(24)}  ${target}`);
}

await main();
