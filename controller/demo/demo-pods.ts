/** The demo's pods: an echo server on every endpoint address the demo EndpointSlices list. */
import type { Server } from 'node:http';
import type { Store } from '../store/store.ts';
import { startEchoServer } from './echo-server.ts';

export async function startDemoPods(store: Store): Promise<Server[]> {
  const servers: Server[] = [];
  for (const slices of store.snapshot().endpointSlices.values()) {
    for (const slice of slices) {
      for (const endpoint of slice.endpoints) {
        for (const port of slice.ports) {
          if (!port.port) continue;
          for (const address of endpoint.addresses) {
            const pod = endpoint.targetRef?.name ?? `${slice.metadata.name}-${address}`;
            servers.push(await startEchoServer(pod, address, port.port));
          }
        }
      }
    }
  }
  return servers;
}
