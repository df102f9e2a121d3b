/**
 * The test command's runner: every unit and end-to-end test on the system's HAProxy (2.6 on
 * Debian 12), then the end-to-end tests that drive the Runtime API, reloads and TLS again on
 * HAProxy 3.0 (Debian 13's build, installed privately by scripts/install-haproxy-3.0.sh).
 * Each run opens with a header naming its HAProxy and ends with node's own summary; the last
 * lines give both runs' counts. Exits non-zero when either run failed.
 *
 *   node e2e/run-on-haproxy-versions.ts          both runs
 *   node e2e/run-on-haproxy-versions.ts 3.0      only the HAProxy 3.0 run
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const INSTALL_30 = join(ROOT, 'scripts', 'install-haproxy-3.0.sh');

const ALL_TESTS = ['controller/**/*.test.ts', 'e2e/**/*.test.ts'];
/** The files that run on HAProxy 3.0 too: pod churn, reloads, TLS, what `haproxy -c` must accept, and the exporter's names. */
const ON_HAPROXY_30 = [
  'e2e/churn.test.ts',
  'e2e/runtime-first.test.ts',
  'e2e/route-overlay.test.ts',
  'e2e/cluster-mode.test.ts',
  'e2e/lifecycle.test.ts',
  'e2e/bad-input.test.ts',
  'e2e/sidecar-mode.test.ts',
  'e2e/tls.test.ts',
  'e2e/tls-runtime.test.ts',
  'e2e/tls-keys.test.ts',
  'e2e/ssl-passthrough.test.ts',
  'e2e/snippets.test.ts',
  'e2e/backend-keys.test.ts',
  'e2e/global-keys.test.ts',
  'e2e/timeout-keys.test.ts',
  'e2e/sample-expressions.test.ts',
  'e2e/grafana-dashboard.test.ts',
  // Gateway API: rule groups, splits (map_int), suffix lookups, redirects and rewrites built from parts.
  'e2e/gateway-api-routing.test.ts',
  'e2e/gateway-api-filters.test.ts',
  // ingress-nginx: the Lua actions and fetches (auth-url, $apr1$ and cached basic auth, error pages,
  // client certificates), whose samples reach Lua differently in 2.6 and 3.0.
  'e2e/ingress-nginx-auth.test.ts',
  'e2e/ingress-nginx-auth-url.test.ts',
  'e2e/ingress-nginx-error-pages.test.ts',
  'e2e/ingress-nginx-client-tls.test.ts',
  'e2e/ingress-nginx-redirects.test.ts',
  // ingress-nginx: string-prefix map keys, and a backend of one fixed server that pod churn leaves alone.
  'e2e/ingress-nginx-paths.test.ts',
  'e2e/ingress-nginx-service-upstream.test.ts',
];

interface Run {
  haproxy: string;
  summary: string;
  ok: boolean;
}

const versionOf = (bin: string): string =>
  /version (\S+)/.exec(execFileSync(bin, ['-v'], { encoding: 'utf8' }))?.[1] ?? 'unknown version';

/** One `node --test` run: spec output on the terminal, TAP on the side for the closing counts. */
function runTests(label: string, bin: string, patterns: string[]): Run {
  const haproxy = `HAProxy ${versionOf(bin)}`;
  console.log(`\n▶ ${haproxy} (${bin}): ${label}\n`);
  const dir = mkdtempSync(join(tmpdir(), 'hsi-test-run-'));
  const tap = join(dir, 'results.tap');
  try {
    const result = spawnSync(
      process.execPath,
      [
        '--test',
        '--test-concurrency=2',
        '--test-reporter=spec',
        '--test-reporter-destination=stdout',
        '--test-reporter=tap',
        `--test-reporter-destination=${tap}`,
        ...patterns,
      ],
      { cwd: ROOT, stdio: 'inherit', env: { ...process.env, HAPROXY_BIN: bin } },
    );
    const counts = readFileSync(tap, 'utf8')
      .split('\n')
      .map((line) => /^# (tests|pass|fail|cancelled|skipped|todo) (\d+)$/.exec(line))
      .filter((m) => m !== null)
      .map((m) => `${m[1]} ${m[2]}`);
    const summary = counts.length > 0 ? counts.join(', ') : 'no results';
    return { haproxy, summary: `${summary} (${label})`, ok: result.status === 0 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const only30 = process.argv[2] === '3.0';
// Installed first: its few lines of progress stay out of the test output.
const bin30 = execFileSync(INSTALL_30, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
const runs: Run[] = [];
if (!only30)
  runs.push(runTests('unit and end-to-end tests', process.env.HAPROXY_BIN || 'haproxy', ALL_TESTS));
runs.push(runTests('runtime, reload and TLS end-to-end tests', bin30, ON_HAPROXY_30));

console.log('');
for (const run of runs) console.log(`${run.ok ? '✔' : '✖'} ${run.haproxy}: ${run.summary}`);
process.exit(runs.every((r) => r.ok) ? 0 : 1);
