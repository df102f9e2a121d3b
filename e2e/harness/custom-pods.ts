/**
 * Pods with one special behaviour each, for keys the echo pod cannot show:
 * a health endpoint that fails or answers slowly, a server that reads the
 * PROXY protocol header, a server that upgrades to a raw tunnel, a TCP
 * server that ends each session from its side (a half-close), and one that
 * never answers nor closes.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket, type Server as TcpServer } from 'node:net';
import { podSubnet } from './net.ts';

export interface CustomPods<S> {
  addresses: string[];
  port: number;
  servers: S[];
  stop(): Promise<void>;
}

/** Starts one server per pod on fresh loopback addresses sharing a port. */
export async function startPodServers<S extends Server | TcpServer>(
  count: number,
  make: (index: number, address: string) => S,
): Promise<CustomPods<S>> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const subnet = podSubnet();
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    const servers: S[] = [];
    try {
      for (let i = 1; i <= count; i++) {
        const server = make(i - 1, `${subnet}.${i}`);
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, `${subnet}.${i}`, () => resolve());
        });
        servers.push(server);
      }
    } catch {
      for (const s of servers) s.close();
      continue;
    }
    return {
      addresses: servers.map((_, i) => `${subnet}.${i + 1}`),
      port,
      servers,
      async stop() {
        for (const s of servers) {
          if (!s.listening) continue;
          if ('closeAllConnections' in s) s.closeAllConnections();
          // Sessions a server cannot close itself (HTTP/2 from HAProxy) must not hold the test forever.
          await Promise.race([new Promise((r) => s.close(r)), new Promise((r) => setTimeout(r, 1_000))]);
        }
      },
    };
  }
  throw new Error('could not find free loopback addresses for pods');
}

export interface HealthPodOptions {
  /** Status `/healthz` answers with. */
  healthStatus: number;
  /** Delay before `/healthz` answers. */
  healthDelayMs?: number;
}

export interface CheckRequest {
  method: string;
  url: string;
  version: string;
  host: string | undefined;
}

/** HTTP pods answering `x-pod` on every path; `/healthz` answers as configured per pod. */
export async function startHealthPods(
  prefix: string,
  options: HealthPodOptions[],
): Promise<CustomPods<Server> & { checks: CheckRequest[][] }> {
  const checks: CheckRequest[][] = options.map(() => []);
  const pods = await startPodServers(options.length, (i) =>
    createHttpServer(async (req: IncomingMessage, res) => {
      const pod = `${prefix}-${i + 1}`;
      const option = options[i] as HealthPodOptions;
      if (req.url?.startsWith('/healthz')) {
        checks[i]?.push({
          method: req.method ?? '',
          url: req.url,
          version: req.httpVersion,
          host: req.headers.host,
        });
        if (checks[i] && checks[i].length > 50) checks[i].shift();
        if (option.healthDelayMs) await new Promise((r) => setTimeout(r, option.healthDelayMs));
        res.writeHead(option.healthStatus, { 'x-pod': pod }).end();
        return;
      }
      res.writeHead(200, { 'x-pod': pod, 'content-type': 'text/plain' }).end(pod);
    }),
  );
  return { ...pods, checks };
}

const PROXY_V2_SIGNATURE = Buffer.from('0d0a0d0a000d0a515549540a', 'hex');

export interface ProxyHeader {
  version: 1 | 2 | undefined;
  source: string | undefined;
}

