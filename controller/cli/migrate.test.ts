/**
 * `migrate --from ingress-nginx`: the real command on a `kubectl get ingress -A -o yaml`
 * dump, in text and JSON, and its exit status.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const dirs: string[] = [];

/** A kubectl List of Ingresses with the given annotations, as `kubectl get -o yaml` prints it. */
function dump(ingresses: { name: string; annotations: Record<string, string>; pathType?: string }[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'hsi-migrate-'));
  dirs.push(dir);
  const items = ingresses.map((i) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: i.name,
      namespace: 'shop',
      annotations: i.annotations,
      resourceVersion: '42',
      uid: 'd5c6a7f0-0000-4000-8000-000000000001',
      creationTimestamp: '2025-06-01T10:00:00Z',
    },
    spec: {
      ingressClassName: 'nginx',
      rules: [
        {
          host: `${i.name}.example`,
          http: {
            paths: [
              {
                path: '/api',
                pathType: i.pathType ?? 'Prefix',
                backend: { service: { name: 'web', port: { number: 80 } } },
              },
            ],
          },
        },
      ],
    },
    status: { loadBalancer: { ingress: [{ ip: '10.0.0.1' }] } },
  }));
  writeFileSync(join(dir, 'ingresses.yaml'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  return dir;
}

const migrate = (...args: string[]) =>
  spawnSync(process.execPath, [BIN, 'migrate', ...args], { encoding: 'utf8', timeout: 30_000 });

after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('migrate --from ingress-nginx', () => {
  it('lists each annotation as honoured, mapped or not supported, and exits 1 when something differs', () => {
    const dir = dump([
      {
        name: 'shop',
        annotations: {
          'nginx.ingress.kubernetes.io/force-ssl-redirect': 'true',
          'nginx.ingress.kubernetes.io/limit-rps': '10',
          'nginx.ingress.kubernetes.io/configuration-snippet': 'more_set_headers "X-A: b";',
          'kubectl.kubernetes.io/last-applied-configuration': '{}',
        },
      },
    ]);
    const run = migrate('--from', 'ingress-nginx', '--manifests', dir);
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stdout, /^Ingress shop\/shop$/m);
    assert.match(run.stdout, /^ {2}force-ssl-redirect: honoured → haproxy\.org\/ssl-redirect$/m);
    assert.match(
      run.stdout,
      /^ {2}limit-rps: mapped → haproxy\.org\/rate-limit-requests, haproxy\.org\/rate-limit-period: /m,
    );
    assert.match(run.stdout, /^ {2}configuration-snippet: not supported: nginx configuration language/m);
    assert.doesNotMatch(run.stdout, /last-applied/);
    assert.match(run.stdout, /1 honoured, 1 mapped, 1 not supported/);
  });

  it('--output json gives the same report; exit 0 when every Ingress behaves as it did', () => {
    const dir = dump([
      { name: 'a', annotations: { 'nginx.ingress.kubernetes.io/ssl-redirect': 'false' } },
      { name: 'b', annotations: { 'nginx.ingress.kubernetes.io/proxy-read-timeout': 'soon' } },
    ]);
    const run = migrate('--from', 'ingress-nginx', '--manifests', dir, '--output', 'json');
    assert.equal(run.status, 1);
    const report = JSON.parse(run.stdout);
    assert.deepEqual(
      report.ingresses.map((i: { name: string; annotations: { outcome: string }[] }) => [
        i.name,
        i.annotations.map((a) => a.outcome),
      ]),
      [
        ['a', ['honoured']],
        ['b', ['invalid']],
      ],
    );
    assert.equal(report.ingresses[0].annotations[0].value, 'false');
    assert.deepEqual(report.ingresses[0].annotations[0].becomes, ['haproxy.org/ssl-redirect']);
    assert.equal(report.differs, true);

    const same = dump([{ name: 'c', annotations: { 'nginx.ingress.kubernetes.io/ssl-redirect': 'false' } }]);
    const ok = migrate('--from', 'ingress-nginx', '--manifests', same);
    assert.equal(ok.status, 0, ok.stdout);
    assert.match(ok.stdout, /Every Ingress would behave as it did under ingress-nginx/);
  });

  it('an ImplementationSpecific path is noted: ingress-nginx matched it as a plain string prefix', () => {
    const dir = dump([{ name: 'd', annotations: {}, pathType: 'ImplementationSpecific' }]);
    const run = migrate('--from', 'ingress-nginx', '--manifests', dir);
    assert.equal(run.status, 1);
    assert.match(run.stdout, /note: path \/api \(ImplementationSpecific\)/);
    assert.match(run.stdout, /--default-annotation-dialect ingress-nginx/);
  });

  it('an ImplementationSpecific path of an Ingress with nginx annotations is not noted: a string prefix here too', () => {
    const dir = dump([
      {
        name: 'e',
        annotations: { 'nginx.ingress.kubernetes.io/ssl-redirect': 'false' },
        pathType: 'ImplementationSpecific',
      },
    ]);
    const run = migrate('--from', 'ingress-nginx', '--manifests', dir);
    assert.equal(run.status, 0, run.stdout);
    assert.doesNotMatch(run.stdout, /ImplementationSpecific/);
  });

  it('usage errors exit 2', () => {
    assert.equal(migrate('--from', 'traefik', '--manifests', '/tmp').status, 2);
    assert.equal(migrate('--from', 'ingress-nginx').status, 2);
    assert.equal(migrate('--from', 'ingress-nginx', '--manifests', '/no/such/dir').status, 2);
  });
});
