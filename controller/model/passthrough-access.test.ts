/** Access lists are the request keys a passthrough (TCP) backend keeps: they act on the source address. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tcpAccessLines } from '../emitters/config/access-lines.ts';
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

describe('access lists on a passthrough backend', () => {
  it('are kept and printed as tcp-request rules; other request keys are still reported', () => {
    const state = modelOf(
      objects({
        'haproxy.org/ssl-passthrough': 'true',
        'haproxy.org/allow-list': '10.0.0.0/8',
        'haproxy.org/deny-list': 'patterns/blocked',
        'haproxy.org/set-host': 'example.com',
      }),
    );
    const [backend] = state.backends;
    assert.equal(backend?.mode, 'tcp');
    assert.deepEqual(backend?.policy, { allowList: ['10.0.0.0/8'], denyList: { patternFile: 'blocked' } });
    assert.deepEqual(tcpAccessLines(backend?.policy ?? {}, '/etc/haproxy/patterns'), [
      'tcp-request content reject if { src -f /etc/haproxy/patterns/blocked }',
      'tcp-request content reject unless { src 10.0.0.0/8 }',
    ]);
    const ineffective = state.problems.filter((p) => p.reason === 'Ineffective').map((p) => p.field);
    assert.deepEqual(ineffective, ['haproxy.org/set-host']);
  });
});
