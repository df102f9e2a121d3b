/**
 * A TCP proxy on loopback that a test can break on purpose: `refuse` resets
 * every connection (an API server that is down), `blackhole` keeps connections
 * open but lets nothing through (a silent half-open connection, the failure a
 * watchdog exists for), `forward` passes everything.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export type ProxyMode = 'forward' | 'refuse' | 'blackhole';

export class TcpProxy {
  readonly port: number;
  mode: ProxyMode = 'forward';
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  private constructor(server: Server, port: number) {
    this.#server = server;
    this.port = port;
  }

  static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
    let proxy: TcpProxy | undefined;
    const server = createServer((client) => {
      if (!proxy || proxy.mode === 'refuse') {
        client.resetAndDestroy();
        return;
      }
      proxy.#track(client);
      if (proxy.mode === 'blackhole') {
        client.on('data', () => {});
        return;
      }
      const upstream = createConnection({ port: targetPort, host: targetHost });
      proxy.#track(upstream);
      const p = proxy;
      client.on('data', (chunk) => p.mode === 'forward' && upstream.write(chunk));
      upstream.on('data', (chunk) => p.mode === 'forward' && client.write(chunk));
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('proxy has no port');
    proxy = new TcpProxy(server, address.port);
    return proxy;
  }

  /** Switches mode; `refuse` also resets the connections already open. */
  set(mode: ProxyMode): void {
    this.mode = mode;
    if (mode === 'refuse') for (const socket of this.#sockets) socket.resetAndDestroy();
  }

  async stop(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise((resolve) => this.#server.close(resolve));
  }

  #track(socket: Socket): void {
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
    socket.on('error', () => {});
  }
}
