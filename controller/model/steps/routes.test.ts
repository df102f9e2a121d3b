/** The routes step: Ingress rules and Gateway API routes in one resolved table, and the default backend. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { refLabel } from '../../store/problems.ts';
import { gateway, gatewayClass, httpRoute, ref } from '../gateway/gateway-fixtures.ts';
import { BUILTIN_DEFAULT_BACKEND } from '../types.ts';
import { routes } from './routes.ts';
import { builderBefore, ingress, service } from './step-fixtures.ts';

type Obj = Record<string, unknown>;

const run = (objects: Obj[], options: Parameters<typeof builderBefore>[2] = {}) => {
  const builder = builderBefore('routes', objects, options);
  return { result: routes.run(builder), problems: builder.problems };
};

const SERVICES = ['a', 'b', 'fallback'].map((name) => service(name));

describe('routes step', () => {
  it('each path of an Ingress rule is a route to the backend of its Service port', () => {
    const { result } = run([
      ...SERVICES,
      ingress('one', { host: 'one.example', path: '/api', service: 'a' }),
      ingress('two', { host: 'two.example', service: 'b' }),
    ]);
    assert.deepEqual(
      result.routing.routes.map((r) => [r.vhost, r.path, r.match, r.backend]),
      [
        ['one.example', '/api', 'Prefix', 'default_a_80'],
        ['two.example', '/', 'Prefix', 'default_b_80'],
      ],
    );
    assert.deepEqual(
      result.routing.vhosts.map((v) => v.name),
      ['one.example', 'two.example'],
    );
    assert.deepEqual(
      result.backends.map((b) => b.name),
      ['default_a_80', 'default_b_80'],
    );
    assert.equal(result.routing.defaultBackend, BUILTIN_DEFAULT_BACKEND);
    assert.deepEqual(result.routing.passthrough, [], 'the policies step splits passthrough off');
  });

  it("an Ingress's defaultBackend is the fallback of its hosts; alone it is the catch-all, once", () => {
    const { result, problems } = run([
      ...SERVICES,
      ingress('hosted', { host: 'h.example', service: 'a', defaultBackend: 'b' }),
      ingress('catch-all', { defaultBackend: 'fallback', created: '2024-01-01T00:00:00Z' }),
      ingress('second', { defaultBackend: 'b', created: '2024-02-01T00:00:00Z' }),
    ]);
    assert.deepEqual(result.routing.vhosts, [{ name: 'h.example', fallback: 'default_b_80' }]);
    assert.equal(result.routing.defaultBackend, 'default_fallback_80');
    assert.deepEqual(
      problems.map((p) => [refLabel(p.ref), p.reason, p.message]),
      [['Ingress default/second', 'Conflict', 'catch-all already set by Ingress default/catch-all']],
    );
  });

  it('--default-backend-service is the default backend, or a problem when it does not exist', () => {
    const found = run(SERVICES, { defaultBackendService: 'default/fallback' });
    assert.equal(found.result.routing.defaultBackend, 'default_fallback_80');
    assert.deepEqual(
      found.result.backends.map((b) => b.name),
      ['default_fallback_80'],
    );

    const missing = run(SERVICES, { defaultBackendService: 'default/gone' });
    assert.equal(missing.result.routing.defaultBackend, BUILTIN_DEFAULT_BACKEND);
    assert.deepEqual(
      missing.problems.map((p) => [p.ref, p.reason]),
      [[{ flag: '--default-backend-service' }, 'UnresolvedReference']],
    );
  });

  it('an older Ingress keeps a host and path an HTTPRoute also claims; the route is shadowed', () => {
    const { result } = run([
      ...SERVICES,
      gatewayClass(),
      gateway('gw', [{ name: 'http', port: 80 }]),
      ingress('ingress', {
        host: 'both.example',
        path: '/shared',
        service: 'a',
        created: '2024-01-01T00:00:00Z',
      }),
      httpRoute(
        'route',
        {
          hostnames: ['both.example'],
          rules: [
            { matches: [{ path: { type: 'PathPrefix', value: '/shared' } }], backendRefs: [ref('b')] },
            { matches: [{ path: { type: 'PathPrefix', value: '/own' } }], backendRefs: [ref('b')] },
          ],
        },
        { created: '2024-06-01T00:00:00Z' },
      ),
    ]);
    const backendOf = (path: string) => result.routing.routes.find((r) => r.path === path)?.backend;
    assert.equal(backendOf('/shared'), 'default_a_80');
    assert.match(backendOf('/own') ?? '', /default_b_80/);
    assert.deepEqual([...result.shadowed.keys()], ['HTTPRoute default/route']);
    assert.ok(result.backends.some((b) => b.name === backendOf('/own')));
  });
});
