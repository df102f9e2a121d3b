/** Loopback addresses and ports for simulated pods and for the controller under test. */
import { createServer } from 'node:net';

/** A port the kernel says is free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
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
