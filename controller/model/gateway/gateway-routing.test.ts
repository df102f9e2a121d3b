/**
 * Gateway API routes through the whole model and the route plan, requests
 * routed as HAProxy routes them (route-simulation.ts): the scenarios of the
 * upstream Core HTTPRoute conformance tests whose outcome a request observes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planRoutes } from '../../emitters/config/route-map.ts';
import { type SimulatedRequest, simulateRoute } from '../../emitters/config/route-simulation.ts';
import { Store } from '../../store/store.ts';
import { buildModel } from '../build.ts';
import { ModelMemo } from '../memo.ts';
import { MODEL_OPTIONS, modelOf, parseAll } from '../model-fixtures.ts';
import { BUILTIN_DEFAULT_BACKEND, BUILTIN_ERROR_BACKEND, type DesiredState } from '../types.ts';
import { gateway, gatewayClass, httpRoute, ref, service } from './gateway-fixtures.ts';

type Obj = Record<string, unknown>;
const BASE: Obj[] = [
  gatewayClass(),
  gateway('gw', [{ name: 'http', port: 80 }]),
  service('v1'),
  service('v2'),
  service('v3'),
];

/** What a request gets: the Service whose backend answers, or 404 / 500. */
function answer(
  state: DesiredState,
  request: Partial<SimulatedRequest> & { path: string },
  port = 80,
): string | number {
  const backend = simulateRoute(
    planRoutes(
      state.routing,
      (state.listeners ?? []).map((l) => l.port),
    ),
    port,
    {
      host: 'example.com',
      ...request,
    },
  );
  if (backend === BUILTIN_DEFAULT_BACKEND) return 404;
  if (backend === BUILTIN_ERROR_BACKEND) return 500;
  const found = state.backends.find((b) => b.name === backend);
  assert.ok(found, `backend ${backend} exists`);
  return found.service.name;
}

const rule = (matches: Obj[], backend: string): Obj => ({ matches, backendRefs: [ref(backend)] });
const prefix = (value: string, extra: Obj = {}) => ({ path: { type: 'PathPrefix', value }, ...extra });
const exact = (value: string) => ({ path: { type: 'Exact', value } });
const headers = (...pairs: [string, string][]) => ({
  headers: pairs.map(([name, value]) => ({ name, value })),
});

function table(
  state: DesiredState,
  rows: [Partial<SimulatedRequest> & { path: string }, string | number][],
): void {
  for (const [request, expected] of rows)
    assert.equal(answer(state, request), expected, `${JSON.stringify(request)} → ${expected}`);
}

