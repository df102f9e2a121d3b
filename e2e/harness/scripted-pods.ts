/**
 * Pods for timeout and connection tests, written on raw TCP so a test controls
 * how a pod answers and can see how HAProxy uses its connections:
 * - every answer carries `x-conn`, the pod's sequence number of the TCP connection;
 * - `/big?kb=N` answers N KiB, written only as fast as the reader takes them;
 * - `/upgrade` answers 101 and then echoes raw bytes (a WebSocket-style tunnel);
 * - `?delay=MS` on any other request holds its answer (and the connection) for MS ms;
 * - any other request is answered, once its whole body arrived, with its method and path.
 * Each request is recorded, with its connection number, as soon as its headers arrived.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { podSubnet } from './net.ts';

export interface PodRequest {
  method: string;
  path: string;
  conn: number;
  at: number;
}

export interface ScriptedPod {
  address: string;
  port: number;
  requests: PodRequest[];
  /** Per connection number: when the pod saw the peer close or half-close (performance.now()). */
  peerClosedAt: Map<number, number>;
  stop(): Promise<void>;
}

function reply(socket: Socket, conn: number, body: string): void {
  socket.write(
    `HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\nx-conn: ${conn}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC11B4A';

/** A response of `kb` KiB written as fast as the reader takes it; stops when the connection goes. */
async function sendBig(socket: Socket, conn: number, kb: number): Promise<void> {
  socket.write(
    `HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\nx-conn: ${conn}\r\ncontent-length: ${kb * 1024}\r\n\r\n`,
  );
  const chunk = Buffer.alloc(1024, 'x');
  for (let i = 0; i < kb && !socket.destroyed; i++) {
    if (socket.write(chunk)) continue;
    await new Promise<void>((resolve) => {
      const done = () => {
        socket.off('drain', done);
        socket.off('close', done);
        resolve();
      };
      socket.on('drain', done);
      socket.on('close', done);
    });
  }
}

function serve(socket: Socket, conn: number, pod: ScriptedPod): void {
  let buffer = Buffer.alloc(0);
  // Set once the connection left HTTP (a tunnel, or a response that streams until the end).
  let raw = false;
  let recorded = false;
  // Set while a delayed answer is pending; the requests behind it wait, as on a busy server.
  let holding = false;
  socket.on('error', () => socket.destroy());
  socket.on('end', () => pod.peerClosedAt.set(conn, performance.now()));
  socket.on('close', () => {
    if (!pod.peerClosedAt.has(conn)) pod.peerClosedAt.set(conn, performance.now());
  });

  const next = (): void => {
    if (raw || holding) return;
    const end = buffer.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = buffer.subarray(0, end).toString('latin1').split('\r\n');
    const [method = '', target = '/'] = (head[0] ?? '').split(' ');
    const header = (name: string) =>
      head
        .find((l) => l.toLowerCase().startsWith(`${name}:`))
        ?.slice(name.length + 1)
        .trim();
    const length = Number(header('content-length') ?? 0);
    const url = new URL(target, 'http://pod');
    if (!recorded) {
      recorded = true;
      pod.requests.push({ method, path: url.pathname, conn, at: performance.now() });
    }
    if (buffer.length < end + 4 + length) return;
    buffer = buffer.subarray(end + 4 + length);
    recorded = false;
    if (url.pathname === '/upgrade') {
      raw = true;
      const accept = createHash('sha1')
        .update(`${header('sec-websocket-key') ?? ''}${WEBSOCKET_GUID}`)
        .digest('base64');
      socket.write(
        `HTTP/1.1 101 Switching Protocols\r\nconnection: upgrade\r\nupgrade: websocket\r\nsec-websocket-accept: ${accept}\r\nx-conn: ${conn}\r\n\r\n`,
      );
      socket.on('data', (chunk) => socket.write(chunk));
      return;
    }
    if (url.pathname === '/big') {
      raw = true;
      void sendBig(socket, conn, Number(url.searchParams.get('kb') ?? 1));
      return;
    }
    const delay = Number(url.searchParams.get('delay') ?? 0);
    if (delay > 0) {
      holding = true;
      setTimeout(() => {
        holding = false;
        if (socket.destroyed) return;
        reply(socket, conn, `${method} ${url.pathname}\n`);
        next();
      }, delay);
      return;
    }
    reply(socket, conn, `${method} ${url.pathname}\n`);
    next();
  };

  socket.on('data', (chunk) => {
    if (raw) return;
    buffer = Buffer.concat([buffer, chunk]);
    next();
  });
}

/** Starts one scripted pod on a fresh loopback address. */
export async function startScriptedPod(): Promise<ScriptedPod> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const address = `${podSubnet()}.1`;
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    let count = 0;
    const sockets = new Set<Socket>();
    const pod: ScriptedPod = {
      address,
      port,
      requests: [],
      peerClosedAt: new Map(),
      async stop() {
        for (const s of sockets) s.destroy();
        await new Promise((r) => server.close(r));
      },
    };
    const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
      count++;
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      serve(socket, count, pod);
    });
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, address, () => resolve());
      });
    } catch {
      continue;
    }
    return pod;
  }
  throw new Error('could not find a free loopback address for a pod');
}

/**
 * A pod address that never completes a TCP handshake: a listening socket with
 * a backlog of zero whose accept queue is filled and never drained, so the
 * kernel drops further SYNs, like a host that is down behind a firewall.
 * Node's servers always accept, so a short Python process holds the socket.
 */
const BLACKHOLE = `
import socket, sys
address, port = sys.argv[1], int(sys.argv[2])
server = socket.socket()
server.bind((address, port))
server.listen(0)
fillers = []
for _ in range(4):
    c = socket.socket()
    c.setblocking(False)
    c.connect_ex((address, port))
    fillers.append(c)
print("ready", flush=True)
sys.stdin.read()
`;

export interface BlackholePod {
  address: string;
  port: number;
  stop(): Promise<void>;
}

export async function startBlackholePod(): Promise<BlackholePod> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const address = `${podSubnet()}.1`;
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    const child = spawn('python3', ['-c', BLACKHOLE, address, String(port)], {
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    const ready = await new Promise<boolean>((resolve) => {
      child.stdout.once('data', (d: Buffer) => resolve(d.toString().startsWith('ready')));
      child.once('exit', () => resolve(false));
    });
    if (!ready) continue;
    return {
      address,
      port,
      async stop() {
        if (child.exitCode !== null) return;
        const exited = new Promise((r) => child.once('exit', r));
        child.stdin.end();
        await exited;
      },
    };
  }
  throw new Error('could not start a blackhole pod');
}
