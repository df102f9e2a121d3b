/** Readiness probes for the cluster's processes. */
import { request } from 'node:https';
import type { ServerProcess } from './process.ts';

/** GET over HTTPS trusting only `caPem`; resolves with the status code, or 0 when nothing answered. */
export function httpsStatus(url: string, caPem: string, token: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      url,
      { ca: caPem, headers: { authorization: `Bearer ${token}` }, timeout: 2_000 },
      (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(0));
    req.end();
  });
}

/**
 * Polls `ready` until it returns true; fails at once when the process exits, and after
 * `timeoutMs` otherwise, with the tail of the process's log in the error.
 */
export async function waitUntil(
  server: ServerProcess,
  ready: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 50,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (server.exitStatus !== undefined)
      throw new Error(
        `${server.name} exited (${server.exitStatus}) before it was ready\n${await server.tail()}`,
      );
    if (await ready()) return;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`${server.name} was not ready after ${timeoutMs} ms\n${await server.tail()}`);
}
