/** The classes step: the ConfigMap's settings and which Ingresses are ours. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { refLabel } from '../../store/problems.ts';
import { DEFAULT_DEFAULTS, DEFAULT_GLOBAL } from '../fixtures.ts';
import { CONTROLLER_NAME } from '../ingress-class.ts';
import type { ModelOptions } from './builder.ts';
import { classes } from './classes.ts';
import { builderBefore, configMap, ingress, ingressClass } from './step-fixtures.ts';

const run = (objects: Record<string, unknown>[], options: Partial<ModelOptions> = {}) => {
  const builder = builderBefore('classes', objects, options);
  return { result: classes.run(builder), problems: builder.problems };
};

describe('classes step', () => {
  it('without a ConfigMap: no layer, settings at their defaults', () => {
    const { result, problems } = run([]);
    assert.equal(result.configLayer, undefined);
    assert.deepEqual(result.layers, []);
    assert.deepEqual(result.global, DEFAULT_GLOBAL);
    assert.deepEqual(result.defaults, DEFAULT_DEFAULTS);
    assert.deepEqual(problems, []);
  });

  it('the ConfigMap is a layer; its global, defaults and timeout-server keys are resolved, unknown keys reported', () => {
    const { result, problems } = run([
      configMap({
        'timeout-server': '7s',
        'timeout-client': '9s',
        'hard-stop-after': '5m',
        'no-such-key': 'x',
      }),
    ]);
    assert.equal(result.configLayer?.scope, 'configmap');
    assert.equal(result.layers.length, 1);
    assert.equal(result.defaults.timeoutServer, '7s');
    assert.equal(result.defaults.timeoutClient, '9s');
    assert.equal(result.global.hardStopAfter, '5m');
    assert.equal(result.globalOrigins.hardStopAfter?.field, 'hard-stop-after');
    assert.deepEqual(
      problems.map((p) => [refLabel(p.ref), p.field, p.reason]),
      [['ConfigMap default/haproxy-configmap', 'no-such-key', 'UnknownKey']],
    );
  });

  it('a syslog server turns traffic logs on', () => {
    const { result } = run([configMap({ 'syslog-server': 'address:10.0.0.9, facility:local0' })]);
    assert.equal(result.defaults.logTraffic, true);
  });

  it('keeps the Ingresses of our class, oldest first, and reports the others as ignored', () => {
    const { result, problems } = run([
      ingressClass('haproxy', CONTROLLER_NAME),
      ingressClass('nginx', 'k8s.io/ingress-nginx'),
      ingress('young', { created: '2024-02-01T00:00:00Z' }),
      ingress('old', { created: '2024-01-01T00:00:00Z' }),
      ingress('theirs', { className: 'nginx' }),
      ingress('classless', { className: null }),
    ]);
    assert.deepEqual(
      result.ingresses.map((i) => i.metadata.name),
      ['old', 'young'],
    );
    assert.deepEqual(problems.map((p) => [refLabel(p.ref), p.field]).sort(), [
      ['Ingress default/classless', 'spec.ingressClassName'],
      ['Ingress default/theirs', 'spec.ingressClassName'],
    ]);
  });

  it('--empty-ingress-class takes Ingresses without class', () => {
    const { result } = run([ingress('classless', { className: null })], { emptyIngressClass: true });
    assert.deepEqual(
      result.ingresses.map((i) => i.metadata.name),
      ['classless'],
    );
  });
});
