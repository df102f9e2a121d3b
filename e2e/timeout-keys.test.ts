/**
 * Timeout and connection keys shown by behaviour through real HAProxy, each
 * against a control with another value: idle keep-alive and tunnel
 * connections are closed after their timeout, a client that stops reading is
 * cut after timeout-client, an unreachable pod answers 503 once the connect
 * attempts time out, a passthrough session the client half-closed ends after
 * timeout-server-fin, one the pod half-closed ends after timeout-client-fin,
 * http-server-close opens a new pod connection per request where
 * http-keep-alive reuses one, and abortonclose drops a queued request whose
 * client has gone. The fin timeouts are shown on passthrough (TCP) sessions:
 * HAProxy 3.0 no longer applies them to HTTP tunnels (WebSocket), which end
 * with timeout-tunnel there.
 */
import assert from 'node:assert/strict';
import { connect as connectHttp2, constants as http2 } from 'node:http2';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { TestController } from './harness/controller.ts';
import {
  type CustomPods,
  type HalfClose,
  type SilentSession,
  startHalfClosingPods,
  startSilentPods,
} from './harness/custom-pods.ts';
import { httpGet } from './harness/http.ts';
import { configMap, endpointSlice, ingress, service } from './harness/objects.ts';
import {
  type BlackholePod,
  type ScriptedPod,
  startBlackholePod,
  startScriptedPod,
} from './harness/scripted-pods.ts';
import { showStat } from './harness/stats.ts';
import { tlsClientHello } from './harness/tls-hello.ts';
import { eventually } from './harness/wait.ts';

/** A raw client connection and what happened on it, with times from performance.now(). */
interface RawClient {
  socket: Socket;
  data: string;
  /** When HAProxy closed its side (FIN); the client keeps its own side open. */
  endAt: number | undefined;
}

