/**
 * Gateway API status against a real kube-apiserver with the standard
 * channel's CRDs, written by the controller (the leader) with the manifests'
 * RBAC, as the upstream status-only conformance tests (suite v1.6) expect:
 * GatewayClass Accepted; Gateway Accepted, Programmed and addresses;
 * listeners' conditions, supported kinds and attached routes, through
 * listener changes, invalid route kinds, invalid TLS configuration and
 * Secret ReferenceGrants; route parents' Accepted and ResolvedRefs with the
 * spec's reasons; observedGeneration following every spec change; status of
 * other controllers kept. Status describes what HAProxy serves: once a route
 * says Accepted, its requests are answered.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiClient, loadKubeConfig } from '../controller/cluster/api-client.ts';
import { selfSigned } from './harness/certs.ts';
import {
  type ClusterEnv,
  loopbackSlice,
  startClusterController,
  startClusterWithManifests,
} from './harness/cluster-setup.ts';
import type { TestController } from './harness/controller.ts';
import { gateway, gatewayClass, httpRoute, ref, referenceGrant } from './harness/gateway.ts';
import { service, tlsSecret } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { eventually } from './harness/wait.ts';

const NS = 'gw-status';
const API = '/apis/gateway.networking.k8s.io/v1';
const ADDRESS = '192.0.2.10';

type Obj = Record<string, unknown>;
interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime: string;
}
interface Listener {
  name: string;
  supportedKinds: { group: string; kind: string }[];
  attachedRoutes: number;
  conditions: Condition[];
}
interface Read {
  metadata: { generation: number; resourceVersion: string };
  status?: {
    conditions?: Condition[];
    addresses?: { type: string; value: string }[];
    listeners?: Listener[];
    parents?: { parentRef: Obj; controllerName: string; conditions: Condition[] }[];
    supportedFeatures?: { name: string }[];
  };
}

/** The API server sets generation itself: objects are applied without one. */
function withoutGeneration(object: Obj): Obj {
  const { generation: _generation, ...metadata } = object.metadata as Obj;
  return { ...object, metadata };
}

const inNs = (object: Obj): Obj => ({ ...object, metadata: { ...(object.metadata as Obj), namespace: NS } });

