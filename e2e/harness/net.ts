/** Loopback addresses and ports for simulated pods and for the controller under test. */
import { createServer } from 'node:net';

/** Ports handed out by this process: the kernel may offer a just-released port again. */
const handedOut = new Set<number>();

function askKernel(): Promise<number> {
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

/** A port the kernel says is free on 127.0.0.1 right now, never the same twice in one process. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await askKernel();
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error('no free port that this process has not used yet');
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
