/**
 * Gateway API scenarios through the real controller and HAProxy: a
 * GatewayClass of ours, Services with echo pods, and a table of requests
 * with the answer each must get (the Service whose pod answers, or a status).
 */
import assert from 'node:assert/strict';
import type { TestController } from './controller.ts';
import { type HttpReply, httpGet } from './http.ts';
import { describeReply, serviceOf } from './routing.ts';
import { eventually } from './wait.ts';

export {
  gateway,
  gatewayClass,
  grpcRoute,
  httpRoute,
  namespace,
  ref,
  referenceGrant,
} from '../../controller/model/gateway/gateway-fixtures.ts';

export interface Row {
  host?: string;
  path: string;
  method?: string;
  headers?: Record<string, string>;
  /** The declared port whose frontend takes the request: 80 (default) or a listener's own port. */
  port?: number;
  /** A Service name (its pod answers with 200) or a status without pod. */
  expect: string | number;
  /** For redirects: the Location header. */
  location?: string;
}

/** The frontend a declared port is served on: 80 → --http-bind-port, others as declared. */
export const boundPort = (controller: TestController, port: number | undefined): number =>
  port === undefined || port === 80 ? controller.ports.http : port;

export function send(controller: TestController, row: Row): Promise<HttpReply> {
  return httpGet(
    boundPort(controller, row.port),
    row.path,
    { host: row.host ?? 'example.com', ...row.headers },
    5_000,
    row.method ? { method: row.method } : {},
  );
}

export function checkRow(reply: HttpReply, row: Row): void {
  const what = `${row.method ?? 'GET'} ${row.host ?? 'example.com'}${row.path} ${JSON.stringify(row.headers ?? {})}`;
  const got = `${reply.status} ${serviceOf(reply) ?? '-'}`;
  if (typeof row.expect === 'string')
    assert.equal(got, `200 ${row.expect}`, `${what}: expected ${row.expect}, got ${describeReply(reply)}`);
  else
    assert.equal(
      got,
      `${row.expect} -`,
      `${what}: expected status ${row.expect}, got ${describeReply(reply)}`,
    );
  if (row.location !== undefined) assert.equal(reply.headers.location, row.location, `${what}: Location`);
}

/**
 * Sends every row until the first one gets its answer (the scenario is
 * served), then each row once more and checks it: a later row cannot hide
 * behind a lucky first reply.
 */
export async function expectTable(controller: TestController, rows: readonly Row[], timeoutMs = 10_000) {
  await eventually(
    async () => {
      for (const row of rows) checkRow(await send(controller, row), row);
    },
    timeoutMs,
    50,
  );
  for (const row of rows) checkRow(await send(controller, row), row);
}