const WEBSOCKET =
  'connection: upgrade\r\nupgrade: websocket\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\nsec-websocket-version: 13\r\n';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('timeout and connection keys', () => {
  let controller: TestController;
  let pod: ScriptedPod;
  let blackhole: BlackholePod;
  let halfClosing: CustomPods<unknown> & { halfCloses: HalfClose[] };
  let silent: CustomPods<unknown> & { sessions: SilentSession[] };

  const app = (
    name: string,
    target: { address: string; port: number },
    annotations: Record<string, string> = {},
  ) => [
    service(name, [{ port: 80 }], { 'haproxy.org/check': 'false', ...annotations }),
    endpointSlice(name, { port: target.port }, [{ address: target.address }]),
    ingress(name, { rules: [{ host: `${name}.example`, paths: [{ path: '/', service: name, port: 80 }] }] }),
  ];
  /** TLS for `<name>.example` goes through to the pod: pt ends each session from its side, ps never does. */
  const passthrough = (name: string, target: { address: string; port: number }) => [
    service(name, [{ port: 443 }], { 'haproxy.org/check': 'false' }),
    endpointSlice(name, { port: target.port }, [{ address: target.address }]),
    ingress(
      name,
      { rules: [{ host: `${name}.example`, paths: [{ path: '/', service: name, port: 443 }] }] },
      { annotations: { 'haproxy.org/ssl-passthrough': 'true' } },
    ),
  ];

  /** Replaces the ConfigMap and waits until a new HAProxy worker runs with it. */
  async function configure(data: Record<string, string>): Promise<void> {
    const reloads = await controller.reloads();
    await controller.write('configmap.yaml', [configMap(data)]);
    await eventually(async () => assert.ok((await controller.reloads()) > reloads, 'reloaded'), 10_000, 50);
  }

  async function rawClient(port = controller.ports.http): Promise<RawClient> {
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    await new Promise((r) => socket.once('connect', r));
    const client: RawClient = { socket, data: '', endAt: undefined };
    socket.setEncoding('latin1');
    socket.on('data', (d) => (client.data += d));
    socket.on('error', () => {});
    socket.on('end', () => (client.endAt = performance.now()));
    return client;
  }

  const request = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nhost: sp.example\r\n${extra}\r\n`;

  /** A client whose WebSocket upgrade went through and whose tunnel echoed one message. */
  async function tunnel(): Promise<RawClient> {
    const client = await rawClient();
    client.socket.write(request('/upgrade', WEBSOCKET));
    await eventually(() => assert.match(client.data, /^HTTP\/1\.1 101 /), 3_000);
    client.socket.write('ping');
    await eventually(() => assert.match(client.data, /ping$/), 3_000);
    return client;
  }

  before(async () => {
    pod = await startScriptedPod();
    blackhole = await startBlackholePod();
    halfClosing = await startHalfClosingPods(1);
    silent = await startSilentPods(1);
    const queued = { 'haproxy.org/pod-maxconn': '1' };
    controller = await TestController.create({
      'configmap.yaml': [configMap({})],
      'sp.yaml': app('sp', pod),
      'bh.yaml': app('bh', blackhole),
      'pt.yaml': passthrough('pt', { address: halfClosing.addresses[0] as string, port: halfClosing.port }),
      'ps.yaml': passthrough('ps', { address: silent.addresses[0] as string, port: silent.port }),
      'ab.yaml': app('ab', pod, { ...queued, 'haproxy.org/abortonclose': 'true' }),
      'qu.yaml': app('qu', pod, queued),
    });
    await controller.start();
  });

  after(async () => {
    await controller?.cleanup();
    await pod?.stop();
    await blackhole?.stop();
    await halfClosing?.stop();
    await silent?.stop();
  });

  it('timeout-http-keep-alive: an idle keep-alive connection is closed after the value, not before a longer one', async () => {
    const idle = async () => {
      const client = await rawClient();
      client.socket.write(request('/'));
      await eventually(() => assert.match(client.data, /x-conn: \d+\r\n[\s\S]*GET \/\n$/), 3_000);
      return { client, answeredAt: performance.now() };
    };

    await configure({ 'timeout-http-keep-alive': '300ms' });
    const short = await idle();
    await eventually(() => assert.ok(short.client.endAt, 'HAProxy closed the idle connection'), 3_000);
    const idleMs = (short.client.endAt as number) - short.answeredAt;
    assert.ok(idleMs >= 240, `closed after ${idleMs} ms of idleness, not earlier than the timeout`);
    short.client.socket.destroy();

    await configure({ 'timeout-http-keep-alive': '3s' });
    const long = await idle();
    await sleep(1_000);
    assert.equal(long.client.endAt, undefined, 'still open after 1 s with a 3 s keep-alive timeout');
    long.client.socket.write(request('/again'));
    await eventually(() => assert.match(long.client.data, /GET \/again\n$/), 3_000);
    long.client.socket.destroy();
  });

  it('timeout-client: a client that stops reading a large response is cut after the value', async () => {
    const KB = 64 * 1024;
    const stalled = async () => {
      const client = await rawClient();
      client.socket.pause();
      const before = pod.requests.length;
      client.socket.write(request(`/big?kb=${KB}`));
      await eventually(() => assert.equal(pod.requests.at(before)?.path, '/big'), 3_000);
      const { conn, at } = pod.requests[before] as { conn: number; at: number };
      return { client, conn, at };
    };

    await configure({ 'timeout-client': '300ms' });
    const short = await stalled();
    await eventually(
      () => assert.ok(pod.peerClosedAt.get(short.conn), 'HAProxy gave up the transfer'),
      5_000,
    );
    const cutMs = (pod.peerClosedAt.get(short.conn) as number) - short.at;
    assert.ok(cutMs >= 240, `cut ${cutMs} ms after the request, not earlier than the timeout`);
    // The client, reading again, gets the truncated response and the connection ends.
    short.client.socket.resume();
    await eventually(() => assert.ok(short.client.endAt), 5_000);
    assert.match(short.client.data, /^HTTP\/1\.1 200 /);
    assert.ok(short.client.data.length < KB * 1024, `only ${short.client.data.length} bytes arrived`);
    short.client.socket.destroy();

    await configure({ 'timeout-client': '5s' });
    const long = await stalled();
    await sleep(1_500);
    assert.equal(
      pod.peerClosedAt.get(long.conn),
      undefined,
      'with 5 s the transfer still waits for the reader',
    );
    long.client.socket.destroy();
  });

  it('timeout-connect: a pod that never accepts the connection gets 503 after the connect attempts time out', async () => {
    // The defaults retry a failed connect 3 times: 4 attempts of timeout-connect each.
    await configure({ 'timeout-connect': '200ms' });
    const started = performance.now();
    const reply = await controller.get('bh.example', '/', {});
    const elapsed = performance.now() - started;
    assert.equal(reply.status, 503);
    assert.ok(elapsed >= 0.8 * 4 * 200, `503 after ${elapsed} ms, i.e. after 4 attempts of 200 ms`);

    await configure({ 'timeout-connect': '1s' });
    await assert.rejects(
      httpGet(controller.ports.http, '/', { host: 'bh.example' }, 1_500),
      /timeout after 1500 ms/,
      'with 1 s per attempt there is no answer within 1.5 s',
    );
  });

  it('timeout-tunnel: an idle WebSocket tunnel is closed after the value, not before a longer one', async () => {
    await configure({ 'timeout-tunnel': '300ms' });
    const short = await tunnel();
    const echoedAt = performance.now();
    await eventually(() => assert.ok(short.endAt, 'HAProxy closed the idle tunnel'), 3_000);
    const idleMs = (short.endAt as number) - echoedAt;
    assert.ok(idleMs >= 240, `closed after ${idleMs} ms of idleness, not earlier than the timeout`);
    short.socket.destroy();

    await configure({ 'timeout-tunnel': '3s' });
    const long = await tunnel();
    await sleep(1_000);
    assert.equal(long.endAt, undefined, 'still open after 1 s with a 3 s tunnel timeout');
    long.socket.write('pong');
    await eventually(() => assert.match(long.data, /pingpong$/), 3_000);
    long.socket.destroy();
  });

  it('timeout-server-fin: a passthrough session the client half-closed ends after the value when the pod stays silent', async (t) => {
    const hello = await tlsClientHello('ps.example');
    /** A passthrough session whose client shut its side once the pod had the hello; the pod never answers. */
    const halfClosedByClient = async () => {
      const before = silent.sessions.length;
      const client = await rawClient(controller.ports.https);
      client.socket.write(hello);
      await eventually(() => assert.ok(silent.sessions[before], 'the hello reached the pod'), 3_000);
      client.socket.end();
      const halfClosedAt = performance.now();
      await eventually(
        () => assert.ok(silent.sessions[before]?.peerHalfClosedAt, "the client's half-close reached the pod"),
        3_000,
      );
      return { client, halfClosedAt };
    };

    await configure({ 'timeout-tunnel': '5s', 'timeout-server-fin': '300ms' });
    const short = await halfClosedByClient();
    await eventually(() => assert.ok(short.client.endAt, 'HAProxy closed the half-closed session'), 3_000);
    const waitedMs = (short.client.endAt as number) - short.halfClosedAt;
    assert.ok(waitedMs >= 240, `closed ${waitedMs} ms after the half-close, not earlier than server-fin`);
    t.diagnostic(`server-fin 300ms: closed ${Math.round(waitedMs)} ms after the client half-closed`);
    short.client.socket.destroy();

    // Without server-fin the 5 s tunnel timeout still applies to the half-closed session.
    await configure({ 'timeout-tunnel': '5s' });
    const long = await halfClosedByClient();
    await sleep(1_000);
    assert.equal(long.client.endAt, undefined, 'still open after 1 s without server-fin');
    long.client.socket.destroy();
  });

  it('timeout-client-fin: a passthrough session the pod half-closed ends after the value when the client stays silent', async (t) => {
    const hello = await tlsClientHello('pt.example');
    /** A passthrough session the pod ended: the client got `bye` and the FIN, and keeps its own side open. */
    const endedByPod = async () => {
      const before = halfClosing.halfCloses.length;
      const client = await rawClient(controller.ports.https);
      client.socket.write(hello);
      await eventually(() => {
        assert.equal(client.data, 'bye');
        assert.ok(client.endAt, 'the pod half-close reached the client');
      }, 3_000);
      return { client, halfClose: halfClosing.halfCloses[before] as HalfClose };
    };

    await configure({ 'timeout-tunnel': '5s', 'timeout-client-fin': '300ms' });
    const short = await endedByPod();
    await eventually(
      () => assert.ok(short.halfClose.peerClosedAt, 'HAProxy closed the half-closed session'),
      3_000,
    );
    const waitedMs = (short.halfClose.peerClosedAt as number) - short.halfClose.halfClosedAt;
    assert.ok(
      waitedMs >= 240,
      `closed ${waitedMs} ms after the pod's half-close, not earlier than client-fin`,
    );
    t.diagnostic(`client-fin 300ms: closed ${Math.round(waitedMs)} ms after the pod half-closed`);
    short.client.socket.destroy();

    // Without client-fin the 5 s tunnel timeout still applies to the half-closed session.
    await configure({ 'timeout-tunnel': '5s' });
    const long = await endedByPod();
    await sleep(1_000);
    assert.equal(long.halfClose.peerClosedAt, undefined, 'still open after 1 s without client-fin');
    long.client.socket.destroy();
  });

  it('abortonclose: a queued request whose client closed its side is dropped instead of sent to the pod', async () => {
    /**
     * With the Service's single connection slot held by a slow request, an
     * HTTP/2 client sends a request and shuts its write side while the request
     * waits in the queue. (HAProxy 2.6 reads an HTTP/1 client again only after
     * answering it, so only an HTTP/2 client's close is seen during the wait.)
     */
    const closedWhileQueued = async (name: string) => {
      const backend = `default_${name}_80`;
      const held = pod.requests.length;
      const hold = httpGet(controller.ports.http, '/hold?delay=800', { host: `${name}.example` }, 5_000);
      await eventually(() => assert.equal(pod.requests.at(held)?.path, '/hold'), 3_000, 10);

      let socket: Socket | undefined;
      const session = connectHttp2(`http://127.0.0.1:${controller.ports.http}`, {
        createConnection: () => {
          socket = connect({ port: controller.ports.http, host: '127.0.0.1', allowHalfOpen: true });
          return socket;
        },
      });
      session.on('error', () => {});
      const stream = session.request({ ':path': `/queued-${name}`, ':authority': `${name}.example` });
      let status: number | undefined;
      stream.on('response', (headers) => (status = Number(headers[http2.HTTP2_HEADER_STATUS])));
      stream.on('error', () => {});
      stream.resume();
      await eventually(
        async () => {
          const row = (await showStat(controller)).find(
            (r) => r.pxname === backend && r.svname === 'BACKEND',
          );
          assert.equal(row?.qcur, '1', 'the request waits in the queue');
        },
        3_000,
        10,
      );
      socket?.end();

      assert.equal((await hold).status, 200);
      await sleep(300);
      session.destroy();
      return { status, reachedPod: pod.requests.some((r) => r.path === `/queued-${name}`) };
    };

    assert.deepEqual(
      await closedWhileQueued('ab'),
      { status: undefined, reachedPod: false },
      'abortonclose: dropped from the queue, never sent',
    );
    assert.deepEqual(
      await closedWhileQueued('qu'),
      { status: 200, reachedPod: true },
      'default: still sent, and answered to the client that only closed its output',
    );
  });

  it('http-connection-mode: http-server-close opens a pod connection per request, http-keep-alive reuses one', async () => {
    const podConnections = async () => {
      const client = await rawClient();
      client.socket.write(request('/first'));
      await eventually(() => assert.match(client.data, /GET \/first\n$/), 3_000);
      client.socket.write(request('/second'));
      await eventually(() => assert.match(client.data, /GET \/second\n$/), 3_000);
      assert.equal(client.endAt, undefined, 'the client connection stays open between requests');
      client.socket.destroy();
      return [...client.data.matchAll(/x-conn: (\d+)/g)].map((m) => m[1]);
    };

    await configure({ 'http-connection-mode': 'http-server-close' });
    const [a, b] = await podConnections();
    assert.notEqual(a, b, 'two pod connections for two requests on one client connection');

    await configure({ 'http-connection-mode': 'http-keep-alive' });
    const [c, d] = await podConnections();
    assert.equal(c, d, 'one pod connection reused for both requests');
  });

  it('the deprecated http-server-close and http-keep-alive keys map onto http-connection-mode', async () => {
    const podConnections = async () => {
      const client = await rawClient();
      client.socket.write(request('/first'));
      await eventually(() => assert.match(client.data, /GET \/first\n$/), 3_000);
      client.socket.write(request('/second'));
      await eventually(() => assert.match(client.data, /GET \/second\n$/), 3_000);
      client.socket.destroy();
      return [...client.data.matchAll(/x-conn: (\d+)/g)].map((m) => m[1]);
    };
    await configure({ 'http-server-close': 'true' });
    const [a, b] = await podConnections();
    assert.notEqual(a, b, 'http-server-close: a pod connection per request');
    assert.match(
      await controller.log(),
      /ConfigMap default\/haproxy-configmap http-server-close: deprecated/,
    );
    // As in the reference, http-keep-alive wins when both are true.
    await configure({ 'http-server-close': 'true', 'http-keep-alive': 'true' });
    const [c, d] = await podConnections();
    assert.equal(c, d, 'http-keep-alive: one pod connection for both');
  });
});
