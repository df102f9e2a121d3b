/**
 * TLS keys shown by what clients and pods see: the ALPN protocol negotiated,
 * the default certificate from the ConfigMap, strict SNI, required and
 * optional client certificates, PROXY protocol from allowed sources, TLS to
 * the pods with and without verification, a client certificate presented to
 * the pods, HTTP/2 to the pods; and bad values ignored with a clear error.
 */
import assert from 'node:assert/strict';
import { connect as netConnect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import { selfSigned, testCa } from './harness/certs.ts';
import { TestController } from './harness/controller.ts';
import { httpsGet } from './harness/http.ts';
import { configMap, endpointSlice, ingress, service, tlsSecret } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { startTlsPods, type TlsEchoReply, type TlsPodOptions, type TlsPods } from './harness/tls-pods.ts';
import { eventually } from './harness/wait.ts';

const CLIENT_CA = testCa('client-ca');
const OTHER_CA = testCa('other-ca');
const POD_CA = testCa('pod-ca');
const MTLS_CA = testCa('mtls-ca');
const CERT_PLAIN = selfSigned('plain.example');
const CERT_DEFAULT = selfSigned('default.example');
const CLIENT = CLIENT_CA.issue('alice');
const STRANGER = OTHER_CA.issue('mallory');
const HAPROXY_CLIENT = MTLS_CA.issue('haproxy');

const caSecret = (name: string, ca: string) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: 'default' },
  type: 'Opaque',
  stringData: { 'ca.crt': ca },
});

/** A Service with annotations, its pods and an Ingress for `<name>.example`. */
function app(
  name: string,
  pods: { addresses: string[]; port: number },
  annotations: Record<string, string> = {},
) {
  return [
    service(name, [{ port: 80 }], annotations),
    endpointSlice(
      name,
      { port: pods.port },
      pods.addresses.map((address) => ({ address })),
    ),
    ingress(name, { rules: [{ host: `${name}.example`, paths: [{ path: '/', service: name, port: 80 }] }] }),
  ];
}

/** Handshake only: the ALPN protocol and certificate the HTTPS port chose, or the handshake error. */
function handshake(
  port: number,
  servername: string,
  options: { alpn?: string[]; cert?: string; key?: string } = {},
): Promise<{ alpn: string | false; subject: string }> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      host: '127.0.0.1',
      port,
      servername,
      rejectUnauthorized: false,
      ALPNProtocols: options.alpn,
      cert: options.cert,
      key: options.key,
    });
    socket.setTimeout(3_000, () => socket.destroy(new Error('handshake timeout')));
    socket.once('secureConnect', () => {
      const result = {
        alpn: socket.alpnProtocol ?? false,
        subject: String(socket.getPeerCertificate().subject?.CN ?? ''),
      };
      socket.end();
      resolve(result);
    });
    socket.once('error', reject);
  });
}

