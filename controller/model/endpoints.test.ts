/** Endpoint selection from EndpointSlices: address types and conditions. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EndpointSliceSchema, ServicePortSchema } from '../store/schemas.ts';
import { endpointsFor } from './endpoints.ts';

const port = ServicePortSchema.parse({ port: 80 });
const slice = (addressType: string, addresses: string[], conditions = {}) =>
  EndpointSliceSchema.parse({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `s-${addressType.toLowerCase()}`, labels: { 'kubernetes.io/service-name': 'app' } },
    addressType,
    ports: [{ port: 8080 }],
    endpoints: addresses.map((a) => ({ addresses: [a], conditions })),
  });

describe('endpoints', () => {
  it('uses FQDN slices whose names are IP literals, and skips real host names', () => {
    const endpoints = endpointsFor(port, [slice('FQDN', ['127.0.10.1', 'pod.example.com'])]);
    assert.deepEqual(endpoints, [{ address: '127.0.10.1', port: 8080, state: 'ready' }]);
  });

  it('merges IPv4 and IPv6 slices of one Service, sorted', () => {
    const endpoints = endpointsFor(port, [
      slice('IPv6', ['fd00::2']),
      slice('IPv4', ['10.0.0.2', '10.0.0.1']),
    ]);
    assert.deepEqual(
      endpoints.map((e) => e.address),
      ['10.0.0.1', '10.0.0.2', 'fd00::2'],
    );
  });

  it('drains serving terminating pods and drops the rest', () => {
    assert.deepEqual(
      endpointsFor(port, [
        slice('IPv4', ['10.0.0.1'], { ready: false, serving: true, terminating: true }),
      ]).map((e) => e.state),
      ['drain'],
    );
    assert.deepEqual(
      endpointsFor(port, [slice('IPv4', ['10.0.0.1'], { ready: false, serving: false, terminating: true })]),
      [],
    );
  });
});
