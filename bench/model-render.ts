/**
 * Benchmark of the controller pipeline at scale: store load → model → slots →
 * view + render → `haproxy -c` + install, and a server-only change (the path
 * that must stay cheap: model + structure compare + Runtime API plan).
 *
 *   node bench/model-render.ts [sizes…]     (default: 1000 10000 Ingresses)
 *
 * Prints figures; asserts nothing beyond "the pipeline ran". Every address is a
 * 10.x address that only ever appears in the config text: nothing is contacted.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { fallbackCertificate } from '../controller/emitters/config/fallback-certificate.ts';
import { renderFiles } from '../controller/emitters/config/render.ts';
import { routeMapEntries } from '../controller/emitters/config/route-map.ts';
import { selfSignedCertificate } from '../controller/emitters/config/self-signed.ts';
import { buildView, type Listen, type Paths, ROUTE_MAP } from '../controller/emitters/config/view.ts';
import { ConfigWriter } from '../controller/emitters/config/writer.ts';
import { planRuntime } from '../controller/emitters/runtime/diff.ts';
import { planSlots, type SlotTable } from '../controller/emitters/runtime/slots.ts';
import { describeChange, structureOf } from '../controller/emitters/structure.ts';
import { buildModel, type ModelOptions } from '../controller/model/build.ts';
import type { DesiredState } from '../controller/model/types.ts';
import { type Parsed, parseObject, Store } from '../controller/store/store.ts';

// `HAPROXY_BIN=$(scripts/install-haproxy-3.0.sh) npm run bench` measures HAProxy 3.0.
const HAPROXY_BIN = process.env.HAPROXY_BIN || 'haproxy';
const NAMESPACES = 4;
const ORIGIN = 'bench';

const MODEL_OPTIONS: ModelOptions = {
  configMap: 'default/haproxy-configmap',
  ingressClass: 'haproxy',
  emptyIngressClass: false,
  defaultBackendService: undefined,
  defaultSslCertificate: undefined,
};

const LISTEN: Listen = {
  ipv4Address: '127.0.0.1',
  ipv6Address: undefined,
  httpPort: 18080,
  httpsPort: 18443,
  statsPort: 11936,
  healthzPort: 11042,
};

type Json = Record<string, unknown>;

// ---------------------------------------------------------------- helpers

const gc: (() => void) | undefined = (() => {
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
})();

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function time<T>(fn: () => T): [T, number] {
  const start = performance.now();
  const result = fn();
  return [result, performance.now() - start];
}

async function timeAsync<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await fn();
  return [result, performance.now() - start];
}

/** Runs `fn` `warmup` times untimed, then `runs` times; returns the last result and the median. */
function repeat<T>(warmup: number, runs: number, fn: () => T): { result: T; ms: number; all: number[] } {
  for (let i = 0; i < warmup; i++) fn();
  const all: number[] = [];
  let result: T | undefined;
  for (let i = 0; i < runs; i++) {
    const [r, ms] = time(fn);
    result = r;
    all.push(ms);
  }
  return { result: result as T, ms: median(all), all };
}

const ms = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const count = (n: number): string => n.toLocaleString('en-US');

