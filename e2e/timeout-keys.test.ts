/**
 * Timeout and connection keys from the ConfigMap shown by behaviour through
 * real HAProxy, each against a control with another value: idle keep-alive and
 * tunnel connections are closed after their timeout, a client that stops
 * reading is cut after timeout-client, an unreachable pod answers 503 once the
 * connect attempts time out, a tunnel the client half-closed ends after
 * timeout-server-fin, and http-server-close opens a new pod connection per
 * request where http-keep-alive reuses one.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { TestController } from './harness/controller.ts';
import { httpGet } from './harness/http.ts';
import { configMap, endpointSlice, ingress, service } from './harness/objects.ts';
import {
  type BlackholePod,
  type ScriptedPod,
  startBlackholePod,
  startScriptedPod,
} from './harness/scripted-pods.ts';
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

  const app = (name: string, target: { address: string; port: number }) => [
    service(name, [{ port: 80 }], { 'haproxy.org/check': 'false' }),
    endpointSlice(name, { port: target.port }, [{ address: target.address }]),
    ingress(name, { rules: [{ host: `${name}.example`, paths: [{ path: '/', service: name, port: 80 }] }] }),
  ];

  /** Replaces the ConfigMap and waits until a new HAProxy worker runs with it. */
  async function configure(data: Record<string, string>): Promise<void> {
    const reloads = await controller.reloads();
    await controller.write('configmap.yaml', [configMap(data)]);
    await eventually(async () => assert.ok((await controller.reloads()) > reloads, 'reloaded'), 10_000, 50);
  }

  async function rawClient(): Promise<RawClient> {
    const socket = connect({ port: controller.ports.http, host: '127.0.0.1', allowHalfOpen: true });
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
    controller = await TestController.create({
      'configmap.yaml': [configMap({})],
      'sp.yaml': app('sp', pod),
      'bh.yaml': app('bh', blackhole),
    });
    await controller.start();
  });

  after(async () => {
    await controller?.cleanup();
    await pod?.stop();
    await blackhole?.stop();
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

  it('timeout-server-fin: a tunnel the client half-closed ends after the value when the pod stays silent', async () => {
    await configure({ 'timeout-tunnel': '5s', 'timeout-server-fin': '300ms' });
    const short = await tunnel();
    short.socket.end();
    const halfClosedAt = performance.now();
    await eventually(() => assert.ok(short.endAt, 'HAProxy closed the half-closed tunnel'), 3_000);
    const waitedMs = (short.endAt as number) - halfClosedAt;
    assert.ok(waitedMs >= 240, `closed ${waitedMs} ms after the half-close, not earlier than server-fin`);
    short.socket.destroy();

    // Without server-fin the 5 s tunnel timeout still applies to the half-closed tunnel.
    await configure({ 'timeout-tunnel': '5s' });
    const long = await tunnel();
    long.socket.end();
    await sleep(1_000);
    assert.equal(long.endAt, undefined, 'still open after 1 s without server-fin');
    long.socket.destroy();
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
});