describe('Gateway API routing (conformance scenarios)', () => {
  it('HTTPRouteMatching: path and header matches of one route', () => {
    const state = modelOf([
      ...BASE,
      httpRoute('matching', {
        rules: [
          rule([prefix('/'), headers(['version', 'one'])], 'v1'),
          rule([prefix('/v2'), headers(['version', 'two'])], 'v2'),
        ],
      }),
    ]);
    table(state, [
      [{ path: '/' }, 'v1'],
      [{ path: '/example' }, 'v1'],
      [{ path: '/', headers: { Version: 'one' } }, 'v1'],
      [{ path: '/v2' }, 'v2'],
      [{ path: '/v2/example' }, 'v2'],
      [{ path: '/', headers: { Version: 'two' } }, 'v2'],
      [{ path: '/v2/' }, 'v2'],
      [{ path: '/v2example' }, 'v1'],
      [{ path: '/foo/v2/example' }, 'v1'],
    ]);
  });

  it('HTTPRouteMatchingAcrossRoutes: precedence across routes on a host', () => {
    const state = modelOf([
      ...BASE,
      httpRoute('part1', {
        hostnames: ['example.com', 'example.net'],
        rules: [rule([prefix('/'), headers(['version', 'one'])], 'v1')],
      }),
      httpRoute('part2', {
        hostnames: ['example.com'],
        rules: [rule([prefix('/v2'), headers(['version', 'two'])], 'v2')],
      }),
    ]);
    table(state, [
      [{ host: 'example.com', path: '/' }, 'v1'],
      [{ host: 'example.com', path: '/example' }, 'v1'],
      [{ host: 'example.net', path: '/example' }, 'v1'],
      [{ host: 'example.com', path: '/example', headers: { Version: 'one' } }, 'v1'],
      [{ host: 'example.com', path: '/v2' }, 'v2'],
      [{ host: 'example.net', path: '/v2' }, 'v1'],
      [{ host: 'example.com', path: '/v2/example' }, 'v2'],
      [{ host: 'example.com', path: '/', headers: { Version: 'two' } }, 'v2'],
    ]);
  });

  it('HTTPRoutePathMatchOrder: Exact before the longest prefix', () => {
    const state = modelOf([
      ...BASE,
      httpRoute('order', {
        rules: [
          rule([exact('/match')], 'v1'),
          rule([exact('/match/exact')], 'v2'),
          rule([exact('/match/exact/one')], 'v3'),
          rule([prefix('/match/')], 'v3'),
          rule([prefix('/match/prefix/')], 'v1'),
          rule([prefix('/match/prefix/one')], 'v2'),
        ],
      }),
    ]);
    table(state, [
      [{ path: '/match/exact/one' }, 'v3'],
      [{ path: '/match/exact' }, 'v2'],
      [{ path: '/match' }, 'v1'],
      [{ path: '/match/prefix/one/any' }, 'v2'],
      [{ path: '/match/prefix/any' }, 'v1'],
      [{ path: '/match/any' }, 'v3'],
    ]);
  });

  it('HTTPRouteHeaderMatching: more header matches win; no match is 404', () => {
    const state = modelOf([
      ...BASE,
      httpRoute('header-matching', {
        rules: [
          rule([headers(['version', 'one'])], 'v1'),
          rule([headers(['version', 'two'])], 'v2'),
          rule([headers(['version', 'two'], ['color', 'orange'])], 'v1'),
          rule([headers(['color', 'blue']), headers(['color', 'green'])], 'v1'),
          rule([headers(['color', 'red']), headers(['color', 'yellow'])], 'v2'),
        ],
      }),
    ]);
    table(state, [
      [{ path: '/', headers: { Version: 'one' } }, 'v1'],
      [{ path: '/', headers: { Version: 'two' } }, 'v2'],
      [{ path: '/', headers: { Version: 'two', Color: 'orange' } }, 'v1'],
      [{ path: '/', headers: { Version: 'two', Color: 'blue' } }, 'v2'],
      [{ path: '/', headers: { Color: 'orange' } }, 404],
      [{ path: '/', headers: { 'Some-Other-Header': 'one' } }, 404],
      [{ path: '/', headers: { Color: 'blue' } }, 'v1'],
      [{ path: '/', headers: { Color: 'green' } }, 'v1'],
      [{ path: '/', headers: { Color: 'red' } }, 'v2'],
      [{ path: '/', headers: { Color: 'yellow' } }, 'v2'],
      [{ path: '/', headers: { Color: 'purple' } }, 404],
    ]);
  });

  it('HTTPRouteExactPathMatching', () => {
    const state = modelOf([
      ...BASE,
      httpRoute('exact', { rules: [rule([exact('/one')], 'v1'), rule([exact('/two')], 'v2')] }),
    ]);
    table(state, [
      [{ path: '/one' }, 'v1'],
      [{ path: '/two' }, 'v2'],
      [{ path: '/' }, 404],
      [{ path: '/one/example' }, 404],
      [{ path: '/two/' }, 404],
      [{ path: '/Two' }, 404],
    ]);
  });

  it('HTTPRouteHostnameIntersection: listener and route hostnames, wildcards at any depth', () => {
    const listeners = [
      { name: 'listener-1', port: 80, hostname: 'very.specific.com' },
      { name: 'listener-2', port: 80, hostname: '*.wildcard.io' },
      { name: 'listener-3', port: 80, hostname: '*.anotherwildcard.io' },
    ];
    const route = (name: string, hostnames: string[], path: string, backend: string) =>
      httpRoute(name, { parentRefs: [{ name: 'hi' }], hostnames, rules: [rule([prefix(path)], backend)] });
    const state = modelOf([
      ...BASE,
      gateway('hi', listeners),
      route('s1', ['non.matching.com', '*.nonmatchingwildcard.io', 'very.specific.com'], '/s1', 'v1'),
      route(
        's2',
        ['non.matching.com', 'wildcard.io', 'foo.wildcard.io', 'bar.wildcard.io', 'foo.bar.wildcard.io'],
        '/s2',
        'v2',
      ),
      route('s3', ['non.matching.com', '*.specific.com'], '/s3', 'v3'),
      route('s4', ['*.anotherwildcard.io'], '/s4', 'v1'),
      route('s5', ['specific.but.wrong.com', 'wildcard.io'], '/s5', 'v2'),
    ]);
    table(state, [
      [{ host: 'very.specific.com', path: '/s1' }, 'v1'],
      [{ host: 'very.specific.com:1234', path: '/s1' }, 'v1'],
      [{ host: 'non.matching.com', path: '/s1' }, 404],
      [{ host: 'foo.nonmatchingwildcard.io', path: '/s1' }, 404],
      [{ host: 'foo.wildcard.io', path: '/s1' }, 404],
      [{ host: 'very.specific.com', path: '/non-matching-prefix' }, 404],
      [{ host: 'foo.wildcard.io', path: '/s2' }, 'v2'],
      [{ host: 'bar.wildcard.io', path: '/s2' }, 'v2'],
      [{ host: 'foo.bar.wildcard.io', path: '/s2' }, 'v2'],
      [{ host: 'non.matching.com', path: '/s2' }, 404],
      [{ host: 'wildcard.io', path: '/s2' }, 404],
      [{ host: 'very.specific.com', path: '/s2' }, 404],
      [{ host: 'foo.wildcard.io', path: '/non-matching-prefix' }, 404],
      [{ host: 'very.specific.com', path: '/s3' }, 'v3'],
      [{ host: 'foo.specific.com', path: '/s3' }, 404],
      [{ host: 'foo.wildcard.io', path: '/s3' }, 404],
      [{ host: 'foo.anotherwildcard.io', path: '/s4' }, 'v1'],
      [{ host: 'bar.anotherwildcard.io', path: '/s4' }, 'v1'],
      [{ host: 'foo.bar.anotherwildcard.io', path: '/s4' }, 'v1'],
      [{ host: 'anotherwildcard.io', path: '/s4' }, 404],
      [{ host: 'foo.wildcard.io', path: '/s4' }, 404],
      [{ host: 'very.specific.com', path: '/s4' }, 404],
      [{ host: 'specific.but.wrong.com', path: '/s5' }, 404],
      [{ host: 'wildcard.io', path: '/s5' }, 404],
    ]);
    const s5 = state.gatewayStatus?.routes.find((r) => r.target.name === 's5');
    assert.deepEqual(
      s5?.parents[0]?.conditions.find((c) => c.type === 'Accepted'),
      {
        type: 'Accepted',
        status: 'False',
        reason: 'NoMatchingListenerHostname',
        message: 'No listener hostname intersects the route hostnames',
      },
    );
    const hi = state.gatewayStatus?.gateways.find((g) => g.target.name === 'hi');
    assert.deepEqual(
      hi?.listeners.map((l) => [l.name, l.attachedRoutes]),
      [
        ['listener-1', 2],
        ['listener-2', 1],
        ['listener-3', 1],
      ],
    );
  });

  it('HTTPRouteNoBackendRefs and invalid backendRefs answer 500', () => {
    const state = modelOf([
      ...BASE,
      httpRoute('omitted', {
        rules: [
          { matches: [exact('/omitted-no-forward')] },
          { matches: [exact('/empty-no-forward')], backendRefs: [] },
          {
            matches: [exact('/unknown-kind')],
            backendRefs: [ref('v1', 80, { group: 'x.io', kind: 'NonExistent' })],
          },
          { matches: [exact('/missing')], backendRefs: [ref('nonexistent')] },
          { matches: [exact('/other-namespace')], backendRefs: [ref('web', 80, { namespace: 'web' })] },
          rule([prefix('/')], 'v1'),
        ],
      }),
    ]);
    table(state, [
      [{ path: '/forward' }, 'v1'],
      [{ path: '/omitted-no-forward' }, 500],
      [{ path: '/empty-no-forward' }, 500],
      [{ path: '/unknown-kind' }, 500],
      [{ path: '/missing' }, 500],
      [{ path: '/other-namespace' }, 500],
    ]);
    const conditions = state.gatewayStatus?.routes[0]?.parents[0]?.conditions ?? [];
    assert.deepEqual(
      conditions.map((c) => `${c.type} ${c.status} ${c.reason}`),
      ['Accepted True Accepted', 'ResolvedRefs False InvalidKind'],
    );
  });

  it('weights: the split takes each backend in proportion, zero weights none, unusable refs their share as 500', () => {
    const state = modelOf([
      ...BASE,
      httpRoute('weighted', {
        rules: [
          {
            backendRefs: [
              ref('v1', 80, { weight: 70 }),
              ref('v2', 80, { weight: 20 }),
              ref('v3', 80, { weight: 0 }),
              ref('gone', 80, { weight: 10 }),
            ],
          },
        ],
      }),
    ]);
    const counts = new Map<string | number, number>();
    for (let point = 0; point < 1_000_000; point += 1000) {
      const got = answer(state, { path: '/', point });
      counts.set(got, (counts.get(got) ?? 0) + 1);
    }
    assert.deepEqual(Object.fromEntries(counts), { v1: 700, v2: 200, 500: 100 });
    assert.equal(state.routing.splits?.length, 1);
  });
});

