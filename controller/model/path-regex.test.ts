/**
 * path-regex and rewrite-target in the model: every path of a host with
 * either becomes a case-insensitive pattern anchored at the start, longest
 * first; rewrite-target gives each route its own rewriting backend variant;
 * paths that cannot be patterns are reported and left out.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { modelOf } from './model-fixtures.ts';

const N = 'nginx.ingress.kubernetes.io/';
const svc = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'default' },
  spec: { ports: [{ port: 80 }] },
};

function ingress(name: string, host: string, paths: string[], annotations: Record<string, string> = {}) {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: 'default', annotations },
    spec: {
      ingressClassName: 'haproxy',
      rules: [
        {
          host,
          http: {
            paths: paths.map((path) => ({
              path,
              pathType: 'ImplementationSpecific',
              backend: { service: { name: 'web', port: { number: 80 } } },
            })),
          },
        },
      ],
    },
  };
}

describe('path-regex and rewrite-target', () => {
  it('every path of the host is a pattern, tried longest first; other hosts keep prefixes', () => {
    const state = modelOf([
      svc,
      ingress('a', 'r.example', ['/a', '/abc(.*)'], { [`${N}use-regex`]: 'true' }),
      ingress('b', 'r.example', ['/ab']),
      ingress('c', 'p.example', ['/ab']),
    ]);
    const routes = state.routing.routes.map((r) => [r.vhost, r.match, r.path]);
    assert.deepEqual(routes, [
      ['p.example', 'Prefix', '/ab'],
      ['r.example', 'RegularExpression', '(?i:/abc(.*)).*'],
      ['r.example', 'RegularExpression', '(?i:/ab).*'],
      ['r.example', 'RegularExpression', '(?i:/a).*'],
    ]);
  });

  it('rewrite-target: each route rewrites the whole path with its own groups', () => {
    const state = modelOf([
      svc,
      ingress('a', 'r.example', ['/one(/|$)(.*)', '/two/(.*)'], {
        'haproxy.org/rewrite-target': '/x/$2$1',
      }),
    ]);
    const rewrites = state.routing.routes.map(
      (r) => state.backends.find((b) => b.name === r.backend)?.policy.pathRewrite,
    );
    assert.deepEqual(rewrites, [
      [{ match: '^(?i:/one(/|$)(.*))', replace: '/x/\\2\\1' }],
      [{ match: '^(?i:/two/(.*))', replace: '/x/\\2\\1' }],
    ]);
  });

  it('a path that is no valid pattern, or a plain path with pattern characters, is reported and not served', () => {
    const state = modelOf([
      svc,
      ingress('bad', 'r.example', ['/ok', '/broken(['], { [`${N}use-regex`]: 'true' }),
      ingress('plain', 'p.example', ['/a{2}']),
    ]);
    assert.deepEqual(
      state.routing.routes.map((r) => r.path),
      ['(?i:/ok).*'],
    );
    const fields = state.problems.filter((p) => p.reason === 'InvalidValue').map((p) => [p.ref, p.field]);
    assert.deepEqual(fields, [
      [{ kind: 'Ingress', namespace: 'default', name: 'bad' }, 'path /broken(['],
      [{ kind: 'Ingress', namespace: 'default', name: 'plain' }, 'path /a{2}'],
    ]);
  });
});
