/**
 * ssl-passthrough: a passthrough host's TLS reaches its pods unterminated (the
 * client sees the pod's own certificate), the other HTTPS hosts keep the
 * controller's certificates, routing and client addresses, turning it on and
 * off never fails a request to them, and the TCP backend follows pod churn
 * over the Runtime API.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { selfSigned } from './harness/certs.ts';
import { TestController } from './harness/controller.ts';
import { httpsGet } from './harness/http.ts';
import { configMap, endpointSlice, ingress, service, tlsSecret } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { startTlsPods, type TlsPods } from './harness/tls-pods.ts';
import { eventually } from './harness/wait.ts';

const CERT_WEB = selfSigned('web.example');
const CERT_POD = selfSigned('pt.example');

describe('ssl-passthrough', () => {
  let controller: TestController;
  let web: Pods;
  let pt: TlsPods;

  const ptObjects = (passthrough: boolean, podCount = 1) => [
    service('pt', [{ port: 443 }]),
    endpointSlice(
      'pt',
      { port: pt.port },
      pt.addresses.slice(0, podCount).map((address) => ({ address })),
    ),
    ingress(
      'pt',
      { rules: [{ host: 'pt.example', paths: [{ path: '/', service: 'pt', port: 443 }] }] },
      { annotations: passthrough ? { 'haproxy.org/ssl-passthrough': 'true' } : {} },
    ),
  ];

  const getWeb = (localAddress = '127.0.0.1') =>
    httpsGet(controller.ports.https, 'web.example', '/', 3_000, { localAddress });
  const getPt = () => httpsGet(controller.ports.https, 'pt.example', '/', 3_000);

  /** Sends HTTPS requests to web.example back to back while `change` runs; returns how many failed. */
  async function duringChange(change: () => Promise<void>): Promise<{ sent: number; failed: string[] }> {
    let running = true;
    const failed: string[] = [];
    let sent = 0;
    const loop = (async () => {
      while (running && sent < 5_000) {
        sent++;
        try {
          const reply = await getWeb();
          if (reply.pod !== 'web-1' || reply.certificate?.subject !== 'web.example')
            failed.push(`status ${reply.status} pod ${reply.pod} cert ${reply.certificate?.subject}`);
        } catch (error) {
          failed.push((error as Error).message);
        }
      }
    })();
    try {
      await change();
      // Keep sending a little after the switch, through the old workers' soft stop.
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      running = false;
      await loop;
    }
    return { sent, failed };
  }

  before(async () => {
    web = await startPods('web', 1);
    pt = await startTlsPods('pt', 2, { kind: 'https', ...CERT_POD });
    controller = await TestController.create({
      'configmap.yaml': [configMap({ 'ssl-redirect': 'OFF', 'servers-increment': '1' })],
      'web.yaml': [
        service('web', [{ port: 80 }]),
        endpointSlice(
          'web',
          { port: web.port },
          web.addresses.map((address) => ({ address })),
        ),
        tlsSecret('tls-web', CERT_WEB.cert, CERT_WEB.key),
        ingress('web', {
          tls: [{ hosts: ['web.example'], secretName: 'tls-web' }],
          rules: [{ host: 'web.example', paths: [{ path: '/', service: 'web', port: 80 }] }],
        }),
      ],
      'pt.yaml': ptObjects(false),
    });
    await controller.start();
    await eventually(async () => assert.equal((await getWeb()).pod, 'web-1'), 10_000, 50);
  });

  after(async () => {
    await controller?.cleanup();
    await web?.stop();
    await pt?.stop();
  });

  it('turning it on passes pt.example through and never fails a request to the other hosts', async (t) => {
    assert.equal((await getPt()).certificate?.subject, 'haproxy-sidecar-ingress default certificate');
    const { sent, failed } = await duringChange(async () => {
      await controller.write('pt.yaml', ptObjects(true));
      await eventually(async () => assert.equal((await getPt()).pod, 'pt-1'), 10_000, 20);
    });
    t.diagnostic(`${sent} requests to web.example during the switch, ${failed.length} failed`);
    assert.deepEqual(failed, []);
    assert.match(await controller.config(), /frontend https-passthrough/);
  });

  it('the passthrough host gets the pod certificate, the others the controller certificate', async () => {
    const passed = await getPt();
    assert.equal(passed.certificate?.subject, 'pt.example');
    assert.equal(passed.status, 200);
    const terminated = await getWeb();
    assert.equal(terminated.certificate?.subject, 'web.example');
    assert.equal(terminated.pod, 'web-1');
    assert.equal(
      (await httpsGet(controller.ports.https, 'unknown.example', '/', 3_000)).certificate?.subject,
      'haproxy-sidecar-ingress default certificate',
    );
  });

  it('client addresses survive the internal hop to the terminating frontend', async () => {
    const reply = await getWeb('127.0.0.3');
    const echoed = JSON.parse(reply.body) as { headers: Record<string, string> };
    assert.equal(echoed.headers['x-forwarded-for'], '127.0.0.3');
  });

  it('the TCP backend follows pod churn over the Runtime API', async () => {
    const reloads = await controller.reloads();
    await controller.write('pt.yaml', ptObjects(true, 2));
    const seen = new Set<string>();
    await eventually(
      async () => {
        seen.add((await getPt()).pod as string);
        assert.equal(seen.size, 2, `pods seen: ${[...seen].join(', ')}`);
      },
      10_000,
      20,
    );
    assert.equal(await controller.reloads(), reloads, 'no reload for a new passthrough pod');
  });

  it('turning it off terminates pt.example again without failing a request to the other hosts', async (t) => {
    const { sent, failed } = await duringChange(async () => {
      await controller.write('pt.yaml', ptObjects(false, 2));
      await eventually(
        async () =>
          assert.equal((await getPt()).certificate?.subject, 'haproxy-sidecar-ingress default certificate'),
        10_000,
        20,
      );
    });
    t.diagnostic(`${sent} requests to web.example during the switch, ${failed.length} failed`);
    assert.deepEqual(failed, []);
    assert.doesNotMatch(await controller.config(), /frontend https-passthrough/);
  });
});
