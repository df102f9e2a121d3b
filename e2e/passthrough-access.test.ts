/**
 * allow-list and deny-list on an ssl-passthrough route, through the real
 * HAProxy: the TLS connection of a client the lists refuse is closed before
 * it reaches the pods (the client sees no certificate at all), while a client
 * they let in gets the pod's own certificate; the lists may come from a
 * pattern file and change without a reload.
 */
import assert from 'node:assert/strict';
import { connect as tcpConnect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { connect } from 'node:tls';
import { selfSigned } from './harness/certs.ts';
import { TestController } from './harness/controller.ts';
import { configMap, endpointSlice, ingress, service } from './harness/objects.ts';
import { startTlsPods, type TlsPods } from './harness/tls-pods.ts';
import { eventually } from './harness/wait.ts';

const POD_CERT = selfSigned('pt.example');

/** The subject CN the server presents to a client at `source`, or the error that ended the handshake. */
function handshake(port: number, servername: string, source: string): Promise<string> {
  return new Promise((resolve) => {
    const tcp = tcpConnect({ host: '127.0.0.1', port, localAddress: source });
    const socket = connect({ socket: tcp, servername, rejectUnauthorized: false });
    socket.setTimeout(3_000, () => socket.destroy(new Error('timeout')));
    socket.once('secureConnect', () => {
      resolve(`cert ${String(socket.getPeerCertificate().subject?.CN)}`);
      socket.destroy();
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(`error ${error.code ?? error.message}`));
    socket.once('close', () => resolve('closed'));
  });
}

describe('access lists on ssl-passthrough', () => {
  let controller: TestController;
  let pods: TlsPods;

  const passthrough = (host: string, annotations: Record<string, string>) =>
    ingress(
      host.split('.')[0] as string,
      { rules: [{ host, paths: [{ path: '/', service: 'pt', port: 443 }] }] },
      { annotations: { 'haproxy.org/ssl-passthrough': 'true', ...annotations } },
    );

  before(async () => {
    pods = await startTlsPods('pt', 1, { kind: 'https', ...POD_CERT });
    controller = await TestController.create({
      'pt.yaml': [
        service('pt', [{ port: 443 }]),
        endpointSlice('pt', { port: pods.port }, [{ address: pods.addresses[0] as string }]),
        passthrough('allow.example', { 'haproxy.org/allow-list': '127.0.0.5, 127.0.1.0/24' }),
        passthrough('deny.example', { 'haproxy.org/deny-list': '127.0.0.6' }),
        passthrough('listed.example', { 'haproxy.org/allow-list': 'patterns/partners' }),
      ],
      'patterns.yaml': [configMap({ partners: '127.0.0.7' }, 'patterns')],
    });
    await controller.start(['--configmap-patternfiles', 'default/patterns']);
    await eventually(
      async () =>
        assert.equal(
          await handshake(controller.ports.https, 'allow.example', '127.0.0.5'),
          'cert pt.example',
        ),
      10_000,
      50,
    );
  });

  after(async () => {
    await controller?.cleanup();
    await pods?.stop();
  });

  it('allow-list: listed clients reach the pod, the others are cut off before any certificate', async () => {
    const https = controller.ports.https;
    assert.equal(await handshake(https, 'allow.example', '127.0.1.9'), 'cert pt.example');
    assert.doesNotMatch(await handshake(https, 'allow.example', '127.0.0.4'), /^cert/);
    assert.doesNotMatch(await controller.log(), /allow-list: has no effect/);
  });

  it('deny-list: the listed client is cut off, the others reach the pod', async () => {
    const https = controller.ports.https;
    assert.doesNotMatch(await handshake(https, 'deny.example', '127.0.0.6'), /^cert/);
    assert.equal(await handshake(https, 'deny.example', '127.0.0.4'), 'cert pt.example');
  });

  it('a pattern file list changes over the Runtime API, without a reload', async () => {
    const https = controller.ports.https;
    assert.equal(await handshake(https, 'listed.example', '127.0.0.7'), 'cert pt.example');
    assert.doesNotMatch(await handshake(https, 'listed.example', '127.0.0.8'), /^cert/);
    const reloads = await controller.reloads();
    await controller.write('patterns.yaml', [configMap({ partners: '127.0.0.8' }, 'patterns')]);
    await eventually(
      async () => assert.equal(await handshake(https, 'listed.example', '127.0.0.8'), 'cert pt.example'),
      10_000,
      50,
    );
    assert.doesNotMatch(await handshake(https, 'listed.example', '127.0.0.7'), /^cert/);
    assert.equal(await controller.reloads(), reloads);
  });
});
