/**
 * The demo's pods: an echo server on every endpoint address the EndpointSlices list,
 * kept in step with them while the demo runs. An endpoint added to a slice gets its
 * server; one removed has its server stopped. There is no kubelet in local mode: this
 * plays its part, on loopback addresses.
 */
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { Snapshot, Store } from '../store/store.ts';
import { startEchoServer } from './echo-server.ts';

/** `address:port` → the pod name answering there. */
function podsIn(snapshot: Snapshot): Map<string, string> {
  const pods = new Map<string, string>();
  for (const slices of snapshot.endpointSlices.values()) {
    for (const slice of slices) {
      for (const endpoint of slice.endpoints) {
        for (const port of slice.ports) {
          if (!port.port) continue;
          for (const address of endpoint.addresses) {
            const pod = endpoint.targetRef?.name ?? `${slice.metadata.name}-${address}`;
            pods.set(`${address}:${port.port}`, pod);
          }
        }
      }
    }
  }
  return pods;
}

const splitKey = (key: string): [string, number] => {
  const colon = key.lastIndexOf(':');
  return [key.slice(0, colon), Number(key.slice(colon + 1))];
};

export class DemoPods {
  readonly #store: Store;
  readonly #log: Logger;
  readonly #running = new Map<string, { pod: string; server: Server }>();
  /** Addresses that could not be served, reported once each. */
  readonly #failed = new Set<string>();
  #syncing: Promise<void> | undefined;
  #again = false;
  #stopped = false;
  readonly #onChange = () => void this.sync();

  constructor(store: Store, log: Logger) {
    this.#store = store;
    this.#log = log.child({ component: 'demo-pods' });
  }

  /** Starts a server for every endpoint listed now, then follows the store. */
  async start(): Promise<void> {
    this.#store.on('change', this.#onChange);
    await this.sync();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#store.off('change', this.#onChange);
    await this.#syncing;
    await Promise.all([...this.#running.keys()].map((key) => this.#close(key)));
  }

  /** Brings the servers in line with the current EndpointSlices; a sync under way runs once more after. */
  sync(): Promise<void> {
    if (this.#syncing) {
      this.#again = true;
      return this.#syncing;
    }
    this.#syncing = (async () => {
      do {
        this.#again = false;
        await this.#syncOnce();
      } while (this.#again && !this.#stopped);
    })().finally(() => {
      this.#syncing = undefined;
    });
    return this.#syncing;
  }

  async #syncOnce(): Promise<void> {
    if (this.#stopped) return;
    const wanted = podsIn(this.#store.snapshot());
    for (const [key, { pod }] of this.#running) {
      if (wanted.get(key) !== pod) {
        await this.#close(key);
        this.#log.info({ pod, address: key }, 'demo pod stopped');
      }
    }
    for (const key of this.#failed) if (!wanted.has(key)) this.#failed.delete(key);
    for (const [key, pod] of wanted) {
      if (this.#running.has(key) || this.#failed.has(key)) continue;
      const [address, port] = splitKey(key);
      try {
        this.#running.set(key, { pod, server: await startEchoServer(pod, address, port) });
        this.#log.info({ pod, address: key }, 'demo pod started');
      } catch (error) {
        this.#failed.add(key);
        this.#log.warn(
          { pod, address: key, err: (error as Error).message },
          'cannot start a demo pod there; demo pods listen on loopback addresses such as 127.0.10.1',
        );
      }
    }
  }

  async #close(key: string): Promise<void> {
    const running = this.#running.get(key);
    if (!running) return;
    this.#running.delete(key);
    running.server.closeAllConnections();
    await new Promise((resolve) => running.server.close(resolve));
  }
}