function printTable(title: string, rows: [string, string][]): void {
  const width = Math.max(...rows.map(([k]) => k.length));
  const valueWidth = Math.max(...rows.map(([, v]) => v.length));
  console.log(`\n${title}`);
  console.log(`${'-'.repeat(width)}  ${'-'.repeat(valueWidth)}`);
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v.padStart(valueWidth)}`);
}

/** Peak RSS of a command in KiB, through GNU time when installed. */
function maxRssKiB(bin: string, args: string[]): number | undefined {
  const run = spawnSync('/usr/bin/time', ['-f', '%M', bin, ...args], { encoding: 'utf8' });
  if (run.status !== 0) return undefined;
  const kib = Number(run.stderr.trim().split('\n').at(-1));
  return Number.isFinite(kib) ? kib : undefined;
}

// ---------------------------------------------------------------- objects

function makeCertificate(): { crt: string; key: string } {
  const { cert, key } = selfSignedCertificate('*.bench.example', [], 30);
  return { crt: cert, key };
}

const namespaceOf = (i: number): string => `team-${i % NAMESPACES}`;

/** 10.a.b.c with a/b from the Ingress index, c = 1..3: unique per Ingress up to 65,536 Ingresses. */
const podAddress = (i: number, pod: number): string => `10.${(i >> 8) & 255}.${i & 255}.${pod}`;

function ingress(i: number, created: Date): Json {
  const wildcard = i % 10 === 0;
  const host = `${wildcard ? '*.' : ''}app-${i}.bench.example`;
  const backend = { service: { name: `svc-${i}`, port: { number: 80 } } };
  const paths: Json[] = [
    { path: '/', pathType: 'Prefix', backend },
    { path: '/healthz', pathType: 'Exact', backend },
  ];
  if (i % 3 === 0) paths.push({ path: `/api/v${1 + (i % 4)}`, pathType: 'Prefix', backend });
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: `app-${i}`,
      namespace: namespaceOf(i),
      uid: `ing-${i}`,
      resourceVersion: '1',
      creationTimestamp: created.toISOString(),
      labels: { app: `app-${i}` },
      annotations: i % 7 === 0 ? { 'haproxy.org/timeout-server': '30s' } : {},
    },
    spec: {
      ingressClassName: 'haproxy',
      // Every 5th Ingress terminates TLS with its namespace's shared Secret.
      tls: i % 5 === 0 ? [{ hosts: [host], secretName: 'bench-tls' }] : [],
      rules: [{ host, http: { paths } }],
    },
  };
}

function service(i: number): Json {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: `svc-${i}`, namespace: namespaceOf(i), labels: { app: `app-${i}` } },
    spec: {
      type: 'ClusterIP',
      clusterIP: `172.20.${(i >> 8) & 255}.${i & 255}`,
      ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 }],
    },
  };
}

function endpointSlice(i: number, addresses: string[]): Json {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: `svc-${i}-x7k2p`,
      namespace: namespaceOf(i),
      labels: { 'kubernetes.io/service-name': `svc-${i}` },
    },
    addressType: 'IPv4',
    endpoints: addresses.map((address, pod) => ({
      addresses: [address],
      conditions: { ready: true, serving: true, terminating: false },
      targetRef: { kind: 'Pod', name: `app-${i}-${pod}` },
    })),
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  };
}

function generate(n: number, cert: { crt: string; key: string }): Json[] {
  const objects: Json[] = [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      metadata: { name: 'haproxy' },
      spec: { controller: 'haproxy.org/ingress-controller' },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'haproxy-configmap', namespace: 'default' },
      data: { 'timeout-client': '60s', 'timeout-connect': '4s', 'timeout-server': '60s', maxconn: '20000' },
    },
  ];
  const tlsData = {
    'tls.crt': Buffer.from(cert.crt).toString('base64'),
    'tls.key': Buffer.from(cert.key).toString('base64'),
  };
  for (let ns = 0; ns < NAMESPACES; ns++) {
    objects.push({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'bench-tls', namespace: `team-${ns}` },
      type: 'kubernetes.io/tls',
      data: tlsData,
    });
  }
  const epoch = Date.UTC(2024, 0, 1);
  for (let i = 0; i < n; i++) {
    objects.push(ingress(i, new Date(epoch + i * 1000)));
    objects.push(service(i));
    objects.push(
      endpointSlice(
        i,
        [1, 2, 3].map((pod) => podAddress(i, pod)),
      ),
    );
  }
  return objects;
}

// ---------------------------------------------------------------- one size

interface Result {
  n: number;
  rows: [string, string][];
  stages: Record<string, number>;
}

async function runSize(n: number, cert: { crt: string; key: string }, root: string): Promise<Result> {
  gc?.();
  const dir = mkdtempSync(join(root, `n${n}-`));
  const configDir = join(dir, 'config');
  const fallbackPem = await fallbackCertificate(join(configDir, 'fallback', 'default-selfsigned.pem'));
  const paths: Paths = { configDir, statsSocket: join(dir, 'run', 'haproxy.sock') };

  const [raw, generateMs] = time(() => generate(n, cert));

  // Store load: zod parse + validate every object, then index them into a snapshot.
  const [parsed, parseMs] = time(() => {
    const out: Parsed[] = [];
    for (const object of raw) {
      const result = parseObject(object);
      if (!result.ok) throw new Error(`bench object rejected: ${JSON.stringify(result)}`);
      out.push(result.value);
    }
    return out;
  });
  const store = new Store();
  const [snapshot, indexMs] = time(() => {
    store.replaceOrigin(ORIGIN, parsed);
    return store.snapshot();
  });

  // Model.
  const model = repeat(1, 5, () => buildModel(snapshot, MODEL_OPTIONS));
  const state: DesiredState = model.result;
  const errors = state.problems.filter((p) => p.severity === 'error');
  if (errors.length) throw new Error(`model reported errors: ${JSON.stringify(errors.slice(0, 3))}`);

  // Memory right after building (store + snapshot + model), after a full GC when available.
  gc?.();
  const memory = process.memoryUsage();

  // Slots and render (into the final config directory's paths, not written yet).
  const slotsRun = repeat(
    1,
    5,
    (): SlotTable => new Map(state.backends.map((b) => [b.name, planSlots(b, undefined)])),
  );
  const slots = slotsRun.result;
  const render = () => renderFiles(state, buildView(state, slots, LISTEN, paths), configDir, fallbackPem);
  const viewRun = repeat(1, 5, () => buildView(state, slots, LISTEN, paths));
  const renderRun = repeat(1, 5, render);
  const files = renderRun.result;
  const cfgBytes = Buffer.byteLength(files.find((f) => f.path === 'haproxy.cfg')?.content ?? '');

  // Validate + install (stages a path-rewritten copy, runs `haproxy -c`, writes and renames the files).
  const writer = new ConfigWriter(configDir, HAPROXY_BIN);
  const installs: number[] = [];
  for (let i = 0; i < 3; i++) installs.push((await timeAsync(() => writer.install(files)))[1]);
  // `haproxy -c` alone on the installed config, to split the install figure.
  const checks: number[] = [];
  for (let i = 0; i < 3; i++) {
    checks.push(time(() => execFileSync(HAPROXY_BIN, ['-c', '-q', '-f', writer.configPath]))[1]);
  }
  const checkRss = maxRssKiB(HAPROXY_BIN, ['-c', '-q', '-f', writer.configPath]);
  const mapBytes = statSync(join(configDir, ROUTE_MAP)).size;

  // Endpoint-only change: one pod of one Service is replaced (new address).
  const appliedStructure = structureOf(state);
  const changes: { total: number; store: number; model: number; structure: number; plan: number }[] = [];
  let commands = -1;
  let sameStructure = true;
  for (let round = 0; round < 6; round++) {
    const i = Math.floor((n * (round + 1)) / 7);
    const slice = endpointSlice(i, [podAddress(i, 1), podAddress(i, 2), podAddress(i, 100 + round)]);
    const start = performance.now();
    const result = parseObject(slice);
    if (!result.ok) throw new Error('changed EndpointSlice rejected');
    store.upsert(ORIGIN, result.value);
    const next = store.snapshot();
    const t1 = performance.now();
    const nextState = buildModel(next, MODEL_OPTIONS);
    const t2 = performance.now();
    const same = structureOf(nextState) === appliedStructure;
    const t3 = performance.now();
    const plan = planRuntime(slots, nextState.backends);
    const end = performance.now();
    // Restore the original slice so every round is one change against the applied slots.
    const restore = parseObject(
      endpointSlice(
        i,
        [1, 2, 3].map((pod) => podAddress(i, pod)),
      ),
    );
    if (restore.ok) store.upsert(ORIGIN, restore.value);
    if (round === 0) continue; // warm-up
    sameStructure &&= same;
    commands = plan.kind === 'runtime' ? plan.commands.length : -1;
    changes.push({
      total: end - start,
      store: t1 - start,
      model: t2 - t1,
      structure: t3 - t2,
      plan: end - t3,
    });
  }
  const change = {
    total: median(changes.map((c) => c.total)),
    store: median(changes.map((c) => c.store)),
    model: median(changes.map((c) => c.model)),
    structure: median(changes.map((c) => c.structure)),
    plan: median(changes.map((c) => c.plan)),
  };

  // Structural change (one more Ingress → reload path): the applier's reload reason.
  const extra = parseObject(ingress(n, new Date(Date.UTC(2030, 0, 1))));
  if (!extra.ok) throw new Error('extra Ingress rejected');
  store.upsert(ORIGIN, extra.value);
  const grown = buildModel(store.snapshot(), MODEL_OPTIONS);
  const [reason, describeMs] = time(() => describeChange(state, grown));

  rmSync(dir, { recursive: true, force: true });

  const servers = [...slots.values()].reduce((sum, s) => sum + s.length, 0);
  const endpoints = state.backends.reduce((sum, b) => sum + b.endpoints.length, 0);
  const install = median(installs);
  const check = median(checks);
  const rows: [string, string][] = [
    ['objects (generated in)', `${count(raw.length)} (${ms(generateMs)} ms)`],
    ['store load: parse+validate', `${ms(parseMs)} ms`],
    ['store load: replaceOrigin+snapshot', `${ms(indexMs)} ms`],
    ['store load total', `${ms(parseMs + indexMs)} ms`],
    ['model build (median of 5)', `${ms(model.ms)} ms`],
    ['planSlots, all backends (median of 5)', `${ms(slotsRun.ms)} ms`],
    ['buildView alone (median of 5)', `${ms(viewRun.ms)} ms`],
    ['render: view+renderFiles (median of 5)', `${ms(renderRun.ms)} ms`],
    ['haproxy -c validate+install (median of 3)', `${ms(install)} ms`],
    ['  of which `haproxy -c` alone (median of 3)', `${ms(check)} ms`],
    ['endpoint-only change total (median of 5)', `${ms(change.total)} ms`],
    ['  store upsert+snapshot', `${ms(change.store)} ms`],
    ['  model build', `${ms(change.model)} ms`],
    ['  structureOf + compare', `${ms(change.structure)} ms`],
    ['  planRuntime', `${ms(change.plan)} ms`],
    ['  structure unchanged / runtime commands', `${sameStructure ? 'yes' : 'NO'} / ${commands}`],
    ['structural change: describeChange', `${ms(describeMs)} ms${reason ? '' : ' (no reason)'}`],
    ['haproxy.cfg size', mib(cfgBytes)],
    ['map files total size', mib(mapBytes)],
    ['`haproxy -c` max RSS', checkRss === undefined ? 'n/a' : mib(checkRss * 1024)],
    ['heap used after build', mib(memory.heapUsed)],
    ['RSS after build', mib(memory.rss)],
    ['backends (besides the built-in 404)', count(state.backends.length)],
    ['server lines / ready endpoints', `${count(servers)} / ${count(endpoints)}`],
    [
      'routing: vhosts / routes / map entries',
      `${count(state.routing.vhosts.length)} / ${count(state.routing.routes.length)} / ${count(routeMapEntries(state.routing).length)}`,
    ],
    [
      'TLS certificates / SNI names',
      `${state.tls.certificates.length} / ${count(state.tls.certificates.reduce((s, c) => s + c.sni.length, 0))}`,
    ],
    ['problems (warnings)', count(state.problems.length)],
  ];
  return {
    n,
    rows,
    stages: {
      'store load': parseMs + indexMs,
      'model build': model.ms,
      planSlots: slotsRun.ms,
      render: renderRun.ms,
      'validate+install': install,
      'haproxy -c alone': check,
      'endpoint-only change': change.total,
      '  of which model': change.model,
      '  of which structure': change.structure,
      '  of which planRuntime': change.plan,
      describeChange: describeMs,
    },
  };
}

// ---------------------------------------------------------------- main

function parseSizes(args: string[]): number[] {
  if (args.length === 0) return [1000, 10000];
  return args.map((a) => {
    const n = Number(a.replaceAll(/[_,]/g, ''));
    if (!Number.isInteger(n) || n < 1 || n > 65_536) {
      throw new Error(`size must be an integer from 1 to 65536, got "${a}"`);
    }
    return n;
  });
}

async function main(): Promise<void> {
  const sizes = parseSizes(process.argv.slice(2));
  const root = mkdtempSync(join(tmpdir(), 'hsi-bench-'));
  const started = performance.now();
  try {
    console.log(
      `haproxy-sidecar-ingress pipeline benchmark: node ${process.version}, ${execFileSync(HAPROXY_BIN, [
        '-v',
      ])
        .toString()
        .split('\n')[0]
        ?.trim()}${gc ? '' : ' (no forced GC: heap figures include garbage)'}`,
    );
    const cert = makeCertificate();
    // Warm up zod and the X509 checks so the first size's store load is not mostly JIT.
    for (const object of generate(50, cert)) parseObject(object);
    const results: Result[] = [];
    for (const n of sizes) {
      const result = await runSize(n, cert, root);
      results.push(result);
      printTable(`N = ${count(n)} Ingresses`, result.rows);
    }
    if (results.length > 1) {
      // Time ratio between consecutive sizes, divided by the size ratio: ~1 is linear, >1.5 is suspicious.
      const stageNames = Object.keys(results[0]?.stages ?? {});
      const rows: [string, string][] = stageNames.map((stage) => [
        stage,
        results
          .slice(1)
          .map((r, i) => {
            const prev = results[i] as Result;
            const growth = (r.stages[stage] as number) / (prev.stages[stage] as number);
            return `${growth.toFixed(1)}x time for ${(r.n / prev.n).toFixed(1)}x N (${(growth / (r.n / prev.n)).toFixed(2)})`;
          })
          .join('; '),
      ]);
      printTable('Scaling (time growth / size growth; 1.00 = linear)', rows);
    }
    console.log(`\ntotal ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
