/**
 * The memo only saves work: a model built with what earlier passes remembered
 * equals one built from scratch, through every kind of change, and unchanged
 * parts come back as the same objects.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Store } from '../store/store.ts';
import { buildModel } from './build.ts';
import { ModelMemo } from './memo.ts';
import { MODEL_OPTIONS, parseAll, serviceObject, sliceObject } from './model-fixtures.ts';

type Obj = Record<string, unknown>;

const ingress = (
  name: string,
  host: string,
  service: string,
  annotations: Record<string, string> = {},
): Obj => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name, namespace: 'default', annotations },
  spec: {
    ingressClassName: 'haproxy',
    tls: [{ hosts: [host], secretName: 'tls' }],
    rules: [
      {
        host,
        http: {
          paths: [
            { path: '/', pathType: 'Prefix', backend: { service: { name: service, port: { number: 80 } } } },
          ],
        },
      },
    ],
  },
});
const service = (name: string, annotations: Record<string, string> = {}) => serviceObject(name, annotations);
const slice = sliceObject;
const users = (hash: string): Obj => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'users', namespace: 'default' },
  type: 'Opaque',
  stringData: { alice: hash },
});
const configMap = (data: Record<string, string>): Obj => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'haproxy-configmap', namespace: 'default' },
  data,
});
const AUTH = { 'haproxy.org/auth-type': 'basic-auth', 'haproxy.org/auth-secret': 'users' };
const HASH_A =
  '$6$salt$aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const HASH_B =
  '$6$salt$bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';

describe('model memo', () => {
  it('builds the same model as from scratch through every kind of change', () => {
    const store = new Store();
    const memo = new ModelMemo();
    const steps: [string, Obj[]][] = [
      [
        'start',
        [
          service('web'),
          slice('web', ['10.0.0.1']),
          ingress('a', 'a.example', 'web'),
          service('api'),
          slice('api', ['10.0.1.1']),
        ],
      ],
      ['endpoints', [slice('web', ['10.0.0.1', '10.0.0.2'])]],
      ['new host', [ingress('b', 'b.example', 'api')]],
      ['service annotation', [service('web', { 'haproxy.org/load-balance': 'leastconn' })]],
      ['ingress annotation', [ingress('a', 'a.example', 'web', AUTH)]],
      ['auth secret', [users(HASH_A)]],
      ['auth secret changed', [users(HASH_B)]],
      ['configmap', [configMap({ 'timeout-server': '7s', 'servers-increment': '5' })]],
      ['bad value', [service('api', { 'haproxy.org/timeout-server': 'soon' })]],
    ];
    let previous: ReturnType<typeof buildModel> | undefined;
    for (const [step, objects] of steps) {
      // One origin per object: a later step replaces the object.
      for (const parsed of parseAll(objects))
        store.replaceOrigin(`${parsed.kind}/${parsed.object.metadata.name}`, [parsed]);
      const snapshot = store.snapshot();
      const remembered = buildModel(snapshot, MODEL_OPTIONS, memo);
      assert.deepEqual(remembered, buildModel(snapshot, MODEL_OPTIONS), step);
      if (step === 'endpoints' && previous) {
        const api = (s: typeof remembered) => s.backends.find((b) => b.name === 'default_api_80');
        assert.equal(api(remembered), api(previous), 'an unchanged backend is the same object');
        assert.equal(remembered.routing, previous.routing, 'unchanged routing is the same object');
      }
      previous = remembered;
    }
  });
});
