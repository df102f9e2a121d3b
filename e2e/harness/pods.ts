/** Echo servers on distinct loopback addresses, standing in for a Service's pods. */
import type { Server } from 'node:http';
import { startEchoServer } from '../../controller/demo/echo-server.ts';
import { podSubnet } from './net.ts';

export interface Pods {
  /** Pod name → address. */
  addresses: string[];
  names: string[];
  port: number;
  /** Stops one pod (0-based) without telling anyone, like a crashed process. */
  stopOne(index: number): Promise<void>;
  stop(): Promise<void>;
}

/** Starts `count` pods named `<prefix>-<i>` that all listen on the same port, like a Deployment's pods. */
export async function startPods(prefix: string, count: number): Promise<Pods> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const subnet = podSubnet();
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    const servers: Server[] = [];
    try {
      for (let i = 1; i <= count; i++)
        servers.push(await startEchoServer(`${prefix}-${i}`, `${subnet}.${i}`, port));
    } catch {
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
      continue;
    }
    return {
      addresses: servers.map((_, i) => `${subnet}.${i + 1}`),
      names: servers.map((_, i) => `${prefix}-${i + 1}`),
      port,
      async stopOne(index: number) {
        const server = servers[index];
        if (!server?.listening) return;
        server.closeAllConnections();
        await new Promise((r) => server.close(r));
      },
      async stop() {
        for (const s of servers) {
          if (!s.listening) continue;
          s.closeAllConnections();
          await new Promise((r) => s.close(r));
        }
      },
    };
  }
  throw new Error('could not find free loopback addresses for pods');
}
