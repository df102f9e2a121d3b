/**
 * Certificate changes applied over the Runtime API: a rotated Secret, a new
 * TLS host and a removed one are served by the same worker (no reload: the
 * master's reload count, the worker PID and haproxy_reloads_total stay put),
 * the files on disk follow (keys 0600) so that a later reload serves the
 * same, and no key material reaches the log.
 */
import assert from 'node:assert/strict';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { selfSigned } from './harness/certs.ts';
import { TestController } from './harness/controller.ts';
import { configMap, ingress, tlsSecret } from './harness/objects.ts';
import { assertReply, Backends, SERVICE_PORT } from './harness/routing.ts';
import { eventually } from './harness/wait.ts';

const route = (service: string) => ({ path: '/', pathType: 'Prefix' as const, service, port: SERVICE_PORT });
const CERT_A = selfSigned('a.example');
const CERT_A2 = selfSigned('a.example', ['a.example', 'rotated.a.example']);
const CERT_B = selfSigned('b.example');
const FALLBACK = 'haproxy-sidecar-ingress default certificate';
// ssl-redirect would make TLS on a host a per-backend setting (a reload); this file is about certificates.
const CONFIG = { 'ssl-redirect': 'OFF' };

describe('certificates over the Runtime API', () => {
  let controller: TestController;
  let backends: Backends;
  let baseline: { reloads: number; master: number; worker: number };

  const ingresses = (bTls: boolean) => [
    ingress('a', {
      tls: [{ hosts: ['a.example'], secretName: 'tls-a' }],
      rules: [{ host: 'a.example', paths: [route('rt-a')] }],
    }),
    ingress('b', {
      ...(bTls ? { tls: [{ hosts: ['b.example'], secretName: 'tls-b' }] } : {}),
      rules: [{ host: 'b.example', paths: [route('rt-b')] }],
    }),
  ];

  /** Polls HTTPS with SNI `name` until the certificate and the answering Service are as expected. */
  async function expectCert(name: string, subject: string, service: string, altName?: RegExp) {
    await eventually(
      async () => {
        const reply = await controller.getTls(name, '/');
        assert.equal(reply.certificate?.subject, subject, `certificate served for SNI ${name}`);
        if (altName) assert.match(reply.certificate?.altNames ?? '', altName);
        assertReply(reply, service, `GET https://${name}/`);
      },
      5_000,
      25,
    );
  }

  async function processState() {
    const proc = await controller.showProc();
    assert.equal(proc.workers.length, 1, 'one worker');
    return {
      reloads: await controller.reloads(),
      master: proc.master.reloads,
      worker: proc.workers[0]?.pid ?? 0,
    };
  }

  async function assertNoReload(what: string) {
    assert.deepEqual(await processState(), baseline, `${what}: HAProxy must not reload`);
  }

  before(async () => {
    backends = await Backends.start(['rt-a', 'rt-b']);
    controller = await TestController.create({
      'configmap.yaml': [configMap(CONFIG)],
      'services.yaml': backends.manifests(),
      'secrets.yaml': [
        tlsSecret('tls-a', CERT_A.cert, CERT_A.key),
        tlsSecret('tls-b', CERT_B.cert, CERT_B.key),
      ],
      'ingresses.yaml': ingresses(false),
    });
    await controller.start();
    await expectCert('a.example', 'a.example', 'rt-a');
    baseline = await processState();
  });

  after(async () => {
    await controller?.cleanup();
    await backends?.stop();
  });

  it('a rotated Secret is served by the same worker', async (t) => {
    const started = performance.now();
    await controller.write('secrets.yaml', [
      tlsSecret('tls-a', CERT_A2.cert, CERT_A2.key),
      tlsSecret('tls-b', CERT_B.cert, CERT_B.key),
    ]);
    await expectCert('a.example', 'a.example', 'rt-a', /rotated\.a\.example/);
    t.diagnostic(`rotation served after ${Math.round(performance.now() - started)} ms`);
    await assertNoReload('Secret rotation');
  });

  it('a new TLS host on an existing Ingress is served without a reload', async () => {
    await expectCert('b.example', FALLBACK, 'rt-b');
    await controller.write('ingresses.yaml', ingresses(true));
    await expectCert('b.example', 'b.example', 'rt-b');
    await expectCert('a.example', 'a.example', 'rt-a', /rotated\.a\.example/);
    await assertNoReload('new TLS host');
    const list = await readFile(join(controller.configDir, 'certs', 'crt-list.txt'), 'utf8');
    assert.match(list, /default_tls-b\.pem b\.example\n/);
  });

  it('certificate files are written owner-only and no key reaches the log', async () => {
    const dir = join(controller.configDir, 'certs');
    const pems = (await readdir(dir)).filter((f) => f.endsWith('.pem'));
    assert.ok(pems.includes('default_tls-b.pem'), `certificate files: ${pems.join(', ')}`);
    for (const file of pems) {
      const mode = (await stat(join(dir, file))).mode & 0o777;
      assert.equal(mode.toString(8), '600', `mode of ${file}`);
    }
    assert.equal(await readFile(join(dir, 'default_tls-b.pem'), 'utf8'), `${CERT_B.cert}${CERT_B.key}`);
    const log = await controller.log();
    assert.match(log, /certificate and endpoint changes over the Runtime API|certificate/);
    for (const key of [CERT_A.key, CERT_A2.key, CERT_B.key]) {
      const body = key.split('\n')[1] as string;
      assert.ok(!log.includes(body), 'a private key line appears in the log');
    }
    assert.doesNotMatch(log, /PRIVATE KEY/);
  });

  it('a removed TLS host falls back to the default certificate without a reload', async () => {
    await controller.write('ingresses.yaml', ingresses(false));
    await expectCert('b.example', FALLBACK, 'rt-b');
    await assertNoReload('TLS host removed');
    await eventually(async () => {
      const files = await readdir(join(controller.configDir, 'certs'));
      assert.ok(!files.includes('default_tls-b.pem'), 'the removed certificate file is deleted');
    });
  });

  it('a later reload serves the same certificates from disk', async () => {
    await controller.write('configmap.yaml', [configMap({ ...CONFIG, 'timeout-client': '40s' })]);
    await eventually(async () => assert.equal(await controller.reloads(), baseline.reloads + 1), 10_000, 50);
    const now = await processState();
    assert.notEqual(now.worker, baseline.worker, 'a new worker after the reload');
    await expectCert('a.example', 'a.example', 'rt-a', /rotated\.a\.example/);
    await expectCert('b.example', FALLBACK, 'rt-b');
  });
});