describe('TLS keys', () => {
  let controller: TestController;
  let plain: Pods;
  const tlsPods: Record<string, TlsPods> = {};
  const podKinds: Record<string, TlsPodOptions> = {
    sslpod: { kind: 'https', ...selfSigned('sslpod.internal') },
    capod: { kind: 'https', ...POD_CA.issue('capod.internal') },
    mtlspod: { kind: 'https', ...selfSigned('mtlspod.internal'), clientCa: MTLS_CA.cert },
    h2cpod: { kind: 'h2c' },
    h2pod: { kind: 'h2', ...selfSigned('h2pod.internal') },
  };
  const baseConfig = { 'ssl-redirect': 'OFF' };

  const apps = () => [
    ...app('plain', plain),
    ...app('ssl', tlsPods.sslpod as TlsPods, { 'haproxy.org/server-ssl': 'true' }),
    ...app('noverify', tlsPods.capod as TlsPods, { 'haproxy.org/server-ssl': 'true' }),
    ...app('ca', tlsPods.capod as TlsPods, {
      'haproxy.org/server-ssl': 'true',
      'haproxy.org/server-ca': 'pod-ca',
    }),
    ...app('badca', tlsPods.capod as TlsPods, {
      'haproxy.org/server-ssl': 'true',
      'haproxy.org/server-ca': 'default/other-ca',
    }),
    ...app('mtls', tlsPods.mtlspod as TlsPods, {
      'haproxy.org/server-ssl': 'true',
      'haproxy.org/server-crt': 'haproxy-client',
    }),
    ...app('nomtls', tlsPods.mtlspod as TlsPods, { 'haproxy.org/server-ssl': 'true' }),
    ...app('h2c', tlsPods.h2cpod as TlsPods, { 'haproxy.org/server-proto': 'h2' }),
    ...app('h2', tlsPods.h2pod as TlsPods, {
      'haproxy.org/server-ssl': 'true',
      'haproxy.org/server-proto': 'h2',
    }),
  ];

  const https = (name: string, tls: { cert?: string; key?: string } = {}) =>
    httpsGet(controller.ports.https, name, '/', 3_000, tls);

  async function setConfig(data: Record<string, string>) {
    const reloads = await controller.reloads();
    await controller.write('configmap.yaml', [configMap({ ...baseConfig, ...data })]);
    await eventually(async () => assert.ok((await controller.reloads()) > reloads, 'reloaded'), 10_000, 50);
  }

  before(async () => {
    plain = await startPods('plain', 1);
    for (const [name, options] of Object.entries(podKinds))
      tlsPods[name] = await startTlsPods(name, 1, options);
    controller = await TestController.create({
      'configmap.yaml': [configMap(baseConfig)],
      'secrets.yaml': [
        tlsSecret('tls-plain', CERT_PLAIN.cert, CERT_PLAIN.key),
        tlsSecret('default-cert', CERT_DEFAULT.cert, CERT_DEFAULT.key),
        tlsSecret('haproxy-client', HAPROXY_CLIENT.cert, HAPROXY_CLIENT.key),
        caSecret('client-ca', CLIENT_CA.cert),
        caSecret('pod-ca', POD_CA.cert),
        caSecret('other-ca', OTHER_CA.cert),
      ],
      'apps.yaml': apps(),
      'tls-ingress.yaml': [
        ingress('plain-tls', { tls: [{ hosts: ['plain.example'], secretName: 'tls-plain' }] }),
      ],
    });
    await controller.start();
    await eventually(async () => assert.equal((await https('plain.example')).pod, 'plain-1'), 10_000, 50);
  });

  after(async () => {
    await controller?.cleanup();
    await plain?.stop();
    for (const pods of Object.values(tlsPods)) await pods.stop();
  });

  describe('backend TLS', () => {
    const reply = async (host: string) => {
      const r = await https(host);
      return {
        status: r.status,
        pod: r.pod,
        echo: r.status === 200 ? (JSON.parse(r.body) as TlsEchoReply) : undefined,
      };
    };

    it('server-ssl: HAProxy speaks TLS to the pod (verify none without server-ca)', async () => {
      const r = await reply('ssl.example');
      assert.equal(r.pod, 'sslpod-1');
      assert.equal(r.echo?.tls, true);
      assert.equal((await reply('noverify.example')).pod, 'capod-1');
    });

    it('server-ca: a pod certificate from that CA is accepted, another CA gives 503', async () => {
      assert.equal((await reply('ca.example')).pod, 'capod-1');
      const bad = await reply('badca.example');
      assert.equal(bad.status, 503, 'pod certificate not signed by other-ca');
    });

    it('server-crt: HAProxy presents the client certificate the pod requires', async () => {
      const r = await reply('mtls.example');
      assert.equal(r.pod, 'mtlspod-1');
      assert.equal(r.echo?.clientCert, 'haproxy');
      // The pod refuses the handshake: 502 at once, 503 once health checks mark it DOWN.
      const refused = (await reply('nomtls.example')).status;
      assert.ok(refused === 502 || refused === 503, `without server-crt the pod refuses: got ${refused}`);
    });

    it('server-proto h2: HTTP/2 to an h2c pod and to an h2 pod over TLS', async () => {
      const h2c = await reply('h2c.example');
      assert.equal(h2c.pod, 'h2cpod-1');
      assert.equal(h2c.echo?.httpVersion, '2.0');
      const h2 = await reply('h2.example');
      assert.equal(h2.pod, 'h2pod-1');
      assert.deepEqual([h2.echo?.httpVersion, h2.echo?.tls], ['2.0', true]);
    });

    it('servers added over the Runtime API get the same TLS options', async () => {
      const more = await startTlsPods('sslmore', 3, { kind: 'https', ...selfSigned('sslmore.internal') });
      try {
        const reloads = await controller.reloads();
        await controller.write('sslmore.yaml', [
          ...app(
            'sslmore',
            { addresses: more.addresses.slice(0, 1), port: more.port },
            {
              'haproxy.org/server-ssl': 'true',
              'haproxy.org/servers-increment': '1',
            },
          ),
        ]);
        await eventually(
          async () => assert.equal((await https('sslmore.example')).pod, 'sslmore-1'),
          10_000,
          50,
        );
        // The new worker can serve before the controller has confirmed (and counted) its reload.
        const afterFirst = reloads + 1;
        await eventually(async () =>
          assert.equal(await controller.reloads(), afterFirst, 'a new backend reloads once'),
        );
        // Two more pods than slots: `add server` with the backend's TLS options.
        await controller.write(
          'sslmore.yaml',
          app('sslmore', more, {
            'haproxy.org/server-ssl': 'true',
            'haproxy.org/servers-increment': '1',
          }),
        );
        const seen = new Set<string>();
        await eventually(
          async () => {
            const r = await https('sslmore.example');
            assert.equal(r.status, 200);
            seen.add(r.pod as string);
            assert.equal(seen.size, 3, `pods seen: ${[...seen].join(', ')}`);
          },
          10_000,
          20,
        );
        assert.equal(await controller.reloads(), afterFirst, 'scaling past the slots did not reload');
      } finally {
        await controller.remove('sslmore.yaml');
        await more.stop();
      }
    });
  });

  describe('frontend TLS (ConfigMap)', () => {
    it('tls-alpn: h2 by default, http/1.1 only when configured', async () => {
      assert.equal(
        (await handshake(controller.ports.https, 'plain.example', { alpn: ['h2', 'http/1.1'] })).alpn,
        'h2',
      );
      await setConfig({ 'tls-alpn': 'http/1.1' });
      await eventually(async () => {
        const chosen = await handshake(controller.ports.https, 'plain.example', { alpn: ['h2', 'http/1.1'] });
        assert.equal(chosen.alpn, 'http/1.1');
      });
    });

    it('ssl-certificate: an unknown SNI gets the ConfigMap default certificate', async () => {
      await setConfig({ 'ssl-certificate': 'default/default-cert' });
      await eventually(async () =>
        assert.equal((await https('unknown.example')).certificate?.subject, 'default.example'),
      );
      assert.equal((await https('plain.example')).certificate?.subject, 'plain.example');
    });

    it('client-strict-sni: a handshake without a known SNI is refused', async () => {
      await setConfig({ 'client-strict-sni': 'true' });
      await eventually(async () => {
        await assert.rejects(handshake(controller.ports.https, 'unknown.example'));
      });
      assert.equal((await https('plain.example')).pod, 'plain-1');
    });

    it('client-ca: a client certificate from the CA is required', async () => {
      await setConfig({ 'client-ca': 'client-ca' });
      await eventually(async () => {
        await assert.rejects(https('plain.example'), 'no client certificate');
      });
      assert.equal((await https('plain.example', CLIENT)).pod, 'plain-1');
      await assert.rejects(https('plain.example', STRANGER), 'certificate from another CA');
    });

    it('client-crt-optional: no certificate is fine, a bad one is still refused', async () => {
      await setConfig({ 'client-ca': 'client-ca', 'client-crt-optional': 'true' });
      await eventually(async () => assert.equal((await https('plain.example')).pod, 'plain-1'));
      assert.equal((await https('plain.example', CLIENT)).pod, 'plain-1');
      await assert.rejects(https('plain.example', STRANGER));
    });

    it('client-ca naming a missing Secret refuses every HTTPS connection and is reported', async () => {
      await setConfig({ 'client-ca': 'no-such-secret' });
      await eventually(async () => await assert.rejects(https('plain.example', CLIENT)));
      assert.match(
        await controller.log(),
        /ConfigMap default\/haproxy-configmap client-ca: Secret default\/no-such-secret not found/,
      );
      assert.equal((await controller.get('plain.example', '/')).pod, 'plain-1', 'HTTP still serves');
    });

    it('proxy-protocol: allowed sources must send a PROXY header, whose address is used', async () => {
      await setConfig({ 'proxy-protocol': '127.0.0.1/32, 10.0.0.0/8' });
      const raw = (localAddress: string, preamble: string) =>
        new Promise<string>((resolve, reject) => {
          const socket = netConnect({ host: '127.0.0.1', port: controller.ports.http, localAddress });
          let data = '';
          socket.setTimeout(3_000, () => socket.destroy(new Error('timeout')));
          socket.on('data', (c) => (data += c));
          socket.on('end', () => resolve(data));
          socket.on('error', reject);
          socket.write(`${preamble}GET / HTTP/1.1\r\nHost: plain.example\r\nConnection: close\r\n\r\n`);
        });
      await eventually(async () => {
        const answer = await raw('127.0.0.1', 'PROXY TCP4 192.0.2.7 127.0.0.1 40000 80\r\n');
        assert.match(answer, /^HTTP\/1\.1 200/);
        assert.match(answer, /"x-forwarded-for":"192\.0\.2\.7"/);
      });
      // Another source is not expected to send the header.
      assert.match(await raw('127.0.0.2', ''), /"x-forwarded-for":"127\.0\.0\.2"/);
    });
  });

  describe('bad values', () => {
    const BAD: Record<string, string[]> = {
      'ssl-certificate': ['Not/A/Secret', 'x\nbind :1', 'a#b', '"q"', 'a'.repeat(5000)],
      'client-ca': ['UPPER', 'ca\ncrt-base /', 'ca # c', "'q'", 'a'.repeat(300)],
      'client-crt-optional': ['maybe', 'true\n', '#', '"true"', 'y'.repeat(5000)],
      'client-strict-sni': ['2', 'on\nstrict', 'on #', '"on"', 'n'.repeat(5000)],
      'tls-alpn': ['h2,,http/1.1', 'h2\nbind :1', 'h2 #x', '"h2"', 'h'.repeat(40)],
      'proxy-protocol': [
        '10.0.0.0/33',
        '10.0.0.1\nbind :1',
        '10.0.0.1 #',
        '"10.0.0.1"',
        '1.2.3.4 '.repeat(700),
      ],
    };
    const BAD_BACKEND: Record<string, string[]> = {
      'server-ssl': ['maybe', 'true\nbind :1', 'true #', '"true"', 't'.repeat(5000)],
      'server-ca': ['a b', 'ca\nbind :1', 'ca#', '"ca"', 'c'.repeat(300)],
      'server-crt': ['-x', 'crt\nbind :1', 'crt #', "'crt'", 'c'.repeat(300)],
      'server-proto': ['h3', 'h2\nbind :1', 'h2 #', '"h2"', 'h'.repeat(5000)],
      'ssl-passthrough': ['sometimes', 'true\nmode tcp', 'true #', '"true"', 't'.repeat(5000)],
    };

    for (let round = 0; round < 5; round++) {
      it(`round ${round + 1}: every TLS key's bad value is ignored with an error, config intact`, async () => {
        const cm = Object.fromEntries(Object.entries(BAD).map(([k, v]) => [k, v[round] as string]));
        const annotations = Object.fromEntries(
          Object.entries(BAD_BACKEND).map(([k, v]) => [`haproxy.org/${k}`, v[round] as string]),
        );
        await controller.write('configmap.yaml', [
          configMap({ ...baseConfig, ...cm, 'timeout-client': `${41 + round}s` }),
        ]);
        await controller.write('apps.yaml', [
          ...apps().filter((o) => !(o.metadata.name === 'plain' && o.kind === 'Service')),
          service('plain', [{ port: 80 }], annotations),
        ]);
        await eventually(
          async () => {
            const log = await controller.log();
            for (const key of Object.keys(BAD))
              assert.ok(
                log.includes(`ConfigMap default/haproxy-configmap ${key}: `),
                `error for ConfigMap ${key}`,
              );
            for (const key of Object.keys(BAD_BACKEND))
              assert.ok(
                log.includes(`Service default/plain haproxy.org/${key}: `),
                `error for annotation ${key}`,
              );
            assert.match(await controller.config(), new RegExp(`timeout client ${41 + round}s`));
          },
          10_000,
          100,
        );
        const config = await controller.config();
        assert.doesNotMatch(config, /bind :1|crt-base \/\n|strict\n|mode tcp\n/);
        assert.match(config, /alpn h2,http\/1\.1/);
        // The config file is written before the reload completes: the previous worker may still answer.
        await eventually(async () => {
          assert.equal((await https('plain.example')).pod, 'plain-1');
          assert.equal((await controller.get('plain.example', '/')).pod, 'plain-1');
        });
      });
    }
  });
});
