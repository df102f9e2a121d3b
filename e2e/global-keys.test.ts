/**
 * Global and defaults keys from the ConfigMap, shown by behaviour: logs reach a
 * syslog server in the given format (logasap, dontlognull), timeouts answer 408
 * / 503 / close idle connections, http-connection-mode closes connections, and
 * hard-stop-after cuts off a previous worker's requests after a reload.
 */
import assert from 'node:assert/strict';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { TestController } from './harness/controller.ts';
import { configMap, endpointSlice, ingress, service } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { eventually } from './harness/wait.ts';

describe('global and defaults keys', () => {
  let controller: TestController;
  let pods: Pods;
  let syslog: UdpSocket;
  const logLines: string[] = [];
  let settings: Record<string, string>;

  const objects = () => [
    service('app', [{ port: 80 }], { 'haproxy.org/check': 'false' }),
    endpointSlice('app', { port: pods.port }, [{ address: pods.addresses[0] as string }]),
    ingress('app', { rules: [{ host: 'app.example', paths: [{ path: '/', service: 'app', port: 80 }] }] }),
    service('one', [{ port: 80 }], { 'haproxy.org/check': 'false', 'haproxy.org/pod-maxconn': '1' }),
    endpointSlice('one', { port: pods.port }, [{ address: pods.addresses[1] as string }]),
    ingress('one', { rules: [{ host: 'one.example', paths: [{ path: '/', service: 'one', port: 80 }] }] }),
  ];

  /** A raw client connection, with what it received and whether the server closed it. */
  async function rawClient() {
    const socket: Socket = connect(controller.ports.http, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    const state = { data: '', closed: false };
    socket.setEncoding('utf8');
    socket.on('data', (d) => (state.data += d));
    socket.on('error', () => {});
    socket.on('close', () => (state.closed = true));
    return { socket, state };
  }

  before(async () => {
    pods = await startPods('glob', 2);
    syslog = createSocket('udp4');
    syslog.on('message', (m) => logLines.push(m.toString()));
    await new Promise<void>((r) => syslog.bind(0, '127.0.0.1', () => r()));
    settings = {
      'syslog-server': `address:127.0.0.1, port:${syslog.address().port}, facility:local0, level:info, format:raw`,
      // Quotes for the log line written plain (as in the reference controller's default) and escaped.
      'log-format': 'hsi-log %ST %HM %HU %Tt "%ci" \\"%ci\\"',
      logasap: 'true',
      dontlognull: 'false',
      'http-connection-mode': 'httpclose',
      'timeout-http-request': '300ms',
      'timeout-queue': '300ms',
      'hard-stop-after': '400ms',
    };
    controller = await TestController.create({
      'configmap.yaml': [configMap(settings)],
      'app.yaml': objects(),
    });
    await controller.start();
  });

  after(async () => {
    await controller?.cleanup();
    await pods?.stop();
    syslog?.close();
  });

  it('syslog-server, log-format and logasap: the request is logged to the syslog server in our format', async () => {
    assert.equal((await controller.get('app.example', '/logged')).status, 200);
    await eventually(() => {
      const line = logLines.find((l) => l.includes('/logged'));
      assert.ok(line, `a log line for /logged arrived: ${JSON.stringify(logLines.slice(-3))}`);
      // logasap: the total time is printed with a leading "+", logged before the response ended.
      assert.match(line, /^hsi-log 200 GET \/logged \+\d+ "127\.0\.0\.1" "127\.0\.0\.1"\s*$/);
    }, 3_000);
  });

  it('dontlognull=false: a connection that sends nothing is logged', async () => {
    const before = logLines.length;
    const { socket } = await rawClient();
    socket.end();
    await eventually(
      () => assert.ok(logLines.slice(before).some((l) => l.startsWith('hsi-log ') && !l.includes('/logged'))),
      3_000,
    );
  });

  it('http-connection-mode=httpclose: HAProxy closes the client connection after each response', async () => {
    const reply = await controller.get('app.example', '/', { connection: 'keep-alive' });
    assert.equal(reply.status, 200);
    assert.equal(reply.headers.connection, 'close');
  });

  it('timeout-http-request: a client that does not finish its request gets 408', async () => {
    const { socket, state } = await rawClient();
    socket.write('GET / HTTP/1.1\r\nhost: app.example\r\n');
    await eventually(() => assert.match(state.data, /^HTTP\/1\.1 408 /), 3_000, 20);
    socket.destroy();
  });

  it('timeout-queue: a request queued behind pod-maxconn longer than the timeout gets 503', async () => {
    const busy = controller.get('one.example', '/?sleep=1500');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await controller.get('one.example', '/')).status, 503);
    assert.equal((await busy).status, 200);
  });

  it('hard-stop-after: after a reload, the previous worker is stopped with its slow request', async () => {
    const inFlight = controller.get('app.example', '/?sleep=3000', {}).then(
      (r) => `status ${r.status}`,
      (e: Error) => `error ${e.message}`,
    );
    await new Promise((r) => setTimeout(r, 200));
    const reloads = (await controller.showProc()).master.reloads;
    // dontlognull back on: a change that reloads HAProxy, and is itself checked below.
    await controller.write('configmap.yaml', [configMap({ ...settings, dontlognull: 'true' })]);
    await eventually(async () => assert.ok((await controller.showProc()).master.reloads > reloads), 5_000);
    const outcome = await inFlight;
    // The old worker cuts its server side first (502) or just goes away (connection error); never 200.
    assert.match(
      outcome,
      /^(error |status 502)/,
      `the old worker was stopped before the pod answered (${outcome})`,
    );

    // dontlognull=true: a connection that sends nothing is no longer logged.
    const before = logLines.length;
    const { socket } = await rawClient();
    socket.end();
    await controller.get('app.example', '/after-null');
    await eventually(() => assert.ok(logLines.slice(before).some((l) => l.includes('/after-null'))), 3_000);
    // The stopped worker's line for the slow request may arrive late on a loaded machine.
    assert.deepEqual(
      logLines.slice(before).filter((l) => !l.includes('/after-null') && !l.includes('sleep=3000')),
      [],
      'only the real request was logged',
    );
  });
});
