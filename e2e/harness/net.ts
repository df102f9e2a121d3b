/** Loopback addresses and ports for simulated pods and for the controller under test. */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Ports handed out by this process: a port is never handed out twice. */
const handedOut = new Set<number>();

/**
 * Ports are drawn from below the kernel's ephemeral range (`ip_local_port_range`), which
 * outgoing connections never take their source port from: a port the kernel offered with
 * listen(0) could be taken by any connection (to the API server, to a pod) before HAProxy
 * binds it. Each process draws from its own stretch, so that test files running in parallel
 * do not pick the same port either.
 */
const FIRST_PORT = 10_000;
const EPHEMERAL_START = (() => {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
  } catch {
    return 32_768;
  }
})();
const STRETCHES = 16;
const STRETCH = Math.floor(
  (Math.max(EPHEMERAL_START, FIRST_PORT + STRETCHES * 100) - FIRST_PORT) / STRETCHES,
);
let cursor = FIRST_PORT + (process.pid % STRETCHES) * STRETCH + Math.floor(Math.random() * STRETCH);

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A port free on 127.0.0.1 right now, outside the ephemeral range, never the same twice in one process. */
export async function freePort(): Promise<number> {
  const span = STRETCH * STRETCHES;
  for (let attempt = 0; attempt < span; attempt++) {
    cursor = FIRST_PORT + ((cursor + 1 - FIRST_PORT) % span);
    if (handedOut.has(cursor) || !(await isFree(cursor))) continue;
    handedOut.add(cursor);
    return cursor;
  }
  throw new Error('no free port below the ephemeral range that this process has not used yet');
}

let subnetCounter = 0;
/**
 * A /24 of loopback addresses to use as a pod network, distinct per process and
 * per call, so that test files running in parallel never share pod addresses.
 */
export function podSubnet(): string {
  subnetCounter++;
  const second = 20 + (process.pid % 200);
  const third = (subnetCounter * 7 + Math.floor(Math.random() * 1000)) % 250;
  return `127.${second}.${third}`;
}