describe('Gateway API status (cluster mode)', () => {
  let env: ClusterEnv;
  let controller: TestController;
  let admin: ApiClient;
  let pods: Pods;

  const apply = (objects: Obj[]) => env.cluster.apply(objects.map(withoutGeneration));
  const read = (path: string) => admin.request<Read>('GET', path);
  const gatewayPath = (name: string) => `${API}/namespaces/${NS}/gateways/${name}`;
  const routePath = (name: string) => `${API}/namespaces/${NS}/httproutes/${name}`;
  const condition = (list: Condition[] | undefined, type: string) => list?.find((c) => c.type === type);
  const brief = (c: Condition | undefined) => (c ? `${c.status} ${c.reason}` : 'none');

  /** Waits until `check` passes on the object, and returns it. */
  async function waitFor(path: string, check: (o: Read) => void, timeoutMs = 20_000): Promise<Read> {
    let object: Read | undefined;
    await eventually(
      async () => {
        object = await read(path);
        check(object);
      },
      timeoutMs,
      100,
    );
    return object as Read;
  }

  const listener = (o: Read, name: string) => o.status?.listeners?.find((l) => l.name === name);

  before(async () => {
    env = await startClusterWithManifests({ gatewayApi: true });
    admin = new ApiClient(loadKubeConfig(env.cluster.adminKubeconfig()));
    await env.cluster.ensureNamespace(NS);
    await env.cluster.ensureNamespace('certs');
    pods = await startPods('web', 1);
    const { cert, key } = selfSigned('secure.test.com');
    await apply([
      service('web', [{ port: 80 }], {}, NS),
      loopbackSlice('web', pods.port, [{ address: pods.addresses[0] as string }], NS),
      tlsSecret('cert', cert, key, NS),
      tlsSecret('cert', cert, key, 'certs'),
      gatewayClass('haproxy'),
    ]);
    controller = await startClusterController(env, { args: ['--publish-address', ADDRESS] });
  });

  after(async () => {
    await controller?.cleanup();
    await pods?.stop();
    await env?.cluster.stop();
  });

  it('the account may patch Gateway API status, not update it', async () => {
    const account = new ApiClient(loadKubeConfig(env.kubeconfig));
    const can = async (verb: string) => {
      const review = await account.request<{ status?: { allowed?: boolean } }>(
        'POST',
        '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
        {
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SelfSubjectAccessReview',
            spec: {
              resourceAttributes: {
                group: 'gateway.networking.k8s.io',
                resource: 'httproutes',
                subresource: 'status',
                verb,
                namespace: NS,
              },
            },
          },
        },
      );
      return review.status?.allowed === true;
    };
    assert.equal(await can('patch'), true);
    assert.equal(await can('update'), false);
  });

  it('GatewayClass: Accepted with its observedGeneration, and the supported features; parametersRef is refused', async () => {
    const path = `${API}/gatewayclasses/haproxy`;
    const accepted = await waitFor(path, (o) =>
      assert.equal(brief(condition(o.status?.conditions, 'Accepted')), 'True Accepted'),
    );
    assert.equal(
      condition(accepted.status?.conditions, 'Accepted')?.observedGeneration,
      accepted.metadata.generation,
    );
    assert.ok(accepted.status?.supportedFeatures?.some((f) => f.name === 'HTTPRoute'));
    // GatewayClassObservedGenerationBump: a spec change is observed.
    await apply([gatewayClass('haproxy', undefined, { description: 'bumped' })]);
    await waitFor(path, (o) => {
      assert.equal(o.metadata.generation, 2);
      assert.equal(condition(o.status?.conditions, 'Accepted')?.observedGeneration, 2);
    });
    await apply([
      gatewayClass('tuned', undefined, {
        parametersRef: { group: 'example.com', kind: 'Params', name: 'p' },
      }),
    ]);
    await waitFor(`${API}/gatewayclasses/tuned`, (o) =>
      assert.equal(brief(condition(o.status?.conditions, 'Accepted')), 'False InvalidParameters'),
    );
  });

  it('Gateway and route: Accepted, Programmed, addresses, attached routes; once Accepted, the route is served', async () => {
    await apply([
      inNs(gateway('gw', [{ name: 'http', port: 80 }])),
      inNs(
        httpRoute('web', {
          parentRefs: [{ name: 'gw' }],
          hostnames: ['status.example'],
          rules: [{ backendRefs: [ref('web')] }],
        }),
      ),
    ]);
    const route = await waitFor(routePath('web'), (o) => {
      const parent = o.status?.parents?.find((p) => p.controllerName === 'haproxy.org/gateway-controller');
      assert.equal(brief(condition(parent?.conditions, 'Accepted')), 'True Accepted');
      assert.equal(brief(condition(parent?.conditions, 'ResolvedRefs')), 'True ResolvedRefs');
    });
    // Status was written after HAProxy served the route: no waiting here.
    const reply = await controller.get('status.example', '/');
    assert.equal(`${reply.status} ${reply.pod}`, '200 web-1');
    assert.deepEqual(route.status?.parents?.[0]?.parentRef, {
      group: 'gateway.networking.k8s.io',
      kind: 'Gateway',
      name: 'gw',
    });
    const gw = await waitFor(gatewayPath('gw'), (o) => {
      assert.equal(brief(condition(o.status?.conditions, 'Programmed')), 'True Programmed');
      assert.equal(listener(o, 'http')?.attachedRoutes, 1);
    });
    assert.equal(brief(condition(gw.status?.conditions, 'Accepted')), 'True Accepted');
    assert.deepEqual(gw.status?.addresses, [{ type: 'IPAddress', value: ADDRESS }]);
    const http = listener(gw, 'http') as Listener;
    assert.deepEqual(
      http.conditions.map((c) => `${c.type} ${c.status} ${c.reason} ${c.observedGeneration}`).sort(),
      [
        'Accepted True Accepted 1',
        'Conflicted False NoConflicts 1',
        'Programmed True Programmed 1',
        'ResolvedRefs True ResolvedRefs 1',
      ],
    );
    assert.deepEqual(http.supportedKinds, [
      { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' },
      { group: 'gateway.networking.k8s.io', kind: 'GRPCRoute' },
    ]);
  });

  it('GatewayObservedGenerationBump and GatewayModifyListeners: listeners added and removed', async () => {
    await apply([
      inNs(
        gateway('gw', [
          { name: 'http', port: 80 },
          { name: 'https', port: 443, protocol: 'HTTPS', from: 'All', certificateRefs: [{ name: 'cert' }] },
        ]),
      ),
    ]);
    const bumped = await waitFor(gatewayPath('gw'), (o) => {
      assert.equal(o.metadata.generation, 2);
      assert.equal(brief(condition(listener(o, 'https')?.conditions, 'Programmed')), 'True Programmed');
    });
    for (const c of bumped.status?.conditions ?? []) assert.equal(c.observedGeneration, 2, c.type);
    for (const l of bumped.status?.listeners ?? [])
      for (const c of l.conditions) assert.equal(c.observedGeneration, 2, `${l.name} ${c.type}`);
    assert.equal(
      listener(bumped, 'https')?.attachedRoutes,
      1,
      'a route without sectionName attaches to every listener',
    );
    await apply([inNs(gateway('gw', [{ name: 'http', port: 80 }]))]);
    await waitFor(gatewayPath('gw'), (o) => {
      assert.deepEqual(
        o.status?.listeners?.map((l) => l.name),
        ['http'],
      );
      assert.equal(condition(o.status?.conditions, 'Accepted')?.observedGeneration, 3);
    });
  });

  it('GatewayListenerUnsupportedProtocol and GatewayInvalidRouteKind', async () => {
    await apply([
      inNs(
        gateway('unsupported', [
          { name: 'http', port: 80, hostname: 'u.example' },
          { name: 'invalid', port: 1111, protocol: 'INVALID' },
        ]),
      ),
      inNs(
        gateway('only-invalid-kind', [
          { name: 'http', port: 80, hostname: 'k.example', kinds: [{ kind: 'InvalidRoute' }] },
        ]),
      ),
      inNs(
        gateway('supported-and-invalid-kind', [
          {
            name: 'http',
            port: 80,
            hostname: 'k2.example',
            kinds: [{ kind: 'InvalidRoute' }, { kind: 'HTTPRoute' }],
          },
        ]),
      ),
    ]);
    const unsupported = await waitFor(gatewayPath('unsupported'), (o) =>
      assert.equal(
        brief(condition(listener(o, 'invalid')?.conditions, 'Accepted')),
        'False UnsupportedProtocol',
      ),
    );
    assert.equal(brief(condition(unsupported.status?.conditions, 'Accepted')), 'True ListenersNotValid');
    const only = await waitFor(gatewayPath('only-invalid-kind'), (o) =>
      assert.equal(
        brief(condition(listener(o, 'http')?.conditions, 'ResolvedRefs')),
        'False InvalidRouteKinds',
      ),
    );
    assert.deepEqual(listener(only, 'http')?.supportedKinds, []);
    const mixed = await waitFor(gatewayPath('supported-and-invalid-kind'), (o) =>
      assert.equal(
        brief(condition(listener(o, 'http')?.conditions, 'ResolvedRefs')),
        'False InvalidRouteKinds',
      ),
    );
    assert.deepEqual(listener(mixed, 'http')?.supportedKinds, [
      { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' },
    ]);
  });

  it('GatewayInvalidTLSConfiguration and the Secret ReferenceGrant tests', async () => {
    const https = (name: string, certificateRefs: Obj[]) =>
      inNs(
        gateway(name, [
          {
            name: 'https',
            port: 443,
            protocol: 'HTTPS',
            hostname: `${name}.example`,
            from: 'All',
            certificateRefs,
          },
        ]),
      );
    await apply([
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'malformed', namespace: NS },
        type: 'kubernetes.io/tls',
        data: { 'tls.crt': 'SGVsbG8gd29ybGQK', 'tls.key': 'SGVsbG8gd29ybGQK' },
      },
      https('nonexistent', [{ name: 'nonexistent-certificate' }]),
      https('unsupported-group', [{ group: 'wrong.group.company.io', kind: 'Secret', name: 'cert' }]),
      https('unsupported-kind', [{ group: '', kind: 'WrongKind', name: 'cert' }]),
      https('malformed', [{ name: 'malformed' }]),
      https('missing-grant', [{ name: 'cert', namespace: 'certs' }]),
    ]);
    for (const name of ['nonexistent', 'unsupported-group', 'unsupported-kind', 'malformed'])
      await waitFor(gatewayPath(name), (o) => {
        assert.equal(
          brief(condition(listener(o, 'https')?.conditions, 'ResolvedRefs')),
          'False InvalidCertificateRef',
          name,
        );
        assert.equal(brief(condition(listener(o, 'https')?.conditions, 'Programmed')), 'False Invalid', name);
      });
    await waitFor(gatewayPath('missing-grant'), (o) =>
      assert.equal(
        brief(condition(listener(o, 'https')?.conditions, 'ResolvedRefs')),
        'False RefNotPermitted',
      ),
    );
    // GatewaySecretInvalidReferenceGrant: grants that do not fit change nothing.
    const fromGateways = { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: NS };
    await apply([
      referenceGrant(
        'certs',
        [{ ...fromGateways, kind: 'HTTPRoute' }],
        [{ group: '', kind: 'Secret', name: 'cert' }],
        'wrong-from-kind',
      ),
      referenceGrant(
        'certs',
        [fromGateways],
        [{ group: '', kind: 'Secret', name: 'not-this-one' }],
        'wrong-to-name',
      ),
      referenceGrant(
        'certs',
        [fromGateways],
        [{ group: '', kind: 'Service', name: 'cert' }],
        'wrong-to-kind',
      ),
    ]);
    // GatewaySecretReferenceGrantSpecific, then GatewaySecretReferenceGrantAllInNamespace.
    await apply([
      referenceGrant('certs', [fromGateways], [{ group: '', kind: 'Secret', name: 'cert' }], 'specific'),
    ]);
    await waitFor(gatewayPath('missing-grant'), (o) =>
      assert.equal(brief(condition(listener(o, 'https')?.conditions, 'ResolvedRefs')), 'True ResolvedRefs'),
    );
    await env.cluster.delete({
      apiVersion: 'gateway.networking.k8s.io/v1beta1',
      kind: 'ReferenceGrant',
      metadata: { name: 'specific', namespace: 'certs' },
    });
    await waitFor(gatewayPath('missing-grant'), (o) =>
      assert.equal(
        brief(condition(listener(o, 'https')?.conditions, 'ResolvedRefs')),
        'False RefNotPermitted',
      ),
    );
    await apply([
      referenceGrant('certs', [fromGateways], [{ group: '', kind: 'Secret' }], 'all-in-namespace'),
    ]);
    await waitFor(gatewayPath('missing-grant'), (o) => {
      assert.equal(brief(condition(listener(o, 'https')?.conditions, 'ResolvedRefs')), 'True ResolvedRefs');
      assert.equal(brief(condition(listener(o, 'https')?.conditions, 'Programmed')), 'True Programmed');
    });
  });

  it('route parents: the spec’s reasons, observedGeneration bumps, other controllers’ entries kept', async () => {
    await apply([
      inNs(gateway('same', [{ name: 'http', port: 80, hostname: 'same.example' }])),
      inNs(
        httpRoute('no-section', {
          parentRefs: [{ name: 'same', sectionName: 'http1' }],
          rules: [{ backendRefs: [ref('web')] }],
        }),
      ),
      inNs(
        httpRoute('no-hostname', {
          parentRefs: [{ name: 'same' }],
          hostnames: ['other.example'],
          rules: [{ backendRefs: [ref('web')] }],
        }),
      ),
      inNs(
        httpRoute('missing-backend', {
          parentRefs: [{ name: 'same' }],
          rules: [{ backendRefs: [ref('nonexistent')] }],
        }),
      ),
      inNs(
        httpRoute('unknown-kind', {
          parentRefs: [{ name: 'same' }],
          rules: [{ backendRefs: [ref('web', 80, { group: 'x.example.com', kind: 'NonExistent' })] }],
        }),
      ),
      inNs(
        httpRoute('cross-namespace', {
          parentRefs: [{ name: 'same' }],
          rules: [{ backendRefs: [ref('web', 80, { namespace: 'certs' })] }],
        }),
      ),
      httpRoute(
        'not-allowed',
        { parentRefs: [{ name: 'same', namespace: NS }], rules: [{ backendRefs: [ref('web')] }] },
        { namespace: 'certs' },
      ),
    ]);
    const expectParent = async (name: string, namespace: string, accepted: string, resolved?: string) =>
      waitFor(`${API}/namespaces/${namespace}/httproutes/${name}`, (o) => {
        const parent = o.status?.parents?.[0];
        assert.equal(brief(condition(parent?.conditions, 'Accepted')), accepted, `${name} Accepted`);
        if (resolved)
          assert.equal(
            brief(condition(parent?.conditions, 'ResolvedRefs')),
            resolved,
            `${name} ResolvedRefs`,
          );
      });
    await expectParent('no-section', NS, 'False NoMatchingParent');
    await expectParent('no-hostname', NS, 'False NoMatchingListenerHostname');
    await expectParent('missing-backend', NS, 'True Accepted', 'False BackendNotFound');
    await expectParent('unknown-kind', NS, 'True Accepted', 'False InvalidKind');
    await expectParent('cross-namespace', NS, 'True Accepted', 'False RefNotPermitted');
    await expectParent('not-allowed', 'certs', 'False NotAllowedByListeners');
    await waitFor(gatewayPath('same'), (o) => assert.equal(listener(o, 'http')?.attachedRoutes, 3));
    assert.equal((await controller.get('same.example', '/')).status, 500, 'missing backends answer 500');

    // HTTPRouteObservedGenerationBump.
    await apply([
      inNs(
        httpRoute('missing-backend', {
          parentRefs: [{ name: 'same' }],
          rules: [{ backendRefs: [ref('web')] }],
        }),
      ),
    ]);
    await waitFor(routePath('missing-backend'), (o) => {
      assert.equal(o.metadata.generation, 2);
      for (const c of o.status?.parents?.[0]?.conditions ?? []) assert.equal(c.observedGeneration, 2, c.type);
      assert.equal(brief(condition(o.status?.parents?.[0]?.conditions, 'ResolvedRefs')), 'True ResolvedRefs');
    });

    // Another controller's parent entry stays as it is when ours is rewritten.
    const foreign = {
      parentRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'elsewhere' },
      controllerName: 'example.com/other-controller',
      conditions: [
        {
          type: 'Accepted',
          status: 'True',
          reason: 'Accepted',
          message: 'theirs',
          lastTransitionTime: '2024-01-01T00:00:00Z',
        },
      ],
    };
    const current = await read(routePath('missing-backend'));
    await admin.request('PATCH', `${routePath('missing-backend')}/status`, {
      body: { status: { parents: [...(current.status?.parents ?? []), foreign] } },
      contentType: 'application/merge-patch+json',
    });
    await apply([
      inNs(
        httpRoute('missing-backend', {
          parentRefs: [{ name: 'same' }],
          rules: [{ backendRefs: [ref('nonexistent')] }],
        }),
      ),
    ]);
    const kept = await waitFor(routePath('missing-backend'), (o) =>
      assert.equal(
        brief(
          condition(
            o.status?.parents?.find((p) => p.controllerName !== 'example.com/other-controller')?.conditions,
            'ResolvedRefs',
          ),
        ),
        'False BackendNotFound',
      ),
    );
    assert.deepEqual(
      kept.status?.parents?.find((p) => p.controllerName === 'example.com/other-controller'),
      foreign,
    );
  });
});
