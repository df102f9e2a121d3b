/**
 * What authentication costs a route, against real HAProxy (the controller
 * starts it, in local mode):
 *
 *  - auth-url: requests/s through a route whose every request is first put
 *    to an auth service (HAProxy's HTTP client from Lua), against the same
 *    route without it;
 *  - basic auth with a bcrypt cost-10 hash: requests/s with the same right
 *    credentials on every request (checked once, then remembered), with a
 *    wrong password on every request (never remembered: a bcrypt check each
 *    time), and the same route without auth.
 *
 *   node bench/ingress-nginx-auth.ts [--seconds S]
 *
 * Load comes from wrk (Debian package); the pod and the auth service are
 * small HAProxy instances answering at once, so that the figures are
 * HAProxy's, not theirs.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { TestController } from '../e2e/harness/controller.ts';
import { freePort } from '../e2e/harness/net.ts';
import { endpointSlice, hostRoute, service } from '../e2e/harness/objects.ts';
import { eventually } from '../e2e/harness/wait.ts';

const { values: args } = parseArgs({ options: { seconds: { type: 'string', default: '5' } } });
const SECONDS = Number(args.seconds);
const HAPROXY_BIN = process.env.HAPROXY_BIN || 'haproxy';
const N = 'nginx.ingress.kubernetes.io/';
/** "s3cret" with bcrypt, cost 10 (`htpasswd -B -C 10`). */
const BCRYPT = '$2y$10$dXbvdaVMhVlsdKkUNe3XAe34irYKw6PvHoh.v0jQaNVoTQXJH0DI6';
const basic = (password: string) => `Basic ${Buffer.from(`alice:${password}`).toString('base64')}`;

const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

interface WrkResult {
  rps: number;
  statuses: string;
}

/** wrk on one host with one extra header; the rate, and how many answers were not 2xx/3xx. */
function wrk(port: number, host: string, header: string | undefined, connections = 20): Promise<WrkResult> {
  const child = spawn('wrk', [
    '-t1',
    `-c${connections}`,
    `-d${SECONDS}s`,
    '-H',
    `Host: ${host}`,
    ...(header ? ['-H', header] : []),
    `http://127.0.0.1:${port}/`,
  ]);
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', () => {
      const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? Number.NaN);
      const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
      const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
      if (Number.isNaN(rps)) reject(new Error(`wrk printed no rate:\n${out}`));
      else
        resolve({ rps, statuses: non2xx === 0 ? 'all 2xx' : `${fmt(non2xx)} of ${fmt(requests)} not 2xx` });
    });
  });
}

/** A standalone HAProxy answering at once: 200, or the auth service's verdict on the bearer token. */
async function tinyHAProxy(dir: string, name: string, port: number, rules: string[]): Promise<() => void> {
  const file = join(dir, `${name}.cfg`);
  await writeFile(
    file,
    [
      'global',
      '  nbthread 1',
      'defaults',
      '  mode http',
      '  timeout client 30s',
      '  timeout server 30s',
      '  timeout connect 5s',
      `frontend ${name}`,
      `  bind 127.0.0.1:${port}`,
      ...rules.map((r) => `  ${r}`),
      '',
    ].join('\n'),
  );
  const child = spawn(HAPROXY_BIN, ['-f', file], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 300));
  return () => child.kill('SIGTERM');
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'hsi-bench-auth-'));
  const podPort = await freePort();
  const authPort = await freePort();
  const stops = [
    await tinyHAProxy(dir, 'pod', podPort, [
      'http-request return status 200 content-type text/plain string ok',
    ]),
    await tinyHAProxy(dir, 'auth', authPort, [
      "http-request return status 200 hdr X-Auth-User alice if { req.hdr(authorization) -m str 'Bearer good' }",
      'http-request return status 401',
    ]),
  ];
  const controller = await TestController.create({
    'web.yaml': [
      service('web', [{ port: 80 }]),
      endpointSlice('web', { port: podPort }, [{ address: '127.0.0.1', name: 'web-1' }]),
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'users', namespace: 'default' },
        stringData: { auth: `alice:${BCRYPT}\n` },
      },
      hostRoute('open', {}),
      hostRoute('guarded', {
        [`${N}auth-url`]: `http://127.0.0.1:${authPort}/verify`,
        [`${N}auth-response-headers`]: 'X-Auth-User',
      }),
      hostRoute('basic', { [`${N}auth-type`]: 'basic', [`${N}auth-secret`]: 'users' }),
    ],
  });
  try {
    await controller.start();
    await eventually(async () => {
      const reply = await controller.get('guarded.example', '/', { authorization: 'Bearer good' });
      if (reply.status !== 200) throw new Error(`auth-url route not served yet: ${reply.status}`);
    }, 20_000);
    const port = controller.ports.http;
    // Warm-up: the first requests pay for connections and the first bcrypt check.
    for (const [host, header] of [
      ['open.example', undefined],
      ['guarded.example', 'Authorization: Bearer good'],
      ['basic.example', `Authorization: ${basic('s3cret')}`],
    ] as const) {
      const child = spawn('wrk', [
        '-t1',
        '-c4',
        '-d1s',
        '-H',
        `Host: ${host}`,
        ...(header ? ['-H', header] : []),
        `http://127.0.0.1:${port}/`,
      ]);
      await new Promise((r) => child.on('exit', r));
    }

    console.log(`\nauth-url (HAProxy's HTTP client from Lua), wrk -t1 -c20, ${SECONDS}s each`);
    const open = await wrk(port, 'open.example', undefined);
    const guarded = await wrk(port, 'guarded.example', 'Authorization: Bearer good');
    console.log(`  without auth-url       ${fmt(open.rps).padStart(9)} req/s  (${open.statuses})`);
    console.log(`  with auth-url          ${fmt(guarded.rps).padStart(9)} req/s  (${guarded.statuses})`);
    console.log(`  with / without         ${fmt(guarded.rps / open.rps, 2)}`);

    console.log(`\nbasic auth, bcrypt cost 10, wrk -t1 -c20, ${SECONDS}s each`);
    const cached = await wrk(port, 'basic.example', `Authorization: ${basic('s3cret')}`);
    const wrong = await wrk(port, 'basic.example', `Authorization: ${basic('wrong')}`, 4);
    console.log(`  without auth           ${fmt(open.rps).padStart(9)} req/s`);
    console.log(
      `  same right password    ${fmt(cached.rps).padStart(9)} req/s  (${cached.statuses}; checked once, then remembered)`,
    );
    console.log(
      `  wrong password         ${fmt(wrong.rps, 1).padStart(9)} req/s  (${wrong.statuses}; a bcrypt check every request)`,
    );
    const threads = availableParallelism();
    console.log(
      `  one bcrypt check       ${fmt((1000 * threads) / wrong.rps, 1).padStart(9)} ms of one of ${threads} HAProxy threads`,
    );
  } finally {
    await controller.cleanup({ allowConfigWarnings: true });
    for (const stop of stops) stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
