import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  gateway,
  gatewayClass,
  httpRoute,
  ref,
  service,
  snapshotOf,
} from '../../model/gateway/gateway-fixtures.ts';
import { modelOf } from '../../model/model-fixtures.ts';
import { gatewayStatusPatches } from './gateway-status.ts';

type Obj = Record<string, unknown>;
const T1 = '2026-01-01T00:00:00Z';
const T2 = '2026-01-02T00:00:00Z';

/** The objects as the API server holds them: with a resourceVersion, and `status` as given. */
const stored = (object: Obj, status: Obj = {}, resourceVersion = '7'): Obj => ({
  ...object,
  metadata: { ...(object.metadata as Obj), resourceVersion },
  status,
});

function patchesFor(objects: Obj[], now = T1) {
  const state = modelOf(objects);
  assert.ok(state.gatewayStatus);
  return gatewayStatusPatches(state.gatewayStatus, snapshotOf(objects), [{ ip: '192.0.2.1' }], now);
}

describe('Gateway API status patches', () => {
  const base = [service('web'), gateway('gw', [{ name: 'http', port: 80 }])];
  const route = httpRoute('r', { rules: [{ backendRefs: [ref('web')] }] });

  it('first write: every object, with observedGeneration, the time, the addresses and the resourceVersion', () => {
    const patches = patchesFor([stored(gatewayClass()), ...base.map((o) => stored(o)), stored(route)]);
    assert.deepEqual(
      patches.map((p) => [p.object, p.path, p.body.metadata.resourceVersion]),
      [
        ['GatewayClass haproxy', '/apis/gateway.networking.k8s.io/v1/gatewayclasses/haproxy/status', '7'],
        [
          'Gateway default/gw',
          '/apis/gateway.networking.k8s.io/v1/namespaces/default/gateways/gw/status',
          '7',
        ],
        [
          'HTTPRoute default/r',
          '/apis/gateway.networking.k8s.io/v1/namespaces/default/httproutes/r/status',
          '7',
        ],
      ],
    );
    const gw = patches[1]?.body.status as {
      addresses: unknown;
      conditions: { observedGeneration: number; lastTransitionTime: string }[];
    };
    assert.deepEqual(gw.addresses, [{ type: 'IPAddress', value: '192.0.2.1' }]);
    assert.ok(gw.conditions.every((c) => c.observedGeneration === 1 && c.lastTransitionTime === T1));
  });

  it('no patch when status already says it; the transition time stays while a condition holds', () => {
    const first = patchesFor([stored(gatewayClass()), ...base.map((o) => stored(o)), stored(route)]);
    const [classStatus, gwStatus, routeStatus] = first.map((p) => p.body.status);
    const again = patchesFor(
      [
        stored(gatewayClass(), classStatus),
        stored(base[0] as Obj),
        stored(base[1] as Obj, gwStatus),
        stored(route, routeStatus),
      ],
      T2,
    );
    assert.deepEqual(again, []);
    // The route now points at a missing Service: ResolvedRefs changes (new time), Accepted keeps its time.
    const broken = httpRoute('r', { rules: [{ backendRefs: [ref('gone')] }] });
    const changed = patchesFor(
      [
        stored(gatewayClass(), classStatus),
        stored(base[0] as Obj),
        stored(base[1] as Obj, gwStatus),
        stored(broken, routeStatus),
      ],
      T2,
    );
    type Parents = {
      parents: { conditions: { type: string; status: string; lastTransitionTime: string }[] }[];
    };
    const patched = changed.find((p) => p.object === 'HTTPRoute default/r');
    assert.ok(patched);
    const { parents } = patched.body.status as Parents;
    assert.deepEqual(
      parents[0]?.conditions.map((c) => [c.type, c.status, c.lastTransitionTime]),
      [
        ['Accepted', 'True', T1],
        ['ResolvedRefs', 'False', T2],
      ],
    );
  });

  it('keeps other controllers’ parents and removes ours when the route leaves our Gateways', () => {
    const theirs = {
      parentRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'other' },
      controllerName: 'example.com/other',
      conditions: [
        { type: 'Accepted', status: 'True', reason: 'Accepted', message: '', lastTransitionTime: T1 },
      ],
    };
    const ours = {
      parentRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw' },
      controllerName: 'haproxy.org/gateway-controller',
      conditions: [
        { type: 'Accepted', status: 'True', reason: 'Accepted', message: '', lastTransitionTime: T1 },
      ],
    };
    const moved = httpRoute('r', { parentRefs: [{ name: 'other' }], rules: [{ backendRefs: [ref('web')] }] });
    const patches = patchesFor([gatewayClass(), ...base, stored(moved, { parents: [ours, theirs] })]);
    const routePatch = patches.find((p) => p.object === 'HTTPRoute default/r');
    assert.deepEqual(routePatch?.body.status, { parents: [theirs] });
  });
});
