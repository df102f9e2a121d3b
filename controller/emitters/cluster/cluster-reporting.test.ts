/** What the leader writes to the cluster: Ingress status addresses and Events for problems. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Problem } from '../../store/problems.ts';
import { type Parsed, parseObject, type Snapshot, Store } from '../../store/store.ts';
import { publishedAddresses, statusUpdates } from './ingress-status.ts';
import { plannedEvents } from './problem-events.ts';

function snapshotOf(objects: Record<string, unknown>[]): Snapshot {
  const store = new Store();
  store.replaceOrigin(
    'test',
    objects.map((o) => {
      const result = parseObject(o);
      if (!result.ok) assert.fail(JSON.stringify(result));
      return result.value as Parsed;
    }),
  );
  return store.snapshot();
}

const service = (spec: Record<string, unknown>, status: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'haproxy-ingress', namespace: 'haproxy-controller', uid: 'svc-uid' },
  spec: { ports: [{ port: 80 }], ...spec },
  status,
});

const ingress = (name: string, status: unknown[] = []) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name, namespace: 'web', uid: `uid-${name}` },
  spec: { ingressClassName: 'haproxy', rules: [{ host: `${name}.example` }] },
  status: { loadBalancer: { ingress: status } },
});

describe('published addresses', () => {
  const publish = { publishService: 'haproxy-controller/haproxy-ingress', publishAddresses: [] };

  it('takes the LoadBalancer ingress of the publish Service first', () => {
    const snapshot = snapshotOf([
      service(
        { type: 'LoadBalancer', clusterIP: '10.0.0.7' },
        { loadBalancer: { ingress: [{ hostname: 'lb.example' }, { ip: '203.0.113.9' }] } },
      ),
    ]);
    assert.deepEqual(publishedAddresses(snapshot, publish), [
      { ip: '203.0.113.9' },
      { hostname: 'lb.example' },
    ]);
  });

  it('falls back to the cluster IPs, never to "None"', () => {
    assert.deepEqual(
      publishedAddresses(
        snapshotOf([service({ clusterIP: '10.0.0.7', clusterIPs: ['10.0.0.7', 'fd00::7'] })]),
        publish,
      ),
      [{ ip: '10.0.0.7' }, { ip: 'fd00::7' }],
    );
    assert.deepEqual(publishedAddresses(snapshotOf([service({ clusterIP: 'None' })]), publish), []);
  });

  it('is unknown while the publish Service does not exist', () => {
    assert.equal(publishedAddresses(snapshotOf([]), publish), undefined);
    assert.equal(
      publishedAddresses(snapshotOf([]), { publishService: undefined, publishAddresses: [] }),
      undefined,
    );
  });

  it('prefers explicit addresses, telling IPs from host names', () => {
    assert.deepEqual(
      publishedAddresses(snapshotOf([service({ clusterIP: '10.0.0.7' })]), {
        ...publish,
        publishAddresses: ['ingress.example.com', '198.51.100.1'],
      }),
      [{ ip: '198.51.100.1' }, { hostname: 'ingress.example.com' }],
    );
  });

  it('updates only Ingresses whose status differs, whatever the order it was written in', () => {
    const snapshot = snapshotOf([
      ingress('current', [{ ip: '10.0.0.8' }, { ip: '10.0.0.7' }]),
      ingress('stale', [{ ip: '10.9.9.9' }]),
      ingress('empty'),
    ]);
    const wanted = [{ ip: '10.0.0.7' }, { ip: '10.0.0.8' }];
    assert.deepEqual(
      statusUpdates(snapshot.ingresses, wanted)
        .map((u) => u.name)
        .sort(),
      ['empty', 'stale'],
    );
  });
});

describe('problem events', () => {
  it('puts an Event on the object that carries the problem, with its uid and a reason', () => {
    const snapshot = snapshotOf([ingress('shop'), service({ clusterIP: '10.0.0.7' })]);
    const events = plannedEvents(
      [
        {
          ref: { kind: 'Ingress', namespace: 'web', name: 'shop' },
          field: 'haproxy.org/timeout-server',
          reason: 'InvalidValue',
          message: 'invalid value "soon"',
          severity: 'error',
        },
        {
          ref: { kind: 'Ingress', namespace: 'web', name: 'shop' },
          field: 'backend web/missing',
          reason: 'UnresolvedReference',
          message: 'Service web/missing not found; requests get 503 until it exists',
          severity: 'error',
        },
        {
          ref: { kind: 'Service', namespace: 'haproxy-controller', name: 'haproxy-ingress' },
          field: 'haproxy.org/chek',
          reason: 'UnknownKey',
          message: 'not a supported annotation; ignored',
          severity: 'warning',
        },
        { ref: { file: 'bad.yaml#2' }, reason: 'InvalidObject', message: 'not an object', severity: 'error' },
        {
          ref: { flag: '--default-backend-service' },
          reason: 'UnresolvedReference',
          message: 'Service x/y not found',
          severity: 'error',
        },
      ],
      snapshot,
    );
    assert.equal(events.length, 3);
    assert.deepEqual(
      events.map((e) => [e.involvedObject.kind, e.involvedObject.name, e.involvedObject.uid, e.reason]),
      [
        ['Ingress', 'shop', 'uid-shop', 'InvalidValue'],
        ['Ingress', 'shop', 'uid-shop', 'UnresolvedReference'],
        ['Service', 'haproxy-ingress', 'svc-uid', 'UnknownKey'],
      ],
    );
    assert.equal(events[0]?.involvedObject.apiVersion, 'networking.k8s.io/v1');
    assert.match(events[0]?.message ?? '', /^haproxy.org\/timeout-server: invalid value/);
  });

  it('names Events stably, one per distinct problem', () => {
    const snapshot = snapshotOf([ingress('shop')]);
    const problem: Problem = {
      ref: { kind: 'Ingress', namespace: 'web', name: 'shop' },
      field: 'haproxy.org/check',
      reason: 'InvalidValue',
      message: 'bad',
      severity: 'error',
    };
    const [a] = plannedEvents([problem], snapshot);
    const [b] = plannedEvents([problem], snapshot);
    const [c] = plannedEvents([{ ...problem, message: 'worse' }], snapshot);
    assert.equal(a?.name, b?.name);
    assert.notEqual(a?.name, c?.name);
    assert.match(a?.name ?? '', /^shop\.[0-9a-f]{16}$/);
  });
});
