/**
 * The reflector against an API server on loopback that ends a watch with 410 Gone,
 * as a real one does once the watched resourceVersion is compacted away.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { ApiClient } from '../../cluster/api-client.ts';
import { Store } from '../../store/store.ts';
import { DEFAULT_TIMING, Reflector } from './reflector.ts';
import { RESOURCES } from './resources.ts';

const service = (name: string) => ({
  metadata: { name, namespace: 'default' },
  spec: { ports: [{ port: 80 }] },
});

describe('reflector: a watch that ends with 410 Gone', () => {
  let server: Server;
  let client: ApiClient;
  const requests: string[] = [];
  let lists = 0;

  before(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      requests.push(
        `${url.searchParams.get('watch') ? 'watch' : 'list'} ${url.searchParams.get('resourceVersion') ?? ''}`,
      );
      res.writeHead(200, { 'content-type': 'application/json' });
      if (!url.searchParams.get('watch')) {
        lists++;
        const items = lists === 1 ? [service('a')] : [service('a'), service('b')];
        res.end(
          JSON.stringify({ kind: 'ServiceList', metadata: { resourceVersion: String(lists * 10) }, items }),
        );
      } else if (url.searchParams.get('resourceVersion') === '10') {
        // What the API server sends when the resourceVersion is older than it keeps.
        const status = {
          kind: 'Status',
          status: 'Failure',
          message: 'too old resource version: 10 (15)',
          reason: 'Expired',
          code: 410,
        };
        res.end(`${JSON.stringify({ type: 'ERROR', object: status })}\n`);
      } else {
        req.on('close', () => res.end());
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const config = new KubeConfig();
    config.loadFromOptions({
      clusters: [{ name: 'test', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
      users: [{ name: 'test' }],
      contexts: [{ name: 'test', cluster: 'test', user: 'test' }],
      currentContext: 'test',
    });
    client = new ApiClient(config);
  });

  after(async () => {
    client?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('is logged and counted, not taken for a failure, and followed by a fresh list', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const expired: string[] = [];
    const failures: string[] = [];
    const store = new Store();
    const reflector = new Reflector({
      client,
      resource: RESOURCES.Service,
      store,
      log: pino({ level: 'info' }, sink),
      timing: { ...DEFAULT_TIMING, watchSeconds: 30 },
      onExpired: (resource) => expired.push(resource),
      onFailure: (resource) => failures.push(resource),
    });
    await reflector.start();
    try {
      // The list that follows the 410 fills the store; the watch after it may come a moment later.
      await waitFor(() => store.snapshot().services.size === 2 && requests.length >= 4);
      assert.deepEqual([...store.snapshot().services.keys()].sort(), ['default/a', 'default/b']);
      assert.deepEqual(expired, ['Service']);
      assert.deepEqual(failures, []);
      assert.deepEqual(requests.slice(0, 4), ['list ', 'watch 10', 'list ', 'watch 20']);
      const logged = lines.filter((l) => String(l.msg).includes('410 Gone'));
      assert.equal(logged.length, 1);
      assert.equal(logged[0]?.resource, 'Service');
      assert.equal(reflector.status.restarts, 0);
    } finally {
      await reflector.stop();
    }
  });
});

async function waitFor(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
