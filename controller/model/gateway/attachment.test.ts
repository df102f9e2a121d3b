import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AttachableRoute, attachRoute } from './attachment.ts';
import { ourGatewayClasses } from './gateway-classes.ts';
import { CONTROLLER, gateway, gatewayClass, httpRoute, namespace, snapshotOf } from './gateway-fixtures.ts';
import { resolveGateways } from './listeners.ts';

function attach(objects: Record<string, unknown>[], routeName = 'r') {
  const snapshot = snapshotOf([gatewayClass(), ...objects]);
  const gateways = resolveGateways(snapshot, ourGatewayClasses(snapshot, CONTROLLER), { reservedPorts: [] });
  const route = snapshot.httpRoutes.find((r) => r.metadata.name === routeName);
  assert.ok(route);
  return attachRoute(
    { ...route, kind: 'HTTPRoute' } as AttachableRoute,
    new Map(gateways.map((g) => [g.key, g])),
    snapshot,
  ).map((p) => ({
    accepted: `${p.accepted.status} ${p.accepted.reason}`,
    attached: p.attachments.map((a) => `${a.listener.name}:${a.hostnames.map((h) => h ?? '*').join(',')}`),
  }));
}

describe('route attachment', () => {
  const listeners = [
    { name: 'http', port: 80 },
    { name: 'specific', port: 80, hostname: 'very.specific.com' },
    { name: 'wild', port: 80, hostname: '*.wildcard.io' },
  ];

  it('attaches to every listener of the Gateway, with the intersecting hostnames', () => {
    assert.deepEqual(
      attach([
        gateway('gw', listeners),
        httpRoute('r', { hostnames: ['very.specific.com', 'foo.wildcard.io'] }),
      ]),
      [
        {
          accepted: 'True Accepted',
          attached: [
            'http:very.specific.com,foo.wildcard.io',
            'specific:very.specific.com',
            'wild:foo.wildcard.io',
          ],
        },
      ],
    );
  });

  it('sectionName and port select listeners; none selected is NoMatchingParent', () => {
    const gw = gateway('gw', listeners);
    assert.deepEqual(attach([gw, httpRoute('r', { parentRefs: [{ name: 'gw', sectionName: 'wild' }] })]), [
      { accepted: 'True Accepted', attached: ['wild:*.wildcard.io'] },
    ]);
    assert.deepEqual(
      attach([gw, httpRoute('r', { parentRefs: [{ name: 'gw', sectionName: 'http1', port: 80 }] })]),
      [{ accepted: 'False NoMatchingParent', attached: [] }],
    );
    assert.deepEqual(attach([gw, httpRoute('r', { parentRefs: [{ name: 'gw', port: 8080 }] })]), [
      { accepted: 'False NoMatchingParent', attached: [] },
    ]);
  });

  it('no intersecting hostname is NoMatchingListenerHostname', () => {
    assert.deepEqual(
      attach([
        gateway('gw', listeners.slice(1)),
        httpRoute('r', { hostnames: ['specific.but.wrong.com', 'wildcard.io'] }),
      ]),
      [{ accepted: 'False NoMatchingListenerHostname', attached: [] }],
    );
  });

  it('allowedRoutes namespaces: Same, All and Selector', () => {
    const objects = [
      namespace('shop', { team: 'shop' }),
      gateway('same', [{ name: 'http', port: 80 }]),
      gateway('all', [{ name: 'http', port: 80, from: 'All' }]),
      gateway('selected', [
        { name: 'http', port: 80, from: 'Selector', selector: { matchLabels: { team: 'shop' } } },
      ]),
      httpRoute(
        'r',
        { parentRefs: ['same', 'all', 'selected'].map((name) => ({ name, namespace: 'default' })) },
        { namespace: 'shop' },
      ),
    ];
    const snapshot = snapshotOf([gatewayClass(), ...objects]);
    const gateways = resolveGateways(snapshot, ourGatewayClasses(snapshot, CONTROLLER), {
      reservedPorts: [],
    });
    const route = snapshot.httpRoutes[0];
    assert.ok(route);
    const parents = attachRoute(
      { ...route, kind: 'HTTPRoute' },
      new Map(gateways.map((g) => [g.key, g])),
      snapshot,
    );
    assert.deepEqual(
      parents.map((p) => [p.parentRef.name, p.accepted.status, p.accepted.reason]),
      [
        ['same', 'False', 'NotAllowedByListeners'],
        ['all', 'True', 'Accepted'],
        ['selected', 'True', 'Accepted'],
      ],
    );
  });

  it('listeners that do not take the route kind do not attach it; parents that are not ours are left alone', () => {
    assert.deepEqual(
      attach([
        gateway('gw', [{ name: 'grpc-only', port: 80, kinds: [{ kind: 'GRPCRoute' }] }]),
        gateway('theirs', [{ name: 'http', port: 80 }], { className: 'other' }),
        httpRoute('r', { parentRefs: [{ name: 'gw' }, { name: 'theirs' }, { name: 'missing' }] }),
      ]),
      [{ accepted: 'False NotAllowedByListeners', attached: [] }],
    );
  });
});
