/**
 * gRPC for tests without a gRPC library: gRPC is HTTP/2 POSTs of
 * `application/grpc` to `/<service>/<method>`. Pods here are cleartext
 * HTTP/2 (h2c) servers that answer any call with an empty message, grpc-status
 * 0 and the pod's name; the client speaks h2c with prior knowledge, as gRPC
 * clients do without TLS.
 */
import { connect, createServer, type Http2Server } from 'node:http2';
import { podSubnet } from './net.ts';
import type { Pods } from './pods.ts';

/** Starts `count` h2c pods named `<prefix>-<i>` on one port. */
export async function startGrpcPods(prefix: string, count: number): Promise<Pods> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const subnet = podSubnet();
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    const servers: Http2Server[] = [];
    try {
      for (let i = 1; i <= count; i++) {
        const pod = `${prefix}-${i}`;
        const server = createServer((req, res) => {
          req.resume();
          req.on('end', () => {
            res.writeHead(200, { 'content-type': 'application/grpc', 'x-pod': pod, 'x-path': req.url });
            // One empty message (not compressed, length 0), then the status in trailers.
            res.addTrailers({ 'grpc-status': '0' });
            res.end(Buffer.alloc(5));
          });
        });
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, `${subnet}.${i}`, () => resolve());
        });
        servers.push(server);
      }
    } catch {
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
      continue;
    }
    const stop = async (server: Http2Server | undefined) => {
      if (server?.listening) await new Promise((r) => server.close(r));
    };
    return {
      addresses: servers.map((_, i) => `${subnet}.${i + 1}`),
      names: servers.map((_, i) => `${prefix}-${i + 1}`),
      port,
      stopOne: (index: number) => stop(servers[index]),
      async stop() {
        for (const server of servers) await stop(server);
      },
    };
  }
  throw new Error('could not find free loopback addresses for pods');
}

export interface GrpcReply {
  /** HTTP status: 200 for a call that reached a pod; 404 is UNIMPLEMENTED to a gRPC client. */
  status: number;
  pod: string | undefined;
  grpcStatus: string | undefined;
}

/** One unary call on a fresh h2c connection to 127.0.0.1:`port`. */
export function grpcCall(
  port: number,
  authority: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<GrpcReply> {
  return new Promise((resolve, reject) => {
    const session = connect(`http://127.0.0.1:${port}`);
    session.on('error', reject);
    const stream = session.request({
      ':method': 'POST',
      ':path': path,
      ':authority': authority,
      'content-type': 'application/grpc',
      te: 'trailers',
      ...headers,
    });
    let status = 0;
    let pod: string | undefined;
    let grpcStatus: string | undefined;
    stream.on('response', (h) => {
      status = Number(h[':status']);
      pod = h['x-pod'] as string | undefined;
      grpcStatus = h['grpc-status'] as string | undefined;
    });
    stream.on('trailers', (t) => {
      grpcStatus = (t['grpc-status'] as string | undefined) ?? grpcStatus;
    });
    stream.on('error', reject);
    stream.resume();
    stream.on('end', () => {
      session.close();
      resolve({ status, pod, grpcStatus });
    });
    stream.setTimeout(5_000, () => stream.destroy(new Error('gRPC call timed out')));
    stream.end(Buffer.alloc(5));
  });
}
