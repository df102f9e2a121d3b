/**
 * The same changes made on an Ingress and on an HTTPRoute, side by side,
 * against real HAProxy (the controller starts it, in local mode): from the
 * write of the manifest to the first request answered as the change says,
 * and how many reloads it took. N hosts are routed by Ingresses and N by
 * HTTPRoutes of one Gateway, each to its own Service with 2 pods.
 *
 *  - a new path to a backend HAProxy already has (route map over the Runtime API);
 *  - a pod change on a backend (servers over the Runtime API);
 *  - HTTPRoute only: the weights of a split changed (splits map over the
 *    Runtime API), a backend variant changed by a filter, and a header match
 *    added (a rule group: haproxy.cfg, one reload).
 *
 *   node bench/gateway-api.ts [--hosts N] [--rounds R]
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gateway, gatewayClass, httpRoute, ref } from '../controller/model/gateway/gateway-fixtures.ts';
import { TestController } from '../e2e/harness/controller.ts';
import { endpointSlice, ingress, service } from '../e2e/harness/objects.ts';
import { type Pods, startPods } from '../e2e/harness/pods.ts';
import { eventually } from '../e2e/harness/wait.ts';

const { values: args } = parseArgs({
  options: {
    hosts: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '3' },
  },
});
const HOSTS = Number(args.hosts);
const ROUNDS = Number(args.rounds);
const SECONDS = Number(args.seconds);
const HAPROXY_BIN = process.env.HAPROXY_BIN || 'haproxy';

type Json = Record<string, unknown>;

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const idle = (i: number, pod: number) => `127.${210 + (i >> 14)}.${(i >> 6) & 255}.${((i & 63) << 2) + pod}`;

/** Service `name` on port 80, its pods real (`pods`) or idle addresses. */
function serviceWithPods(name: string, i: number, pods?: Pods, podIndexes = [0, 1]): Json[] {
  return [
    service(name, [{ port: 80 }]),
    endpointSlice(
      name,
      { port: pods?.port ?? 8080 },
      podIndexes.map((p) =>
        pods ? { address: pods.addresses[p] as string, name: pods.names[p] } : { address: idle(i, p + 1) },
      ),
    ),
  ];
}

const ingressFor = (i: number, paths: { path: string; service: string }[]) =>
  ingress(`ing-${i}`, {
    rules: [{ host: `ing-${i}.bench.example`, paths: paths.map((p) => ({ ...p, port: 80 })) }],
  });

const routeFor = (i: number, rules: Json[]) =>
  httpRoute(`route-${i}`, { parentRefs: [{ name: 'bench' }], hostnames: [`gw-${i}.bench.example`], rules });

const plain = (path: string, backend: string): Json => ({
  matches: [{ path: { type: 'PathPrefix', value: path } }],
  backendRefs: [ref(backend)],
});

interface Figure {
  change: string;
  ingress?: { ms: number[]; reloads: number };
  httpRoute?: { ms: number[]; reloads: number };
}

