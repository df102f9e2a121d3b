/**
 * A problem names the object and the exact key that caused it, so that the
 * Event lands where the user can fix it: a Secret named on a Service is a
 * problem of that Service, under the annotation that named it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { plannedEvents } from '../emitters/cluster/problem-events.ts';
import { Store } from '../store/store.ts';
import { buildModel } from './build.ts';
import { MODEL_OPTIONS, parseAll } from './model-fixtures.ts';

const service = (annotations: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'default', uid: 'svc-uid', annotations },
  spec: { ports: [{ port: 80 }] },
});
const ingress = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'site', namespace: 'default', uid: 'ing-uid' },
  spec: {
    ingressClassName: 'haproxy',
    rules: [
      {
        host: 'a.example',
        http: {
          paths: [
            { path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } },
          ],
        },
      },
    ],
  },
};

function modelWith(annotations: Record<string, string>) {
  const store = new Store();
  store.replaceOrigin('test', parseAll([service(annotations), ingress]));
  const snapshot = store.snapshot();
  return { state: buildModel(snapshot, MODEL_OPTIONS), snapshot };
}

describe('problem refs', () => {
  it('a missing server-crt Secret is a problem of the Service that names it, and an Event on it', () => {
    const { state, snapshot } = modelWith({
      'haproxy.org/server-ssl': 'true',
      'haproxy.org/server-crt': 'client',
    });
    const problem = state.problems.find((p) => p.field === 'haproxy.org/server-crt');
    assert.deepEqual(problem?.ref, { kind: 'Service', namespace: 'default', name: 'web', uid: 'svc-uid' });
    assert.equal(problem?.reason, 'UnresolvedReference');
    const events = plannedEvents(state.problems, snapshot);
    assert.deepEqual(
      events.map((e) => [e.involvedObject.kind, e.involvedObject.name, e.involvedObject.uid, e.reason]),
      [['Service', 'web', 'svc-uid', 'UnresolvedReference']],
    );
    assert.match(events[0]?.message ?? '', /^haproxy\.org\/server-crt: Secret default\/client not found/);
  });

  it('a bad auth-secret set on a Service is reported on the Service, under the annotation', () => {
    const { state } = modelWith({ 'haproxy.org/auth-type': 'basic-auth', 'haproxy.com/auth-secret': 'nope' });
    const problem = state.problems.find((p) => p.reason === 'UnresolvedReference');
    assert.deepEqual(problem?.ref, { kind: 'Service', namespace: 'default', name: 'web', uid: 'svc-uid' });
    assert.equal(problem?.field, 'haproxy.com/auth-secret');
    assert.match(problem?.message ?? '', /Secret default\/nope not found/);
  });
});
