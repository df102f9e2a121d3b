/**
 * service-upstream (ingress-nginx's service-upstream): the backend's one
 * server is the Service's cluster IP and port, fixed, whatever its
 * EndpointSlices say; a Service without a cluster IP is reported where the
 * key was set and its pods are used.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Store } from '../store/store.ts';
import { buildModel } from './build.ts';
import { ModelMemo } from './memo.ts';
import {
  ingressObject,
  MODEL_OPTIONS,
  modelOf,
  parseAll,
  serviceObject,
  sliceObject,
} from './model-fixtures.ts';
import type { DesiredState } from './types.ts';

type Obj = Record<string, unknown>;
const N = 'nginx.ingress.kubernetes.io/';

const service = (
  name: string,
  spec: Obj = { clusterIP: '10.96.0.5' },
  annotations: Record<string, string> = {},
) => serviceObject(name, annotations, spec);
const slice = sliceObject;
const ingress = (name: string, host: string, svc: string, annotations: Record<string, string> = {}) =>
  ingressObject(name, host, svc, annotations, '2024-01-01T00:00:00Z');
const configMap = (data: Record<string, string>): Obj => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'haproxy-configmap', namespace: 'default' },
  data,
});

const backendOf = (state: DesiredState, host: string) => {
  const route = state.routing.routes.find((r) => r.vhost === host);
  return state.backends.find((b) => b.name === route?.backend);
};
const servers = (state: DesiredState, host: string) =>
  backendOf(state, host)?.endpoints.map((e) => `${e.address}:${e.port}`);

const PODS = ['10.0.0.1:8080', '10.0.0.2:8080'];

describe('service-upstream', () => {
  it('the nginx annotation, our key on the Ingress, the Service or the ConfigMap: the cluster IP, one fixed server', () => {
    const cases: [string, Obj[]][] = [
      [
        'nginx annotation',
        [service('web'), ingress('a', 'a.example', 'web', { [`${N}service-upstream`]: 'true' })],
      ],
      [
        'ingress',
        [service('web'), ingress('a', 'a.example', 'web', { 'haproxy.org/service-upstream': 'true' })],
      ],
      [
        'service',
        [
          service('web', { clusterIP: '10.96.0.5' }, { 'haproxy.org/service-upstream': 'true' }),
          ingress('a', 'a.example', 'web'),
        ],
      ],
      [
        'configmap',
        [service('web'), ingress('a', 'a.example', 'web'), configMap({ 'service-upstream': 'true' })],
      ],
    ];
    for (const [name, objects] of cases) {
      const state = modelOf([...objects, slice('web', ['10.0.0.1', '10.0.0.2'])]);
      assert.deepEqual(servers(state, 'a.example'), ['10.96.0.5:80'], name);
      assert.deepEqual(
        backendOf(state, 'a.example')?.servers,
        { kind: 'increment', step: 1, addAtRunTime: false },
        name,
      );
      assert.deepEqual(
        state.problems.filter((p) => p.severity === 'error' || p.reason === 'Ineffective'),
        [],
        name,
      );
    }
  });

  it('"false" and the default keep the pods', () => {
    const state = modelOf([
      service('web'),
      slice('web', ['10.0.0.1', '10.0.0.2']),
      ingress('a', 'a.example', 'web', { [`${N}service-upstream`]: 'false' }),
      ingress('b', 'b.example', 'web'),
    ]);
    assert.deepEqual(servers(state, 'a.example'), PODS);
    assert.deepEqual(servers(state, 'b.example'), PODS);
    assert.deepEqual(backendOf(state, 'a.example')?.servers, { kind: 'pods' });
  });

  it('an Ingress with it and one without share the Service: a variant each, the cluster IP and the pods', () => {
    const state = modelOf([
      service('web'),
      slice('web', ['10.0.0.1', '10.0.0.2']),
      ingress('a', 'a.example', 'web', { [`${N}service-upstream`]: 'true' }),
      ingress('b', 'b.example', 'web'),
    ]);
    assert.deepEqual(servers(state, 'a.example'), ['10.96.0.5:80']);
    assert.deepEqual(servers(state, 'b.example'), PODS);
    assert.notEqual(backendOf(state, 'a.example')?.name, backendOf(state, 'b.example')?.name);
  });

  it('a headless Service, one without a cluster IP, or ExternalName: reported under the key, and the pods are used', () => {
    const cases: [string, Obj, string][] = [
      ['headless', { clusterIP: 'None' }, 'is headless (clusterIP None)'],
      ['no cluster IP', {}, 'has no cluster IP'],
      ['ExternalName', { type: 'ExternalName', externalName: 'db.example' }, 'is of type ExternalName'],
    ];
    for (const [name, spec, says] of cases) {
      const state = modelOf([
        { ...service('web'), spec: { ports: [{ port: 80 }], ...spec } },
        slice('web', ['10.0.0.1', '10.0.0.2']),
        ingress('a', 'a.example', 'web', { [`${N}service-upstream`]: 'true' }),
      ]);
      const problem = state.problems.find((p) => p.reason === 'Ineffective');
      assert.equal(problem?.field, `${N}service-upstream`, name);
      assert.deepEqual(problem?.ref, { kind: 'Ingress', namespace: 'default', name: 'a' }, name);
      assert.match(problem?.message ?? '', new RegExp(says.replace(/[()]/g, '\\$&')), name);
      assert.equal(backendOf(state, 'a.example')?.settings.serviceUpstream, false, name);
      if (name !== 'ExternalName') {
        assert.deepEqual(servers(state, 'a.example'), PODS, name);
        assert.deepEqual(backendOf(state, 'a.example')?.servers, { kind: 'pods' }, name);
      }
    }
  });

  it('a bad value is reported under the nginx annotation; the pods are used', () => {
    const state = modelOf([
      service('web'),
      slice('web', ['10.0.0.1']),
      ingress('a', 'a.example', 'web', { [`${N}service-upstream`]: 'cluster' }),
    ]);
    assert.equal(state.problems.find((p) => p.field === `${N}service-upstream`)?.reason, 'InvalidValue');
    assert.deepEqual(servers(state, 'a.example'), ['10.0.0.1:8080']);
  });

  it('does not follow the EndpointSlices: an endpoint change leaves the backend the same object', () => {
    const store = new Store();
    const memo = new ModelMemo();
    const put = (objects: Obj[]) => {
      for (const parsed of parseAll(objects))
        store.replaceOrigin(`${parsed.kind}/${parsed.object.metadata.name}`, [parsed]);
    };
    put([
      service('web'),
      slice('web', ['10.0.0.1']),
      ingress('a', 'a.example', 'web', { [`${N}service-upstream`]: 'true' }),
      ingress('b', 'b.example', 'web'),
    ]);
    const first = buildModel(store.snapshot(), MODEL_OPTIONS, memo);
    put([slice('web', ['10.0.0.1', '10.0.0.2', '10.0.0.3'])]);
    const second = buildModel(store.snapshot(), MODEL_OPTIONS, memo);
    assert.deepEqual(second, buildModel(store.snapshot(), MODEL_OPTIONS), 'the memo only saves work');
    assert.equal(backendOf(second, 'a.example'), backendOf(first, 'a.example'));
    assert.deepEqual(servers(second, 'a.example'), ['10.96.0.5:80']);
    assert.equal(servers(second, 'b.example')?.length, 3);
    put([slice('web', [])]);
    const third = buildModel(store.snapshot(), MODEL_OPTIONS, memo);
    assert.equal(backendOf(third, 'a.example'), backendOf(first, 'a.example'));
    assert.equal(servers(third, 'b.example')?.length, 0);
  });
});
