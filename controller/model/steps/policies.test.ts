/** The policies step: Gateway API status, ssl-passthrough split off the HTTP routing, pattern files. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { refLabel } from '../../store/problems.ts';
import { gateway, gatewayClass, httpRoute, ref } from '../gateway/gateway-fixtures.ts';
import { ModelMemo } from '../memo.ts';
import { policies } from './policies.ts';
import { builderBefore, configMap, ingress, service, snapshotOf } from './step-fixtures.ts';

describe('policies step', () => {
  it('routes to an ssl-passthrough backend leave the HTTP routing for SNI entries', () => {
    const builder = builderBefore('policies', [
      service('web'),
      service('pt'),
      ingress('web', { host: 'web.example', service: 'web' }),
      ingress('pt', {
        host: 'pt.example',
        service: 'pt',
        annotations: { 'haproxy.org/ssl-passthrough': 'true' },
      }),
    ]);
    const passthrough = builder.routes.routing.routes.find((r) => r.vhost === 'pt.example')?.backend;
    assert.ok(passthrough);
    const { routing } = policies.run(builder);
    assert.deepEqual(
      routing.routes.map((r) => r.vhost),
      ['web.example'],
    );
    assert.deepEqual(routing.passthrough, [['pt.example', passthrough]]);
  });

  it('hands back the previous routing when it is equal', () => {
    const memo = new ModelMemo();
    const snapshot = snapshotOf([service('web'), ingress('web', { host: 'web.example', service: 'web' })]);
    const first = policies.run(builderBefore('policies', snapshot, {}, memo));
    const second = policies.run(builderBefore('policies', snapshot, {}, memo));
    assert.equal(second.routing, first.routing);
  });

  it('what the Gateway API status says is wrong is a problem', () => {
    const builder = builderBefore('policies', [
      gatewayClass(),
      gateway('gw', [{ name: 'http', port: 80 }]),
      httpRoute('route', { rules: [{ backendRefs: [ref('missing')] }] }),
    ]);
    const { gatewayStatus } = policies.run(builder);
    assert.equal(gatewayStatus.routes.length, 1);
    assert.deepEqual(
      builder.problems.map((p) => [refLabel(p.ref), p.reason]),
      [['HTTPRoute default/route', 'UnresolvedReference']],
    );
  });

  it('pattern files the access lists name come from the patterns ConfigMap, or are reported', () => {
    const objects = [
      service('web', { 'haproxy.org/deny-list': 'patterns/blocked' }),
      ingress('web', { host: 'web.example', service: 'web' }),
    ];
    const missing = builderBefore('policies', objects);
    assert.deepEqual(policies.run(missing).patternFiles, [{ name: 'blocked', patterns: [] }]);
    assert.deepEqual(
      missing.problems.map((p) => [refLabel(p.ref), p.field, p.reason]),
      [['Service default/web', 'patterns/blocked', 'UnresolvedReference']],
    );

    const found = builderBefore(
      'policies',
      [...objects, configMap({ blocked: '10.0.0.0/8\n# a comment\n192.0.2.1' }, 'ingress/patterns')],
      { patternfilesConfigMap: 'ingress/patterns' },
    );
    assert.deepEqual(policies.run(found).patternFiles, [
      { name: 'blocked', patterns: ['10.0.0.0/8', '192.0.2.1'] },
    ]);
    assert.deepEqual(found.problems, []);
  });
});