/** Parses a PROXY v1 or v2 header at the start of `data`; returns it and the bytes that follow. */
function parseProxyHeader(data: Buffer): { header: ProxyHeader; rest: Buffer } | 'incomplete' {
  if (data.subarray(0, 6).toString() === 'PROXY ') {
    const end = data.indexOf('\r\n');
    if (end < 0) return 'incomplete';
    const fields = data.subarray(0, end).toString().split(' ');
    return { header: { version: 1, source: fields[2] }, rest: data.subarray(end + 2) };
  }
  if (data.length >= 12 && data.subarray(0, 12).equals(PROXY_V2_SIGNATURE)) {
    if (data.length < 16) return 'incomplete';
    const length = data.readUInt16BE(14);
    if (data.length < 16 + length) return 'incomplete';
    const family = (data[13] ?? 0) >> 4;
    const source = family === 1 ? [...data.subarray(16, 20)].join('.') : undefined;
    return { header: { version: 2, source }, rest: data.subarray(16 + length) };
  }
  if (data.length < 12 && PROXY_V2_SIGNATURE.subarray(0, data.length).equals(data)) return 'incomplete';
  return { header: { version: undefined, source: undefined }, rest: data };
}

/**
 * TCP pods that read an optional PROXY header, then answer one HTTP request
 * with JSON saying which header (if any) started the connection.
 */
export async function startProxyProtocolPods(prefix: string, count: number): Promise<CustomPods<TcpServer>> {
  return startPodServers(count, (i) =>
    createTcpServer((socket: Socket) => {
      let buffer: Buffer = Buffer.alloc(0);
      let header: ProxyHeader | undefined;
      socket.on('error', () => socket.destroy());
      socket.on('data', (chunk) => {
        buffer = Buffer.concat([buffer, chunk]);
        if (!header) {
          const parsed = parseProxyHeader(buffer);
          if (parsed === 'incomplete') return;
          header = parsed.header;
          buffer = parsed.rest;
        }
        if (!buffer.includes('\r\n\r\n')) return;
        const body = JSON.stringify({ pod: `${prefix}-${i + 1}`, proxy: header });
        socket.end(
          `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-pod: ${prefix}-${i + 1}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
        );
      });
    }),
  );
}

export interface HalfClose {
  /** When the pod shut its write side (performance.now()). */
  halfClosedAt: number;
  /** When the peer (HAProxy) closed its side too. */
  peerClosedAt: number | undefined;
}

/**
 * TCP pods for TLS passthrough that end each session from their side: the
 * first bytes of a connection (the client's TLS hello) are answered with `bye`
 * and a shutdown of the pod's write side, and the pod keeps reading until the
 * peer closes as well.
 */
export async function startHalfClosingPods(
  count: number,
): Promise<CustomPods<TcpServer> & { halfCloses: HalfClose[] }> {
  const halfCloses: HalfClose[] = [];
  const sockets = new Set<Socket>();
  const pods = await startPodServers(count, () =>
    createTcpServer({ allowHalfOpen: true }, (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      socket.once('data', () => {
        const halfClose: HalfClose = { halfClosedAt: performance.now(), peerClosedAt: undefined };
        halfCloses.push(halfClose);
        socket.end('bye');
        const peerClosed = () => (halfClose.peerClosedAt ??= performance.now());
        socket.on('end', peerClosed);
        socket.on('close', peerClosed);
      });
    }),
  );
  return {
    ...pods,
    halfCloses,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await pods.stop();
    },
  };
}

export interface SilentSession {
  /** When the first bytes (the client's TLS hello) arrived (performance.now()). */
  openedAt: number;
  /** When the peer (HAProxy) shut its write side. */
  peerHalfClosedAt: number | undefined;
}

/**
 * TCP pods for TLS passthrough that read and never answer or close: a session
 * with them ends only from HAProxy's side.
 */
export async function startSilentPods(
  count: number,
): Promise<CustomPods<TcpServer> & { sessions: SilentSession[] }> {
  const sessions: SilentSession[] = [];
  const sockets = new Set<Socket>();
  const pods = await startPodServers(count, () =>
    createTcpServer({ allowHalfOpen: true }, (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      socket.once('data', () => {
        const session: SilentSession = { openedAt: performance.now(), peerHalfClosedAt: undefined };
        sessions.push(session);
        socket.on('end', () => (session.peerHalfClosedAt ??= performance.now()));
      });
      socket.resume();
    }),
  );
  return {
    ...pods,
    sessions,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await pods.stop();
    },
  };
}