describe('Ingress and Gateway API routes on one host', () => {
  const ingress = (
    name: string,
    created: string,
    path: string,
    backend: string,
  ): Record<string, unknown> => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: 'default', creationTimestamp: created },
    spec: {
      ingressClassName: 'haproxy',
      rules: [
        {
          host: 'both.example',
          http: {
            paths: [
              { path, pathType: 'Prefix', backend: { service: { name: backend, port: { number: 80 } } } },
            ],
          },
        },
      ],
    },
  });
  const route = (created: string, path: string, backend: string) =>
    httpRoute('route', { hostnames: ['both.example'], rules: [rule([prefix(path)], backend)] }, { created });

  it('the older claim keeps a host and path; a route that loses says so in its status', () => {
    const state = modelOf([
      ...BASE,
      ingress('ingress', '2024-01-01T00:00:00Z', '/shared', 'v1'),
      route('2024-06-01T00:00:00Z', '/shared', 'v2'),
    ]);
    assert.equal(answer(state, { host: 'both.example', path: '/shared/x' }), 'v1');
    const parent = state.gatewayStatus?.routes[0]?.parents[0];
    assert.deepEqual(
      parent?.conditions.find((c) => c.type === 'Conflicted'),
      {
        type: 'Conflicted',
        status: 'True',
        reason: 'ShadowedByIngress',
        message: 'host both.example path Prefix /shared: Ingress default/ingress is older and keeps it',
      },
    );
    assert.equal(parent?.conditions.find((c) => c.type === 'Accepted')?.status, 'True');
  });

  it('an Ingress that loses to an older route is a problem on the Ingress', () => {
    const state = modelOf([
      ...BASE,
      ingress('ingress', '2024-06-01T00:00:00Z', '/shared', 'v1'),
      route('2024-01-01T00:00:00Z', '/shared', 'v2'),
    ]);
    assert.equal(answer(state, { host: 'both.example', path: '/shared' }), 'v2');
    const problem = state.problems.find(
      (p) => p.reason === 'Conflict' && 'kind' in p.ref && p.ref.kind === 'Ingress',
    );
    assert.equal(
      problem?.message,
      'conflicts with HTTPRoute default/route, which is older and keeps the route',
    );
    assert.equal(
      state.gatewayStatus?.routes[0]?.parents[0]?.conditions.some((c) => c.type === 'Conflicted'),
      false,
    );
  });

  it('paths that do not collide are served side by side, and the same age goes to the Ingress', () => {
    const state = modelOf([
      ...BASE,
      ingress('ingress', '2024-01-01T00:00:00Z', '/a', 'v1'),
      route('2024-01-01T00:00:00Z', '/b', 'v2'),
      httpRoute(
        'same-age',
        { hostnames: ['both.example'], rules: [rule([prefix('/a')], 'v3')] },
        { created: '2024-01-01T00:00:00Z' },
      ),
    ]);
    table(state, [
      [{ host: 'both.example', path: '/a' }, 'v1'],
      [{ host: 'both.example', path: '/b' }, 'v2'],
      [{ host: 'both.example', path: '/c' }, 404],
    ]);
  });
});

