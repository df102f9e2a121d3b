import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkBackendRef } from './backend-refs.ts';
import { referenceGrant, service, snapshotOf } from './gateway-fixtures.ts';

const route = { kind: 'HTTPRoute' as const, namespace: 'apps' };
const ref = (extra: Partial<Parameters<typeof checkBackendRef>[0]> = {}) => ({
  group: '',
  kind: 'Service',
  name: 'web',
  port: 80,
  weight: 1,
  ...extra,
});
const brief = (checked: ReturnType<typeof checkBackendRef>) => (checked.ok ? 'ok' : checked.reason);

describe('backendRefs', () => {
  const snapshot = snapshotOf([
    service('web', 'apps'),
    service('web', 'other'),
    service('grpc', 'apps', [{ name: 'h2c', port: 9000, appProtocol: 'kubernetes.io/h2c' }]),
    {
      ...service('external', 'apps'),
      spec: { type: 'ExternalName', externalName: 'example.org', ports: [{ port: 80 }] },
    },
  ]);

  it('a Service of the route’s namespace, by port', () => {
    const checked = checkBackendRef(ref(), route, snapshot);
    assert.deepEqual(checked, {
      ok: true,
      service: { namespace: 'apps', name: 'web', port: { number: 80 } },
      weight: 1,
      h2c: false,
    });
  });

  it('another kind or group is InvalidKind; a missing Service or port, or ExternalName, BackendNotFound', () => {
    assert.equal(
      brief(checkBackendRef(ref({ group: 'x.io', kind: 'Thing' }), route, snapshot)),
      'InvalidKind',
    );
    assert.equal(brief(checkBackendRef(ref({ name: 'nonexistent' }), route, snapshot)), 'BackendNotFound');
    assert.equal(brief(checkBackendRef(ref({ port: 81 }), route, snapshot)), 'BackendNotFound');
    assert.equal(brief(checkBackendRef(ref({ name: 'external' }), route, snapshot)), 'BackendNotFound');
  });

  it('another namespace needs a ReferenceGrant there that admits routes of this kind and namespace', () => {
    assert.equal(brief(checkBackendRef(ref({ namespace: 'other' }), route, snapshot)), 'RefNotPermitted');
    const granted = snapshotOf([
      service('web', 'other'),
      referenceGrant(
        'other',
        [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'apps' }],
        [{ group: '', kind: 'Service' }],
      ),
    ]);
    assert.equal(brief(checkBackendRef(ref({ namespace: 'other' }), route, granted)), 'ok');
    assert.equal(
      brief(checkBackendRef(ref({ namespace: 'other' }), { kind: 'GRPCRoute', namespace: 'apps' }, granted)),
      'RefNotPermitted',
    );
  });

  it('h2c to the pods for GRPCRoutes and for appProtocol kubernetes.io/h2c', () => {
    const h2c = (checked: ReturnType<typeof checkBackendRef>) => checked.ok && checked.h2c;
    assert.equal(h2c(checkBackendRef(ref({ name: 'grpc', port: 9000 }), route, snapshot)), true);
    assert.equal(h2c(checkBackendRef(ref(), { kind: 'GRPCRoute', namespace: 'apps' }, snapshot)), true);
  });
});