async function main(): Promise<void> {
  const version = execFileSync(HAPROXY_BIN, ['-v'], { encoding: 'utf8' }).split('\n')[0];
  console.log(`Gateway API next to Ingress: node ${process.version}, ${version}`);
  console.log(
    `${fmt(HOSTS)} hosts by Ingress and ${fmt(HOSTS)} by HTTPRoute, one Service with 2 pods each\n`,
  );
  // The measured hosts (index 0) get live pods: 8 to move between, and a second Service.
  const ingPods = await startPods('ing', 8);
  const gwPods = await startPods('gw', 8);
  const other = await startPods('other', 1);
  const objects = (i: number, kind: 'ing' | 'gw'): Json[] => {
    const live = i === 0 ? (kind === 'ing' ? ingPods : gwPods) : undefined;
    return serviceWithPods(`${kind}-${i}`, kind === 'ing' ? i : HOSTS + i, live);
  };
  const controller = await TestController.create({
    'gateway.yaml': [gatewayClass(), gateway('bench', [{ name: 'http', port: 80 }])],
    // `other` is referenced from the start: new routes to it need no new backend.
    'other.yaml': [
      ...serviceWithPods('other', 0, other, [0]),
      ingress('other', {
        rules: [{ host: 'other.bench.example', paths: [{ path: '/', service: 'other', port: 80 }] }],
      }),
    ],
  });
  await controller.start();
  const files = 20;
  const per = Math.ceil(HOSTS / files);
  const started = performance.now();
  for (let f = 0; f < files; f++) {
    const ing: Json[] = [];
    const gw: Json[] = [];
    for (let i = f * per; i < Math.min(HOSTS, (f + 1) * per); i++) {
      ing.push(...objects(i, 'ing'), ingressFor(i, [{ path: '/', service: `ing-${i}` }]));
      gw.push(...objects(i, 'gw'), routeFor(i, [plain('/', `gw-${i}`)]));
    }
    await controller.write(`ing-${f}.yaml`, ing);
    await controller.write(`gw-${f}.yaml`, gw);
  }
  const last = HOSTS - 1;
  await eventually(
    async () => {
      for (const host of [`ing-${last}.bench.example`, `gw-${last}.bench.example`])
        if ((await controller.get(host, '/')).status !== 503) throw new Error(`${host} not routed yet`);
    },
    120_000,
    50,
  );
  console.log(`initial load served in ${fmt((performance.now() - started) / 1000, 2)} s`);

  const file0 = (kind: 'ing' | 'gw', extra: Json[]) => {
    const objs: Json[] = [];
    for (let i = 0; i < per; i++) {
      if (i === 0) continue;
      objs.push(
        ...objects(i, kind),
        kind === 'ing'
          ? ingressFor(i, [{ path: '/', service: `ing-${i}` }])
          : routeFor(i, [plain('/', `gw-${i}`)]),
      );
    }
    return [...objs, ...extra];
  };

  /** Writes `write()` R times, each until `served(round)` holds; time and reloads. */
  async function measure(
    write: (round: number) => Promise<void>,
    served: (round: number) => Promise<boolean>,
  ) {
    const reloads = await controller.reloads();
    const proc = await controller.showProc();
    const ms: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const t0 = performance.now();
      await write(round);
      await eventually(
        async () => {
          if (!(await served(round))) throw new Error('not served yet');
        },
        30_000,
        2,
      );
      ms.push(performance.now() - t0);
    }
    const counted = (await controller.reloads()) - reloads;
    const master = (await controller.showProc()).master.reloads - proc.master.reloads;
    return { ms, reloads: Math.max(counted, master) };
  }

  const podOf = async (host: string, path: string, headers: Record<string, string> = {}) =>
    (await controller.get(host, path, headers)).pod;
  const figures: Figure[] = [];

  // A new path to a backend HAProxy already has.
  figures.push({
    change: 'new path to an existing backend',
    ingress: await measure(
      (round) =>
        controller.write(
          'ing-0.yaml',
          file0('ing', [
            ...objects(0, 'ing'),
            ingressFor(0, [
              { path: '/', service: 'ing-0' },
              { path: `/p${round}`, service: 'other' },
            ]),
          ]),
        ),
      async (round) => (await podOf('ing-0.bench.example', `/p${round}/x`)) === 'other-1',
    ),
    httpRoute: await measure(
      (round) =>
        controller.write(
          'gw-0.yaml',
          file0('gw', [...objects(0, 'gw'), routeFor(0, [plain('/', 'gw-0'), plain(`/p${round}`, 'other')])]),
        ),
      async (round) => (await podOf('gw-0.bench.example', `/p${round}/x`)) === 'other-1',
    ),
  });

  // A pod change: the Service moves to another pod.
  const moved = (kind: 'ing' | 'gw', round: number, route: Json) => {
    const pods = kind === 'ing' ? ingPods : gwPods;
    return [...serviceWithPods(`${kind}-0`, 0, pods, [2 + round]), route];
  };
  figures.push({
    change: 'a pod change on a backend',
    ingress: await measure(
      (round) =>
        controller.write(
          'ing-0.yaml',
          file0('ing', moved('ing', round, ingressFor(0, [{ path: '/', service: 'ing-0' }]))),
        ),
      async (round) => (await podOf('ing-0.bench.example', '/')) === `ing-${3 + round}`,
    ),
    httpRoute: await measure(
      (round) =>
        controller.write('gw-0.yaml', file0('gw', moved('gw', round, routeFor(0, [plain('/', 'gw-0')])))),
      async (round) => (await podOf('gw-0.bench.example', '/')) === `gw-${3 + round}`,
    ),
  });

  // Weights: a rule split between the host's Service and another; the split changes.
  const splitRoute = (weight: number) =>
    routeFor(0, [{ backendRefs: [ref('gw-0', 80, { weight: 100 - weight }), ref('other', 80, { weight })] }]);
  await controller.write(
    'gw-0.yaml',
    file0('gw', [...serviceWithPods('gw-0', 0, gwPods, [6]), splitRoute(50)]),
  );
  await eventually(async () => {
    if ((await podOf('gw-0.bench.example', '/')) === undefined) throw new Error('no pod');
  }, 30_000);
  /** Points of the splits map (out of 1,000,000) the backend of `other` holds, as HAProxy has it. */
  const otherPoints = async () => {
    const [answer = ''] = await controller.runtime([`show map ${controller.configDir}/maps/splits.map`]);
    return answer
      .split('\n')
      .filter((line) => line.endsWith(' default_other_80'))
      .map((line) => line.split(' ')[1]?.split(':').map(Number) ?? [])
      .reduce((sum, [from = 0, to = -1]) => sum + to - from + 1, 0);
  };
  figures.push({
    change: 'the weights of a split',
    httpRoute: await measure(
      (round) =>
        controller.write(
          'gw-0.yaml',
          file0('gw', [...serviceWithPods('gw-0', 0, gwPods, [6]), splitRoute(round % 2 === 0 ? 30 : 70)]),
        ),
      async (round) => (await otherPoints()) === (round % 2 === 0 ? 300_000 : 700_000),
    ),
  });

  // A filter (a new backend variant) and a header match (a rule group): both change haproxy.cfg.
  figures.push({
    change: 'a request header filter (new backend variant)',
    httpRoute: await measure(
      (round) =>
        controller.write(
          'gw-0.yaml',
          file0('gw', [
            ...serviceWithPods('gw-0', 0, gwPods, [6]),
            routeFor(0, [
              {
                filters: [
                  {
                    type: 'RequestHeaderModifier',
                    requestHeaderModifier: { set: [{ name: 'X-Round', value: String(round) }] },
                  },
                ],
                backendRefs: [ref('gw-0')],
              },
            ]),
          ]),
        ),
      async (round) => {
        const reply = await controller.get('gw-0.bench.example', '/');
        return (
          reply.status === 200 &&
          (JSON.parse(reply.body) as { headers: Json }).headers['x-round'] === String(round)
        );
      },
    ),
  });
  figures.push({
    change: 'a header match added (rule group)',
    httpRoute: await measure(
      (round) =>
        controller.write(
          'gw-0.yaml',
          file0('gw', [
            ...serviceWithPods('gw-0', 0, gwPods, [6]),
            routeFor(0, [
              plain('/', 'gw-0'),
              {
                matches: [{ headers: [{ name: 'x-round', value: String(round) }] }],
                backendRefs: [ref('other')],
              },
            ]),
          ]),
        ),
      async (round) => (await podOf('gw-0.bench.example', '/', { 'x-round': String(round) })) === 'other-1',
    ),
  });

  console.log(`\nwrite to served, median / max of ${ROUNDS}, and reloads for the ${ROUNDS} changes`);
  const cell = (m: { ms: number[]; reloads: number } | undefined) =>
    m ? `${fmt(median(m.ms))} / ${fmt(Math.max(...m.ms))} ms, ${m.reloads} reloads` : '-';
  const width = Math.max(...figures.map((f) => f.change.length));
  console.log(`${'change'.padEnd(width)}  ${'Ingress'.padEnd(30)}  HTTPRoute`);
  for (const f of figures)
    console.log(`${f.change.padEnd(width)}  ${cell(f.ingress).padEnd(30)}  ${cell(f.httpRoute)}`);

  await dataPath(controller);

  const reasons = (await controller.log())
    .split('\n')
    .filter((line) => line.includes('"msg":"HAProxy reloaded"'))
    .map((line) => (JSON.parse(line) as { reason: string }).reason);
  console.log(`\nreload reasons, in order: ${reasons.join('; ')}`);
  await controller.cleanup();
  for (const pods of [ingPods, gwPods, other]) await pods.stop();
}

