/** An ssl-passthrough backend is TCP: nothing HTTP reaches its config, and what a user set for HTTP is reported. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { modelOf } from './model-fixtures.ts';

const objects = (annotations: Record<string, string>) => [
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'pt', namespace: 'default', annotations },
    spec: { ports: [{ port: 443 }] },
  },
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'pt', namespace: 'default' },
    spec: {
      ingressClassName: 'haproxy',
      // A TLS host turns ssl-redirect on by default: an HTTP rule a TCP backend cannot hold.
      tls: [{ hosts: ['pt.example'], secretName: 'pt-tls' }],
      rules: [
        {
          host: 'pt.example',
          http: {
            paths: [
              { path: '/', pathType: 'Prefix', backend: { service: { name: 'pt', port: { number: 443 } } } },
            ],
          },
        },
      ],
    },
  },
];

describe('backend mode', () => {
  it('a passthrough backend on a TLS host is TCP, without HTTP options or request rules', () => {
    const state = modelOf(objects({ 'haproxy.org/ssl-passthrough': 'true' }));
    const [backend] = state.backends;
    assert.equal(backend?.mode, 'tcp');
    assert.equal(backend?.settings.forwardedFor, false);
    assert.deepEqual(backend?.policy, {});
    assert.deepEqual(
      state.problems.filter((p) => p.reason === 'Ineffective'),
      [],
      'defaults meant for HTTP go silently',
    );
  });

  it('HTTP settings a user set on a passthrough backend are reported where they were set, and ignored', () => {
    const state = modelOf(
      objects({
        'haproxy.org/ssl-passthrough': 'true',
        'haproxy.org/forwarded-for': 'true',
        'haproxy.org/cookie-persistence': 'SRV',
        'haproxy.org/response-set-header': 'X-Test yes',
      }),
    );
    const [backend] = state.backends;
    assert.equal(backend?.mode, 'tcp');
    assert.equal(backend?.settings.cookiePersistence, undefined);
    assert.deepEqual(backend?.policy, {});
    assert.deepEqual(
      state.problems
        .filter((p) => p.reason === 'Ineffective')
        .map((p) => [p.ref && 'kind' in p.ref ? p.ref.kind : '', p.field])
        .sort(),
      [
        ['Service', 'haproxy.org/cookie-persistence'],
        ['Service', 'haproxy.org/forwarded-for'],
        ['Service', 'haproxy.org/response-set-header'],
      ],
    );
  });

  it('an HTTP backend is HTTP', () => {
    assert.equal(modelOf(objects({})).backends[0]?.mode, 'http');
  });
});
