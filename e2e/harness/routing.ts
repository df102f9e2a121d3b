/**
 * Helpers for routing tests: a set of Services, each backed by its own echo
 * pods, and assertions on which Service (or which status) answered a request.
 */
import assert from 'node:assert/strict';
import type { TestController } from './controller.ts';
import type { HttpReply } from './http.ts';
import { endpointSlice, service } from './objects.ts';
import { type Pods, startPods } from './pods.ts';
import { eventually } from './wait.ts';

/** Service port every test Service exposes, named `http`. */
export const SERVICE_PORT = 80;

export class Backends {
  readonly pods = new Map<string, Pods>();

  /** Starts `count` pods for each Service name. */
  static async start(names: readonly string[], count = 1): Promise<Backends> {
    const backends = new Backends();
    for (const name of names) backends.pods.set(name, await startPods(name, count));
    return backends;
  }

  /** Service and EndpointSlice objects for every Service (port 80, named `http`). */
  manifests(): unknown[] {
    return [...this.pods.entries()].flatMap(([name, pods]) => [
      service(name, [{ name: 'http', port: SERVICE_PORT }]),
      endpointSlice(
        name,
        { name: 'http', port: pods.port },
        pods.addresses.map((address, i) => ({ address, name: pods.names[i] })),
      ),
    ]);
  }

  async stop(): Promise<void> {
    for (const pods of this.pods.values()) await pods.stop();
  }
}

/** The Service whose pod answered (`<service>-<n>` → `<service>`), or undefined. */
export function serviceOf(reply: HttpReply): string | undefined {
  return reply.pod?.replace(/-\d+$/, '');
}

/** What a request should get: a Service name (its pod answers with 200), or a bare status. */
export type Expected = string | number;

export function describeReply(reply: HttpReply): string {
  return `status ${reply.status}, pod ${reply.pod ?? '-'}`;
}

/** Asserts one reply against an expectation, without retrying. */
export function assertReply(reply: HttpReply, expected: Expected, what: string): void {
  if (typeof expected === 'string') {
    assert.equal(
      `${reply.status} ${serviceOf(reply) ?? '-'}`,
      `200 ${expected}`,
      `${what}: expected Service ${expected} to answer, got ${describeReply(reply)}`,
    );
  } else {
    assert.equal(
      `${reply.status} ${serviceOf(reply) ?? '-'}`,
      `${expected} -`,
      `${what}: expected status ${expected} from no pod, got ${describeReply(reply)}`,
    );
  }
}

/** Sends an HTTP request with `host` and `path` until it gets the expected answer (bounded). */
export async function expectRoute(
  controller: TestController,
  host: string,
  path: string,
  expected: Expected,
  timeoutMs = 3_000,
): Promise<void> {
  await eventually(
    async () => assertReply(await controller.get(host, path), expected, `GET http://${host}${path}`),
    timeoutMs,
    50,
  );
}

/**
 * Asserts that a request keeps getting the expected answer: used for "must not
 * match" cases once the configuration is known to be live, so that a later
 * (wrong) route cannot hide behind a first lucky reply.
 */
export async function expectStable(
  controller: TestController,
  host: string,
  path: string,
  expected: Expected,
  times = 3,
): Promise<void> {
  for (let i = 0; i < times; i++)
    assertReply(await controller.get(host, path), expected, `GET http://${host}${path} (#${i + 1})`);
}
