/**
 * GRPCRoute through the real HAProxy in local mode: gRPC clients speak HTTP/2
 * in clear text (h2c) to the HTTP frontend, and HAProxy speaks h2c to the
 * pods. The tables of the upstream Core GRPCRoute conformance tests (suite
 * v1.6): GRPCExactMethodMatching, GRPCRouteHeaderMatching,
 * GRPCRouteListenerHostnameMatching and GRPCRouteWeight. A call no route
 * takes gets HTTP 404, which gRPC clients read as UNIMPLEMENTED.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestController } from './harness/controller.ts';
import { gateway, gatewayClass, grpcRoute, httpRoute, ref } from './harness/gateway.ts';
import { grpcCall, startGrpcPods } from './harness/grpc.ts';
import { endpointSlice, service } from './harness/objects.ts';
import type { Pods } from './harness/pods.ts';
import { eventually } from './harness/wait.ts';

const SERVICE = 'gateway_api_conformance.echo_basic.grpcecho.GrpcEcho';
type Obj = Record<string, unknown>;

interface Call {
  host?: string;
  method: string;
  headers?: Record<string, string>;
  /** The backend whose pod answers, or 404 (UNIMPLEMENTED). */
  expect: string | 404;
}

describe('GRPCRoute (local mode)', () => {
  let controller: TestController;
  const pods = new Map<string, Pods>();

  before(async () => {
    const objects: Obj[] = [gatewayClass(), gateway('gw', [{ name: 'http', port: 80 }])];
    for (const name of ['grpc-v1', 'grpc-v2', 'grpc-v3']) {
      const p = await startGrpcPods(name, 1);
      pods.set(name, p);
      objects.push(
        service(name, [{ name: 'grpc', port: 8080 }]),
        endpointSlice(name, { name: 'grpc', port: p.port }, [
          { address: p.addresses[0] as string, name: `${name}-1` },
        ]),
      );
    }
    controller = await TestController.create({ 'grpc.yaml': objects });
    await controller.start();
  });

  after(async () => {
    await controller?.cleanup();
    for (const p of pods.values()) await p.stop();
  });

  const call = (c: Call) =>
    grpcCall(controller.ports.http, c.host ?? 'grpc.example', `/${SERVICE}/${c.method}`, c.headers);

  async function check(c: Call): Promise<void> {
    const reply = await call(c);
    const got =
      reply.status === 200
        ? `${reply.pod?.replace(/-\d+$/, '')} grpc-status ${reply.grpcStatus}`
        : `${reply.status}`;
    const want = c.expect === 404 ? '404' : `${c.expect} grpc-status 0`;
    assert.equal(got, want, `${c.host ?? 'grpc.example'} ${c.method} ${JSON.stringify(c.headers ?? {})}`);
  }

  async function scenario(routes: Obj[], calls: Call[]): Promise<void> {
    await controller.write('routes.yaml', routes);
    await eventually(
      async () => {
        for (const c of calls) await check(c);
      },
      10_000,
      50,
    );
    for (const c of calls) await check(c);
  }

  const exact = (method: string) => ({ method: { service: SERVICE, method } });
  const headers = (...pairs: [string, string][]) => ({
    headers: pairs.map(([name, value]) => ({ name, value })),
  });
  const rule = (matches: Obj[], backend: string) => ({ matches, backendRefs: [ref(backend, 8080)] });

  it('GRPCExactMethodMatching', async () => {
    await scenario(
      [
        grpcRoute('exact-matching', {
          rules: [rule([exact('Echo')], 'grpc-v1'), rule([exact('EchoTwo')], 'grpc-v2')],
        }),
      ],
      [
        { method: 'Echo', expect: 'grpc-v1' },
        { method: 'EchoTwo', expect: 'grpc-v2' },
        { method: 'EchoThree', expect: 404 },
      ],
    );
  });

  it('GRPCRouteHeaderMatching', async () => {
    await scenario(
      [
        grpcRoute('grpc-header-matching', {
          rules: [
            rule([headers(['version', 'one'])], 'grpc-v1'),
            rule([headers(['version', 'two'])], 'grpc-v2'),
            rule([headers(['version', 'two'], ['color', 'orange'])], 'grpc-v1'),
            rule([headers(['color', 'blue']), headers(['color', 'green'])], 'grpc-v1'),
            rule([headers(['color', 'red']), headers(['color', 'yellow'])], 'grpc-v2'),
          ],
        }),
      ],
      [
        { method: 'Echo', headers: { version: 'one' }, expect: 'grpc-v1' },
        { method: 'Echo', headers: { version: 'two' }, expect: 'grpc-v2' },
        { method: 'Echo', headers: { version: 'two', color: 'orange' }, expect: 'grpc-v1' },
        { method: 'Echo', headers: { version: 'two', color: 'blue' }, expect: 'grpc-v2' },
        { method: 'Echo', headers: { color: 'orange' }, expect: 404 },
        { method: 'Echo', headers: { 'some-other-header': 'one' }, expect: 404 },
        { method: 'Echo', headers: { color: 'blue' }, expect: 'grpc-v1' },
        { method: 'Echo', headers: { color: 'green' }, expect: 'grpc-v1' },
        { method: 'Echo', headers: { color: 'red' }, expect: 'grpc-v2' },
        { method: 'Echo', headers: { color: 'yellow' }, expect: 'grpc-v2' },
        { method: 'Echo', headers: { color: 'purple' }, expect: 404 },
      ],
    );
  });

  it('GRPCRouteListenerHostnameMatching', async () => {
    const section = (name: string, sections: string[], backend: string) =>
      grpcRoute(name, {
        parentRefs: sections.map((sectionName) => ({ name: 'hostnames', sectionName })),
        rules: [{ backendRefs: [ref(backend, 8080)] }],
      });
    await scenario(
      [
        gateway('hostnames', [
          { name: 'listener-1', port: 80, hostname: 'bar.com' },
          { name: 'listener-2', port: 80, hostname: 'foo.bar.com' },
          { name: 'listener-3', port: 80, hostname: '*.bar.com' },
          { name: 'listener-4', port: 80, hostname: '*.foo.com' },
        ]),
        section('backend-v1', ['listener-1'], 'grpc-v1'),
        section('backend-v2', ['listener-2'], 'grpc-v2'),
        section('backend-v3', ['listener-3', 'listener-4'], 'grpc-v3'),
      ],
      [
        { host: 'bar.com', method: 'Echo', expect: 'grpc-v1' },
        { host: 'foo.bar.com', method: 'Echo', expect: 'grpc-v2' },
        { host: 'baz.bar.com', method: 'Echo', expect: 'grpc-v3' },
        { host: 'boo.bar.com', method: 'Echo', expect: 'grpc-v3' },
        { host: 'multiple.prefixes.bar.com', method: 'Echo', expect: 'grpc-v3' },
        { host: 'multiple.prefixes.foo.com', method: 'Echo', expect: 'grpc-v3' },
        { host: 'foo.com', method: 'Echo', expect: 404 },
        { host: 'no.matching.host', method: 'Echo', expect: 404 },
      ],
    );
  });

  it('HTTPRouteBackendProtocolH2C: an HTTPRoute speaks h2c to a Service port with appProtocol kubernetes.io/h2c', async () => {
    const p = pods.get('grpc-v1') as Pods;
    await controller.write('h2c.yaml', [
      service('h2c', [
        { name: 'h2c', port: 8081, appProtocol: 'kubernetes.io/h2c' } as { name: string; port: number },
      ]),
      endpointSlice('h2c', { name: 'h2c', port: p.port }, [
        { address: p.addresses[0] as string, name: 'grpc-v1-1' },
      ]),
      httpRoute('h2c', { hostnames: ['h2c.example'], rules: [{ backendRefs: [ref('h2c', 8081)] }] }),
    ]);
    // An HTTP/1.1 client; the pod only speaks HTTP/2 in clear text.
    await eventually(
      async () => assert.equal((await controller.get('h2c.example', '/')).pod, 'grpc-v1-1'),
      10_000,
      50,
    );
    await controller.remove('h2c');
  });

  it('GRPCRouteWeight: 70/30/0 within 5% over 500 calls', async () => {
    await controller.write('routes.yaml', [
      grpcRoute('weighted', {
        rules: [
          {
            backendRefs: [
              ref('grpc-v1', 8080, { weight: 70 }),
              ref('grpc-v2', 8080, { weight: 30 }),
              ref('grpc-v3', 8080, { weight: 0 }),
            ],
          },
        ],
      }),
    ]);
    await eventually(
      async () => assert.equal((await call({ method: 'Echo', expect: 'grpc-v1' })).status, 200),
      10_000,
      50,
    );
    let last = '';
    for (let attempt = 0; attempt < 10; attempt++) {
      const counts = new Map<string, number>();
      for (let i = 0; i < 500; i++) {
        const reply = await call({ method: 'Echo', expect: 'grpc-v1' });
        const name = reply.pod?.replace(/-\d+$/, '') ?? String(reply.status);
        counts.set(name, (counts.get(name) ?? 0) + 1);
      }
      last = JSON.stringify(Object.fromEntries(counts));
      const share = (name: string) => (counts.get(name) ?? 0) / 500;
      if (
        Math.abs(share('grpc-v1') - 0.7) <= 0.05 &&
        Math.abs(share('grpc-v2') - 0.3) <= 0.05 &&
        counts.size === 2
      )
        return;
    }
    assert.fail(`weighted distribution off after 10 tries: ${last}`);
  });
});
