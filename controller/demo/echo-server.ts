/**
 * A tiny HTTP echo server playing the part of a pod: answers every request
 * with who it is and what it received. Used by the demo and by the tests.
 * `?sleep=MS` delays the answer; a request header `X-Echo-Set-Header:
 * Name:value,Name2:value2` sets those response headers (as the Gateway API
 * conformance echo server does).
 */
import { createServer, type Server } from 'node:http';

export interface EchoReply {
  pod: string;
  address: string;
  port: number;
  method: string;
  path: string;
  host: string | undefined;
  headers: Record<string, string | string[] | undefined>;
}

export async function startEchoServer(pod: string, address: string, port: number): Promise<Server> {
  const server = createServer(async (req, res) => {
    // `?sleep=MS` delays the answer (bounded), to show timeouts at work.
    const sleep = Math.min(
      Number(new URL(req.url ?? '/', 'http://x').searchParams.get('sleep') ?? 0) || 0,
      30_000,
    );
    if (sleep > 0) await new Promise((r) => setTimeout(r, sleep));
    const reply: EchoReply = {
      pod,
      address,
      port,
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      host: req.headers.host,
      headers: req.headers,
    };
    const body = `${JSON.stringify(reply)}\n`;
    const extra: [string, string][] = [];
    const wanted = req.headers['x-echo-set-header'];
    for (const pair of (Array.isArray(wanted) ? wanted.join(',') : (wanted ?? '')).split(',')) {
      const colon = pair.indexOf(':');
      if (colon > 0) extra.push([pair.slice(0, colon).trim(), pair.slice(colon + 1).trim()]);
    }
    res.writeHead(200, [
      ...extra.flat(),
      'content-type',
      'application/json',
      'x-pod',
      pod,
      'content-length',
      String(Buffer.byteLength(body)),
    ]);
    res.end(body);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => resolve());
  });
  return server;
}
