import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { modelOf } from './model-fixtures.ts';

const service = (annotations: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'db', namespace: 'data', annotations },
  spec: { ports: [{ port: 5432 }] },
});
const slice = {
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: 'db-1', namespace: 'data', labels: { 'kubernetes.io/service-name': 'db' } },
  addressType: 'IPv4',
  ports: [{ name: '', port: 5432 }],
  endpoints: [{ addresses: ['10.0.0.1'], conditions: { ready: true } }],
};
const tcpConfigMap = (data: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'tcp', namespace: 'ingress' },
  data,
});
const OPTIONS = { tcpServicesConfigMap: 'ingress/tcp' };

describe('TCP services', () => {
  it('each entry is a TCP backend with the pods of the Service port and a frontend on the key', () => {
    const state = modelOf(
      [service(), slice, tcpConfigMap({ '5000': 'data/db:5432', '5001': 'data/db:5432:ssl' })],
      OPTIONS,
    );
    assert.deepEqual(state.tcpServices, {
      services: [
        { port: 5000, ssl: false, backend: 'tcp-5000_data_db_5432' },
        { port: 5001, ssl: true, backend: 'tcp-5001_data_db_5432' },
      ],
      logFormat: undefined,
    });
    const backend = state.backends.find((b) => b.name === 'tcp-5000_data_db_5432');
    assert.equal(backend?.mode, 'tcp');
    assert.equal(backend?.settings.forwardedFor, false);
    assert.deepEqual(
      backend?.endpoints.map((e) => `${e.address}:${e.port}`),
      ['10.0.0.1:5432'],
    );
  });

  it('Service annotations tune the backend; HTTP-only ones are left out', () => {
    const state = modelOf(
      [
        service({ 'haproxy.org/load-balance': 'leastconn', 'haproxy.org/cookie-persistence': 'c' }),
        slice,
        tcpConfigMap({ '5000': 'data/db:5432' }),
      ],
      OPTIONS,
    );
    const backend = state.backends.find((b) => b.name === 'tcp-5000_data_db_5432');
    assert.equal(backend?.settings.loadBalance, 'leastconn');
    assert.equal(backend?.settings.cookiePersistence, undefined);
  });

  it('bad keys and values are reported with the key and skipped; nothing reaches the config', () => {
    const state = modelOf(
      [
        service(),
        slice,
        tcpConfigMap({
          '5000': 'data/db:5432\nstats enable',
          '70000': 'data/db:5432',
          web: 'data/db:5432',
          '5001': 'db:5432',
          '5002': 'data/db:5432:tls',
          '5003': 'data/missing:5432',
          'log-format-tcp': '%ci $x',
        }),
      ],
      OPTIONS,
    );
    assert.deepEqual(
      state.tcpServices?.services.map((s) => s.port),
      [5003],
      'a missing Service still gets its (empty) backend',
    );
    const fields = state.problems
      .filter((p) => 'kind' in p.ref && p.ref.kind === 'ConfigMap')
      .map((p) => `${p.field} ${p.reason}`);
    assert.deepEqual(fields.sort(), [
      '5000 InvalidValue',
      '5001 InvalidValue',
      '5002 InvalidValue',
      '5003 UnresolvedReference',
      '70000 InvalidValue',
      'log-format-tcp InvalidValue',
      'web InvalidValue',
    ]);
  });

  it('a missing ConfigMap is reported on the flag; none asked for, nothing changes', () => {
    const state = modelOf([service(), slice], OPTIONS);
    assert.deepEqual(state.tcpServices?.services, []);
    assert.ok(state.problems.some((p) => 'flag' in p.ref && p.ref.flag === '--configmap-tcp-services'));
    assert.equal(
      modelOf([service(), slice, tcpConfigMap({ '5000': 'data/db:5432' })]).tcpServices,
      undefined,
    );
  });
});