describe('HTTPRoute timeouts', () => {
  it('the pods must answer within the shorter of request and backendRequest', () => {
    const state = modelOf([
      ...BASE,
      httpRoute('timeouts', {
        rules: [{ backendRefs: [ref('v1')], timeouts: { request: '10s', backendRequest: '1500ms' } }],
      }),
    ]);
    const backend = state.backends.find((b) => b.service.name === 'v1');
    assert.equal(backend?.settings.timeoutServer, '1500ms');
  });
});

describe('Gateway API routes across passes (the model memo)', () => {
  it('a change of weights, conditions or ports reaches the routing; nothing else keeps it the same object', () => {
    const memo = new ModelMemo();
    const store = new Store();
    const pass = (route: Record<string, unknown>) => {
      store.replaceOrigin('test', parseAll([...BASE, route]));
      return buildModel(store.snapshot(), MODEL_OPTIONS, memo);
    };
    const weighted = (v1: number, v2: number) =>
      httpRoute('w', {
        rules: [{ backendRefs: [ref('v1', 80, { weight: v1 }), ref('v2', 80, { weight: v2 })] }],
      });
    const first = pass(weighted(70, 30));
    assert.deepEqual(
      first.routing.splits?.[0]?.shares.map((s) => s.weight),
      [70, 30],
    );
    assert.equal(pass(weighted(70, 30)).routing, first.routing, 'unchanged: the same routing object');
    const second = pass(weighted(50, 50));
    assert.deepEqual(
      second.routing.splits?.[0]?.shares.map((s) => s.weight),
      [50, 50],
    );
    const withHeader = pass(httpRoute('w', { rules: [rule([headers(['x', '1'])], 'v1')] }));
    assert.deepEqual(withHeader.routing.routes[0]?.conditions, [
      { kind: 'header', name: 'x', type: 'Exact', value: '1' },
    ]);
    const otherHeader = pass(httpRoute('w', { rules: [rule([headers(['x', '2'])], 'v1')] }));
    assert.deepEqual(otherHeader.routing.routes[0]?.conditions, [
      { kind: 'header', name: 'x', type: 'Exact', value: '2' },
    ]);
  });
});
