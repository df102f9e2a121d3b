/**
 * Canaries in the model: never a route of their own; header, then cookie
 * routes of the same host and path; the weight as a split of the route of the
 * Ingress that is not a canary; a canary without one is reported.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ingressObject, modelOf } from './model-fixtures.ts';

const N = 'nginx.ingress.kubernetes.io/';
const svc = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default' },
  spec: { ports: [{ port: 80 }] },
});
const ingress = ingressObject;

describe('canaries', () => {
  const state = modelOf([
    svc('stable'),
    svc('canary'),
    ingress('main', 'a.example', 'stable', {}, '2024-01-01T00:00:00Z'),
    ingress(
      'main-canary',
      'a.example',
      'canary',
      {
        [`${N}canary`]: 'true',
        [`${N}canary-by-header`]: 'X-Canary',
        [`${N}canary-by-cookie`]: 'cc',
        [`${N}canary-weight`]: '20',
      },
      '2024-02-01T00:00:00Z',
    ),
    ingress('alone', 'b.example', 'canary', { [`${N}canary`]: 'true' }, '2024-02-01T00:00:00Z'),
  ]);

  it('takes requests by header, then cookie, before the plain route, which is a weighted split', () => {
    const routes = state.routing.routes.filter((r) => r.vhost === 'a.example');
    assert.deepEqual(
      routes.map((r) => [
        r.backend.startsWith('~') ? 'split' : r.backend,
        r.conditions?.map((c) => ('value' in c ? c.value : '')),
      ]),
      [
        ['default_canary_80', ['always']],
        ['default_stable_80', ['never']],
        ['default_canary_80', ['(?:.*;)? *cc=always *(?:;.*)?']],
        ['default_stable_80', ['(?:.*;)? *cc=never *(?:;.*)?']],
        ['split', undefined],
      ],
    );
    const split = state.routing.splits?.find((s) => s.name === routes.at(-1)?.backend);
    assert.deepEqual(split?.shares, [
      { backend: 'default_stable_80', weight: 80 },
      { backend: 'default_canary_80', weight: 20 },
    ]);
  });

  it('is never a route of its own', () => {
    assert.deepEqual(
      state.routing.routes.filter((r) => r.vhost === 'b.example'),
      [],
    );
    assert.ok(
      state.problems.some((p) => p.reason === 'Unused' && 'name' in p.ref && p.ref.name === 'alone'),
      'the lone canary is reported',
    );
  });

  it('an ImplementationSpecific path takes from the same path of an Ingress in our dialect, sharing its match', () => {
    const at = (object: ReturnType<typeof ingress>, path: string) => {
      const rule = object.spec.rules[0];
      const first = rule?.http.paths[0];
      if (first) Object.assign(first, { path, pathType: 'ImplementationSpecific' });
      return object;
    };
    const mixed = modelOf([
      svc('stable'),
      svc('canary'),
      at(ingress('main', 'c.example', 'stable', {}, '2024-01-01T00:00:00Z'), '/api'),
      at(
        ingress(
          'main-canary',
          'c.example',
          'canary',
          { [`${N}canary`]: 'true', [`${N}canary-by-header`]: 'X-Canary' },
          '2024-02-01T00:00:00Z',
        ),
        '/api',
      ),
    ]);
    assert.deepEqual(
      mixed.routing.routes.map((r) => [r.match, r.path, r.backend, r.conditions?.length ?? 0]),
      [
        ['Prefix', '/api', 'default_canary_80', 1],
        ['Prefix', '/api', 'default_stable_80', 1],
        ['Prefix', '/api', 'default_stable_80', 0],
      ],
    );
    assert.equal(
      mixed.problems.some((p) => p.reason === 'Unused'),
      false,
    );
  });
});