await main();

/** Requests/s of wrk (1 thread, 50 keep-alive connections) on one host. */
function wrk(port: number, host: string, seconds: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', [
      '-t1',
      '-c50',
      `-d${seconds}s`,
      '-H',
      `Host: ${host}`,
      `http://127.0.0.1:${port}/`,
    ]);
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.on('error', reject);
    child.on('exit', () => {
      const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? Number.NaN);
      if (Number.isNaN(rps) || /Non-2xx/.test(out)) reject(new Error(`wrk: ${out}`));
      else resolve(rps);
    });
  });
}

/**
 * What a split and a rule group cost a request: req/s on a host with a plain
 * route, a 50/50 split between two backends, and a header match (rule group),
 * the pod being a small HAProxy that answers 200 itself (both Services of the
 * split point at it).
 */
async function dataPath(controller: TestController): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'hsi-gw-bench-'));
  // One pod: the Services below share it, so that only the routing differs between hosts.
  const pods: { port: number; stop: () => void }[] = [];
  try {
    for (const address of ['127.0.98.11']) {
      const port = 20_000 + Math.floor(Math.random() * 30_000);
      const cfg = join(dir, `${address}.cfg`);
      await writeFile(
        cfg,
        `global\n  nbthread 1\n  maxconn 5000\ndefaults\n  mode http\n  timeout connect 5s\n  timeout client 30s\n  timeout server 30s\nfrontend pod\n  bind ${address}:${port}\n  http-request return status 200 content-type text/plain string ok\n`,
      );
      const child = spawn(HAPROXY_BIN, ['-f', cfg], { stdio: 'ignore' });
      pods.push({ port, stop: () => child.kill() });
    }
    const pod = pods[0] as { port: number };
    const podService = (name: string, address: string, port: number): Json[] => [
      service(name, [{ port: 80 }]),
      endpointSlice(name, { port }, [{ address }]),
    ];
    const route = (name: string, rules: Json[]) =>
      httpRoute(name, { parentRefs: [{ name: 'bench' }], hostnames: [`${name}.path.example`], rules });
    await controller.write('data-path.yaml', [
      // Two Services on the same pod: every host ends at the same pod, whatever the routing did.
      ...podService('pod-a', '127.0.98.11', pod.port),
      ...podService('pod-b', '127.0.98.11', pod.port),
      route('plain', [{ backendRefs: [ref('pod-a')] }]),
      route('split', [{ backendRefs: [ref('pod-a', 80, { weight: 50 }), ref('pod-b', 80, { weight: 50 })] }]),
      route('group', [
        { backendRefs: [ref('pod-a')] },
        { matches: [{ headers: [{ name: 'x-never', value: 'sent' }] }], backendRefs: [ref('pod-b')] },
      ]),
    ]);
    await eventually(
      async () => {
        for (const host of ['plain', 'split', 'group'])
          if ((await controller.get(`${host}.path.example`, '/')).body !== 'ok')
            throw new Error(`${host} not yet`);
      },
      30_000,
      50,
    );
    console.log(
      `\ndata path, req/s (wrk -t1 -c50, median of 5 × ${SECONDS} s, interleaved; the pod answers 200 itself)`,
    );
    // Interleaved, so that the machine's drift spreads over the three alike.
    const hosts = ['plain', 'split', 'group'] as const;
    const runs = new Map<string, number[]>(hosts.map((h) => [h, []]));
    for (const host of hosts) await wrk(controller.ports.http, `${host}.path.example`, 1);
    for (let i = 0; i < 5; i++)
      for (const host of hosts)
        runs.get(host)?.push(await wrk(controller.ports.http, `${host}.path.example`, SECONDS));
    const label = {
      plain: 'plain route',
      split: 'weighted split 50/50',
      group: 'rule group (header match not taken)',
    };
    for (const host of hosts) console.log(`  ${label[host]}: ${fmt(median(runs.get(host) ?? []))}`);
  } finally {
    for (const pod of pods) pod.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
