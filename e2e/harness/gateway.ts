/**
 * Gateway API scenarios through the real controller and HAProxy: a
 * GatewayClass of ours, Services with echo pods, and a table of requests
 * with the answer each must get (the Service whose pod answers, or a status).
 */
import assert from 'node:assert/strict';
import type { EchoReply } from '../../controller/demo/echo-server.ts';
import type { TestController } from './controller.ts';
import { type HttpReply, httpGet, httpsGet } from './http.ts';
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
  /** What the pod received: its path (with query), Host, headers (values compared as a list) and headers it must not see. */
  seen?: { path?: string; host?: string; headers?: Record<string, string>; absent?: string[] };
  /** Response headers the client must get (values compared as a list), and those it must not. */
  response?: { headers?: Record<string, string>; absent?: string[] };
  /** TLS to the frontend, with this SNI (the row's host by default). */
  tls?: boolean;
}

/** Header values compared as lists: `a,b` and `a, b` (two lines joined) are the same. */
const asList = (value: string | string[] | undefined): string =>
  (Array.isArray(value) ? value.join(',') : (value ?? ''))
    .split(',')
    .map((v) => v.trim())
    .join(',');

function checkHeaders(
  what: string,
  got: Record<string, string | string[] | undefined>,
  expected: { headers?: Record<string, string>; absent?: string[] },
): void {
  for (const [name, value] of Object.entries(expected.headers ?? {}))
    assert.equal(asList(got[name.toLowerCase()]), asList(value), `${what}: header ${name}`);
  for (const name of expected.absent ?? [])
    assert.equal(got[name.toLowerCase()], undefined, `${what}: header ${name} must be absent`);
}

/** The frontend a declared port is served on: 80 → --http-bind-port, others as declared. */
export const boundPort = (controller: TestController, port: number | undefined): number =>
  port === undefined || port === 80 ? controller.ports.http : port === 443 ? controller.ports.https : port;

export function send(controller: TestController, row: Row): Promise<HttpReply> {
  if (row.tls)
    return httpsGet(boundPort(controller, row.port ?? 443), row.host ?? 'example.com', row.path, 5_000, {
      ...(row.method && { method: row.method }),
      ...(row.headers && { headers: row.headers }),
    });
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
  if (row.response) checkHeaders(`${what} (response)`, reply.headers, row.response);
  if (row.seen) {
    const echo = JSON.parse(reply.body) as EchoReply;
    if (row.seen.path !== undefined) assert.equal(echo.path, row.seen.path, `${what}: path the pod saw`);
    if (row.seen.host !== undefined) assert.equal(echo.host, row.seen.host, `${what}: Host the pod saw`);
    checkHeaders(`${what} (request the pod saw)`, echo.headers, row.seen);
  }
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
