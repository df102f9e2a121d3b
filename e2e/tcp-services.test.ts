/**
 * --configmap-tcp-services through the real HAProxy: each key is a port that
 * forwards raw TCP to the Service port its value names (`:ssl` terminates TLS
 * with the controller's certificates first); pods join and leave over the
 * Runtime API without a reload; editing the ConfigMap moves a port to another
 * Service, a bad entry is reported and skipped, and deleting the ConfigMap
 * closes the ports.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { selfSigned } from './harness/certs.ts';
import { TestController } from './harness/controller.ts';
import { httpGet, httpsGet } from './harness/http.ts';
import { freePort } from './harness/net.ts';
import { configMap, endpointSlice, service, tlsSecret } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { eventually } from './harness/wait.ts';

const DEFAULT_CERT = selfSigned('default.example');

/** True when a TCP connection to the port is accepted and stays open for a moment. */
function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('error', () => resolve(false));
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
  });
}

describe('--configmap-tcp-services', () => {
  let controller: TestController;
  let db: Pods;
  let other: Pods;
  let plainPort: number;
  let sslPort: number;

  const dbSlice = (count: number) =>
    endpointSlice(
      'db',
      { port: db.port },
      db.addresses.slice(0, count).map((address, i) => ({ address, name: `db-${i + 1}` })),
    );
  const tcpServices = (data: Record<string, string>) => configMap(data, 'tcp-services', 'ingress');

  before(async () => {
    db = await startPods('db', 2);
    other = await startPods('other', 1);
    plainPort = await freePort();
    sslPort = await freePort();
    controller = await TestController.create({
      'db.yaml': [
        service('db', [{ port: 5432 }], {}, 'data'),
        { ...dbSlice(1), metadata: { ...dbSlice(1).metadata, namespace: 'data' } },
      ],
      'other.yaml': [
        service('other', [{ port: 7000 }]),
        endpointSlice('other', { port: other.port }, [
          { address: other.addresses[0] as string, name: 'other-1' },
        ]),
      ],
      'default-cert.yaml': [tlsSecret('default-cert', DEFAULT_CERT.cert, DEFAULT_CERT.key)],
      'tcp.yaml': [tcpServices({ [plainPort]: 'data/db:5432', [sslPort]: 'data/db:5432:ssl' })],
    });
    await controller.start([
      '--configmap-tcp-services',
      'ingress/tcp-services',
      '--default-ssl-certificate',
      'default/default-cert',
    ]);
    await eventually(async () => assert.equal((await httpGet(plainPort, '/')).pod, 'db-1'), 10_000, 50);
  });

  after(async () => {
    await controller?.cleanup();
    await db?.stop();
    await other?.stop();
  });

  const writeDb = (count: number) => {
    const slice = dbSlice(count);
    return controller.write('db.yaml', [
      service('db', [{ port: 5432 }], {}, 'data'),
      { ...slice, metadata: { ...slice.metadata, namespace: 'data' } },
    ]);
  };

  it('forwards raw TCP to the Service port; :ssl terminates TLS with the default certificate', async () => {
    assert.equal((await httpGet(plainPort, '/hello')).pod, 'db-1');
    const tls = await httpsGet(sslPort, 'any.example', '/');
    assert.equal(tls.pod, 'db-1');
    assert.equal(tls.certificate?.subject, 'default.example');
    const config = await controller.config();
    assert.match(config, new RegExp(`frontend tcp-${plainPort}\\n  mode tcp`));
  });

  it('a new pod joins over the Runtime API, without a reload', async () => {
    const reloads = await controller.reloads();
    await writeDb(2);
    const seen = new Set<string>();
    await eventually(
      async () => {
        seen.add(String((await httpGet(plainPort, '/')).pod));
        assert.ok(seen.has('db-2'), `answered by ${[...seen].join(', ')}`);
      },
      10_000,
      20,
    );
    assert.equal(await controller.reloads(), reloads);
    await writeDb(1);
    await eventually(async () => {
      for (let i = 0; i < 4; i++) assert.equal((await httpGet(plainPort, '/')).pod, 'db-1');
    }, 10_000);
    assert.equal(await controller.reloads(), reloads);
  });

  it('an edit moves a port to another Service; a bad entry is reported with its key and skipped', async () => {
    await controller.write('tcp.yaml', [
      tcpServices({
        [plainPort]: 'default/other:7000',
        [sslPort]: 'data/db:5432:ssl',
        '9': 'data/db:5432\n  stats enable',
        http: 'data/db:5432',
      }),
    ]);
    await eventually(async () => assert.equal((await httpGet(plainPort, '/')).pod, 'other-1'), 10_000, 50);
    assert.equal((await httpsGet(sslPort, 'x.example', '/')).pod, 'db-1');
    const log = await controller.log();
    assert.match(log, /ConfigMap ingress\/tcp-services 9: invalid value/);
    assert.match(log, /ConfigMap ingress\/tcp-services http: the key must be the port to listen on/);
    assert.doesNotMatch(await controller.config(), /frontend tcp-9\n/);
  });

  it('deleting the ConfigMap closes the ports', async () => {
    await controller.remove('tcp.yaml');
    await eventually(async () => assert.equal(await portOpen(plainPort), false), 10_000, 50);
    assert.equal(await portOpen(sslPort), false);
    assert.doesNotMatch(await controller.config(), /frontend tcp-/);
  });
});
