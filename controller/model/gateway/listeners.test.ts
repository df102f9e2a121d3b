import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { selfSignedCertificate } from '../../emitters/config/self-signed.ts';
import { ourGatewayClasses } from './gateway-classes.ts';
import { CONTROLLER, gateway, gatewayClass, referenceGrant, snapshotOf } from './gateway-fixtures.ts';
import { type ResolvedGateway, resolveGateways } from './listeners.ts';

const PAIR = selfSignedCertificate('secure.example', ['secure.example'], 2);
const tlsSecret = (name: string, namespace = 'default') => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace },
  type: 'kubernetes.io/tls',
  stringData: { 'tls.crt': PAIR.cert, 'tls.key': PAIR.key },
});

function resolve(
  objects: Record<string, unknown>[],
  reservedPorts: number[] = [8080, 8443],
): ResolvedGateway[] {
  const snapshot = snapshotOf([gatewayClass(), ...objects]);
  return resolveGateways(snapshot, ourGatewayClasses(snapshot, CONTROLLER), { reservedPorts });
}

const conditionsOf = (g: ResolvedGateway, listener: string) =>
  Object.fromEntries(
    (g.listeners.find((l) => l.name === listener)?.conditions ?? []).map((c) => [
      c.type,
      `${c.status} ${c.reason}`,
    ]),
  );

describe('GatewayClasses', () => {
  it('are ours by controllerName; parametersRef is refused', () => {
    const snapshot = snapshotOf([
      gatewayClass('haproxy'),
      gatewayClass('other', 'example.com/other'),
      gatewayClass('tuned', CONTROLLER, { parametersRef: { group: 'x.io', kind: 'Params', name: 'p' } }),
    ]);
    const classes = ourGatewayClasses(snapshot, CONTROLLER);
    assert.deepEqual([...classes.ours.keys()].sort(), ['haproxy', 'tuned']);
    assert.deepEqual([...classes.accepted], ['haproxy']);
    assert.deepEqual(
      classes.status.map((s) => [s.target.name, s.conditions[0]?.status, s.conditions[0]?.reason]),
      [
        ['haproxy', 'True', 'Accepted'],
        ['tuned', 'False', 'InvalidParameters'],
      ],
    );
  });
});

