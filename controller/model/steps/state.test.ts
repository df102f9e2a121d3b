/** The state step: the DesiredState from the steps' results, and what only it adds. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { refLabel } from '../../store/problems.ts';
import { gateway, gatewayClass } from '../gateway/gateway-fixtures.ts';
import { modelOf } from '../model-fixtures.ts';
import { dedupeProblems, state } from './state.ts';
import { builderBefore, configMap, ingress, service } from './step-fixtures.ts';

const WEB = [service('web'), ingress('web', { host: 'web.example', service: 'web' })];

describe('state step', () => {
  it('takes each field from the step that decided it', () => {
    const builder = builderBefore('state', WEB);
    const result = state.run(builder);
    assert.equal(result.global, builder.backends.global);
    assert.equal(result.defaults, builder.classes.defaults);
    assert.equal(result.routing, builder.policies.routing);
    assert.equal(result.backends, builder.backends.list);
    assert.equal(result.tls, builder.tls);
    assert.equal(result.snippets, builder.snippets);
    for (const absent of ['listeners', 'gatewayStatus', 'errorfiles', 'patternFiles', 'tcpServices'])
      assert.ok(!(absent in result), absent);
  });

  it('is what buildModel returns', () => {
    assert.deepEqual(state.run(builderBefore('state', WEB)), modelOf(WEB));
  });

  it('error pages and TCP services only when their ConfigMap is named; listeners and status with Gateways', () => {
    const result = state.run(
      builderBefore(
        'state',
        [
          ...WEB,
          configMap({ '503': 'HTTP/1.1 503 Down\n\n' }, 'ingress/errors'),
          configMap({}, 'ingress/tcp'),
          gatewayClass(),
          gateway('gw', [{ name: 'alt', port: 8080 }]),
        ],
        { errorfilesConfigMap: 'ingress/errors', tcpServicesConfigMap: 'ingress/tcp' },
      ),
    );
    assert.deepEqual(
      result.errorfiles?.map((e) => e.code),
      [503],
    );
    assert.deepEqual(result.tcpServices, { services: [], logFormat: undefined });
    assert.deepEqual(
      result.listeners?.map((l) => l.port),
      [8080],
    );
    assert.equal(result.gatewayStatus?.gateways.length, 1);
  });

  it('in local mode, a served Service without ready endpoints is reported', () => {
    const builder = builderBefore('state', WEB, { local: true });
    const result = state.run(builder);
    assert.deepEqual(
      result.problems.map((p) => refLabel(p.ref)),
      ['Service default/web'],
    );
    assert.deepEqual(
      builder.problems,
      [],
      'not one of the pass’s own problems (an endpoint change re-checks)',
    );
  });
});

describe('dedupeProblems', () => {
  it('keeps the first of the problems that say the same of the same field', () => {
    const ref = { flag: '--x' };
    const problem = (field: string, message: string, severity: 'error' | 'warning' = 'error') =>
      ({ ref, field, reason: 'InvalidValue', message, severity }) as const;
    assert.deepEqual(
      dedupeProblems([problem('a', 'm'), problem('a', 'm', 'warning'), problem('b', 'm'), problem('a', 'n')]),
      [problem('a', 'm'), problem('b', 'm'), problem('a', 'n')],
    );
  });
});