describe('listeners', () => {
  it('HTTP on 80 and HTTPS on 443 are served; other protocols are not', () => {
    const [g] = resolve([
      tlsSecret('cert'),
      gateway('gw', [
        { name: 'http', port: 80 },
        { name: 'https', port: 443, protocol: 'HTTPS', certificateRefs: [{ name: 'cert' }] },
        { name: 'tcp', port: 5000, protocol: 'TCP' },
      ]),
    ]);
    assert.ok(g);
    assert.deepEqual(conditionsOf(g, 'http'), {
      Accepted: 'True Accepted',
      Conflicted: 'False NoConflicts',
      ResolvedRefs: 'True ResolvedRefs',
      Programmed: 'True Programmed',
    });
    assert.equal(g.listeners[1]?.certificates[0]?.file, 'default_cert.pem');
    assert.equal(conditionsOf(g, 'tcp').Accepted, 'False UnsupportedProtocol');
    assert.deepEqual(g.listeners[2]?.supportedKinds, []);
    assert.equal(`${g.acceptedCondition.status} ${g.acceptedCondition.reason}`, 'True ListenersNotValid');
  });

  it('a Gateway without any valid listener is not accepted', () => {
    const [g] = resolve([gateway('gw', [{ name: 'udp', port: 53, protocol: 'UDP' }])]);
    assert.equal(`${g?.acceptedCondition.status} ${g?.acceptedCondition.reason}`, 'False ListenersNotValid');
  });

  it('route kinds: unknown kinds make ResolvedRefs false and are left out of supportedKinds', () => {
    const [g] = resolve([
      gateway('gw', [
        { name: 'only-invalid', port: 80, kinds: [{ kind: 'InvalidRoute' }] },
        {
          name: 'mixed',
          port: 80,
          hostname: 'a.example',
          kinds: [{ kind: 'InvalidRoute' }, { kind: 'HTTPRoute' }],
        },
      ]),
    ]);
    assert.ok(g);
    assert.equal(conditionsOf(g, 'only-invalid').ResolvedRefs, 'False InvalidRouteKinds');
    assert.deepEqual(g.listeners[0]?.supportedKinds, []);
    assert.deepEqual(g.listeners[1]?.supportedKinds, [
      { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' },
    ]);
  });

  it('certificateRefs: missing, wrong kind, wrong group and cross-namespace without a grant', () => {
    const https = (name: string, certificateRefs: Record<string, unknown>[]) =>
      gateway(name, [{ name: 'https', port: 443, protocol: 'HTTPS', certificateRefs }]);
    const gateways = resolve([
      tlsSecret('cert', 'certs'),
      https('missing', [{ name: 'nonexistent' }]),
      https('kind', [{ kind: 'WrongKind', name: 'cert' }]),
      https('group', [{ group: 'wrong.io', kind: 'Secret', name: 'cert' }]),
      https('cross', [{ name: 'cert', namespace: 'certs' }]),
    ]);
    const byName = new Map(gateways.map((g) => [g.gateway.metadata.name, g]));
    for (const name of ['missing', 'kind', 'group'])
      assert.equal(
        conditionsOf(byName.get(name) as ResolvedGateway, 'https').ResolvedRefs,
        'False InvalidCertificateRef',
        name,
      );
    const cross = byName.get('cross') as ResolvedGateway;
    assert.equal(conditionsOf(cross, 'https').ResolvedRefs, 'False RefNotPermitted');
    assert.equal(conditionsOf(cross, 'https').Programmed, 'False Invalid');
  });

  it('a ReferenceGrant for Gateways lets a listener use a Secret of another namespace', () => {
    const [g] = resolve([
      tlsSecret('cert', 'certs'),
      referenceGrant(
        'certs',
        [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'default' }],
        [{ group: '', kind: 'Secret', name: 'cert' }],
      ),
      gateway('gw', [
        {
          name: 'https',
          port: 443,
          protocol: 'HTTPS',
          hostname: 'secure.example',
          certificateRefs: [{ name: 'cert', namespace: 'certs' }],
        },
      ]),
    ]);
    assert.equal(conditionsOf(g as ResolvedGateway, 'https').ResolvedRefs, 'True ResolvedRefs');
    assert.deepEqual(
      g?.listeners[0]?.certificates.map((c) => [c.file, c.sni]),
      [['certs_cert.pem', ['secure.example']]],
    );
  });

  it('ports: the controller’s own are unavailable; the first Gateway on a port decides its protocol', () => {
    const gateways = resolve([
      gateway('old', [{ name: 'extra', port: 9000 }], { created: '2024-01-01T00:00:00Z' }),
      gateway(
        'new',
        [
          { name: 'extra-tls', port: 9000, protocol: 'HTTPS', certificateRefs: [{ name: 'x' }] },
          { name: 'own', port: 8080 },
          { name: 'plain-on-443', port: 443 },
        ],
        { created: '2024-02-01T00:00:00Z' },
      ),
    ]);
    const [old, young] = gateways as [ResolvedGateway, ResolvedGateway];
    assert.equal(conditionsOf(old, 'extra').Accepted, 'True Accepted');
    assert.equal(conditionsOf(young, 'extra-tls').Conflicted, 'True ProtocolConflict');
    assert.equal(conditionsOf(young, 'own').Accepted, 'False PortUnavailable');
    assert.equal(conditionsOf(young, 'plain-on-443').Conflicted, 'True ProtocolConflict');
  });

  it('a Gateway asking for addresses or parameters is not accepted', () => {
    const gateways = resolve([
      gateway('addr', [{ name: 'http', port: 80 }], { spec: { addresses: [{ value: '10.0.0.1' }] } }),
      gateway('params', [{ name: 'http', port: 80 }], {
        spec: { infrastructure: { parametersRef: { group: 'x.io', kind: 'P', name: 'p' } } },
      }),
    ]);
    assert.deepEqual(
      gateways.map((g) => [g.gateway.metadata.name, g.acceptedCondition.reason, g.listeners[0]?.programmed]),
      [
        ['addr', 'UnsupportedAddress', false],
        ['params', 'InvalidParameters', false],
      ],
    );
  });
});
