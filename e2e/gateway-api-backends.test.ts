/**
 * Gateway API routes across namespaces, ReferenceGrants, weights, HTTPS
 * listeners, method and query parameter matches, through the real HAProxy in
 * local mode: the request → response tables of the upstream conformance tests
 * (suite v1.6) HTTPRouteWeight, HTTPRouteCrossNamespace, HTTPRouteReferenceGrant,
 * HTTPRouteInvalidReferenceGrant, HTTPRouteInvalidCrossNamespaceBackendRef,
 * HTTPRoutePartiallyInvalidViaInvalidReferenceGrant,
 * HTTPRouteInvalidCrossNamespaceParentRef, HTTPRouteInvalidParentRefNotMatchingSectionName,
 * HTTPRouteHTTPSListener, HTTPRouteServiceTypes, HTTPRouteMethodMatching and
 * HTTPRouteQueryParamMatching, and HTTPRouteMultipleGateways with its second
 * Gateway on a port of its own (Gateways that share a port are told apart by
 * host, and the upstream test gives both none).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { selfSigned } from './harness/certs.ts';
import { TestController } from './harness/controller.ts';
import {
  expectTable,
  gateway,
  gatewayClass,
  httpRoute,
  namespace,
  type Row,
  ref,
  referenceGrant,
  send,
} from './harness/gateway.ts';
import { freePort } from './harness/net.ts';
import { endpointSlice, service, tlsSecret } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { Backends, serviceOf } from './harness/routing.ts';
import { eventually } from './harness/wait.ts';

type Obj = Record<string, unknown>;
const prefix = (value: string, extra: Obj = {}) => ({ path: { type: 'PathPrefix', value }, ...extra });
const rule = (matches: Obj[], backend: string): Obj => ({ matches, backendRefs: [ref(backend)] });
const GRANT_FROM_ROUTES = { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'default' };

describe('Gateway API backends, namespaces and listeners (local mode)', () => {
  let controller: TestController;
  let backends: Backends;
  let web: Pods;
  let app: Pods;
  let other: number;

  /** A Service of another namespace, backed by its own pods. */
  const foreign = (name: string, ns: string, pods: Pods) => [
    service(name, [{ name: 'http', port: 80 }], {}, ns),
    endpointSlice(
      name,
      { name: 'http', port: pods.port },
      pods.addresses.map((address, i) => ({ address, name: pods.names[i] })),
      ns,
    ),
  ];

  before(async () => {
    backends = await Backends.start(['v1', 'v2', 'v3']);
    web = await startPods('web-backend', 1);
    app = await startPods('app-backend-v1', 1);
    other = await freePort();
    const { cert, key } = selfSigned('example.org', [
      'example.org',
      'second-example.org',
      'unknown-example.org',
    ]);
    controller = await TestController.create({
      'services.yaml': [
        ...backends.manifests(),
        ...foreign('web-backend', 'web', web),
        ...foreign('app-backend-v1', 'app', app),
        ...foreign('app-backend-v2', 'app', app),
      ],
      'gateway.yaml': [
        gatewayClass(),
        namespace('default'),
        namespace('web', { 'gateway-conformance': 'backend' }),
        namespace('app'),
        tlsSecret('cert', cert, key),
        gateway('same-namespace', [{ name: 'http', port: 80 }]),
        gateway('backend-namespaces', [
          {
            name: 'http',
            port: 80,
            from: 'Selector',
            selector: { matchLabels: { 'gateway-conformance': 'backend' } },
          },
        ]),
        gateway('all-namespaces', [{ name: 'http', port: other, from: 'All' }]),
        gateway('with-https', [
          { name: 'https', port: 443, protocol: 'HTTPS', certificateRefs: [{ name: 'cert' }] },
          {
            name: 'https-with-hostname',
            port: 443,
            protocol: 'HTTPS',
            hostname: 'second-example.org',
            certificateRefs: [{ name: 'cert' }],
          },
        ]),
      ],
    });
    await controller.start();
  });

  after(async () => {
    await controller?.cleanup();
    await backends?.stop();
    await web?.stop();
    await app?.stop();
  });

  const scenario = async (routes: Obj[], rows: Row[]) => {
    await controller.write('routes.yaml', routes);
    await expectTable(controller, rows);
  };

  it('HTTPRouteWeight: 70/30/0 within 5% over 500 requests (at most 10 tries)', async () => {
    await controller.write('routes.yaml', [
      httpRoute('weighted-backends', {
        parentRefs: [{ name: 'same-namespace' }],
        rules: [
          {
            backendRefs: [
              ref('v1', 80, { weight: 70 }),
              ref('v2', 80, { weight: 30 }),
              ref('v3', 80, { weight: 0 }),
            ],
          },
        ],
      }),
    ]);
    await eventually(
      async () => assert.equal((await send(controller, { path: '/', expect: 200 })).status, 200),
      10_000,
      50,
    );
    const wanted = { v1: 0.7, v2: 0.3, v3: 0 };
    let last = '';
    for (let attempt = 0; attempt < 10; attempt++) {
      const counts = new Map<string, number>();
      for (let i = 0; i < 500; i++) {
        const reply = await send(controller, { path: `/?entropy=${attempt}-${i}`, expect: 200 });
        const name = reply.status === 200 ? (serviceOf(reply) ?? '-') : String(reply.status);
        counts.set(name, (counts.get(name) ?? 0) + 1);
      }
      const off = Object.entries(wanted).filter(
        ([name, share]) => Math.abs((counts.get(name) ?? 0) / 500 - share) > 0.05,
      );
      last = JSON.stringify(Object.fromEntries(counts));
      if (off.length === 0 && [...counts.keys()].every((k) => k in wanted)) return;
    }
    assert.fail(`weighted distribution off after 10 tries: ${last}`);
  });

  it('HTTPRouteBackendRequestHeaderModifier with weights: each backendRef’s own filters apply to its share', async () => {
    const tagged = (backend: string, value: string) =>
      ref(backend, 80, {
        weight: 50,
        filters: [
          { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'X-Backend', value }] } },
        ],
      });
    await controller.write('routes.yaml', [
      httpRoute('backend-filters', {
        parentRefs: [{ name: 'same-namespace' }],
        hostnames: ['filters.example'],
        rules: [{ backendRefs: [tagged('v1', 'one'), tagged('v2', 'two')] }],
      }),
    ]);
    const headerOf = async () => {
      const reply = await send(controller, { host: 'filters.example', path: '/', expect: 200 });
      const body =
        reply.status === 200 ? (JSON.parse(reply.body) as { headers: Record<string, string> }) : undefined;
      return { reply, header: body?.headers['x-backend'] };
    };
    // Served once the new backends are: until then an earlier route may still answer.
    await eventually(async () => assert.ok((await headerOf()).header), 10_000, 50);
    const seen = new Set<string>();
    for (let i = 0; i < 60; i++) {
      const { reply, header } = await headerOf();
      seen.add(`${serviceOf(reply)} ${header}`);
    }
    assert.deepEqual([...seen].sort(), ['v1 one', 'v2 two']);
  });

  it('HTTPRouteCrossNamespace, HTTPRouteReferenceGrant and grants that do not fit', async () => {
    const wrongGrants = [
      referenceGrant(
        'default',
        [GRANT_FROM_ROUTES],
        [{ group: '', kind: 'Service', name: 'web-backend' }],
        'wrong-namespace',
      ),
      referenceGrant(
        'web',
        [{ ...GRANT_FROM_ROUTES, group: 'not-the-group' }],
        [{ group: '', kind: 'Service' }],
        'wrong-from-group',
      ),
      referenceGrant(
        'web',
        [{ ...GRANT_FROM_ROUTES, kind: 'Gateway' }],
        [{ group: '', kind: 'Service' }],
        'wrong-from-kind',
      ),
      referenceGrant(
        'web',
        [{ ...GRANT_FROM_ROUTES, namespace: 'elsewhere' }],
        [{ group: '', kind: 'Service' }],
        'wrong-from-namespace',
      ),
      referenceGrant(
        'web',
        [GRANT_FROM_ROUTES],
        [{ group: 'not-the-group', kind: 'Service' }],
        'wrong-to-group',
      ),
      referenceGrant(
        'web',
        [GRANT_FROM_ROUTES],
        [{ group: '', kind: 'Secret', name: 'web-backend' }],
        'wrong-to-kind',
      ),
      referenceGrant(
        'web',
        [GRANT_FROM_ROUTES],
        [{ group: '', kind: 'Service', name: 'not-this-one' }],
        'wrong-to-name',
      ),
    ];
    const crossRoute = httpRoute(
      'cross-namespace',
      {
        parentRefs: [{ name: 'backend-namespaces', namespace: 'default' }],
        hostnames: ['cross.example'],
        rules: [{ backendRefs: [ref('web-backend')] }],
      },
      { namespace: 'web' },
    );
    const toWeb = httpRoute('reference-grant', {
      parentRefs: [{ name: 'same-namespace' }],
      hostnames: ['grant.example'],
      rules: [{ backendRefs: [ref('web-backend', 80, { namespace: 'web' })] }],
    });
    const notAllowed = httpRoute(
      'invalid-cross-namespace-parent-ref',
      {
        parentRefs: [{ name: 'same-namespace', namespace: 'default' }],
        hostnames: ['parent.example'],
        rules: [{ backendRefs: [ref('web-backend')] }],
      },
      { namespace: 'web' },
    );
    const noSection = httpRoute('not-matching-section-name', {
      parentRefs: [{ name: 'same-namespace', sectionName: 'http1', port: 80 }],
      hostnames: ['section.example'],
      rules: [{ backendRefs: [ref('v1')] }],
    });
    const partly = httpRoute('invalid-reference-grant', {
      parentRefs: [{ name: 'same-namespace' }],
      hostnames: ['partly.example'],
      rules: [
        { matches: [prefix('/v2')], backendRefs: [ref('app-backend-v2', 80, { namespace: 'app' })] },
        { backendRefs: [ref('app-backend-v1', 80, { namespace: 'app' })] },
      ],
    });
    const appGrant = referenceGrant(
      'app',
      [GRANT_FROM_ROUTES],
      [{ group: '', kind: 'Service', name: 'app-backend-v1' }],
      'app',
    );
    await scenario(
      [crossRoute, toWeb, notAllowed, noSection, partly, appGrant, ...wrongGrants],
      [
        { host: 'cross.example', path: '/', expect: 'web-backend' },
        { host: 'grant.example', path: '/', expect: 500 },
        { host: 'parent.example', path: '/', expect: 404 },
        { host: 'section.example', path: '/', expect: 404 },
        { host: 'partly.example', path: '/v2', expect: 500 },
        { host: 'partly.example', path: '/', expect: 'app-backend-v1' },
      ],
    );
    const grant = referenceGrant(
      'web',
      [GRANT_FROM_ROUTES],
      [{ group: '', kind: 'Service', name: 'web-backend' }],
      'reference-grant',
    );
    await scenario([crossRoute, toWeb, grant], [{ host: 'grant.example', path: '/', expect: 'web-backend' }]);
    // Deleting the grant takes the permission back.
    await scenario([crossRoute, toWeb], [{ host: 'grant.example', path: '/', expect: 500 }]);
  });

  it('HTTPRouteHTTPSListener: certificates and hostnames of HTTPS listeners', async () => {
    await scenario(
      [
        httpRoute('https-test', {
          parentRefs: [{ name: 'with-https' }],
          hostnames: ['example.org'],
          rules: [{ backendRefs: [ref('v1')] }],
        }),
        httpRoute('https-test-no-hostname', {
          parentRefs: [{ name: 'with-https', sectionName: 'https-with-hostname' }],
          rules: [{ backendRefs: [ref('v2')] }],
        }),
      ],
      [
        { tls: true, host: 'example.org', path: '/', expect: 'v1' },
        { tls: true, host: 'unknown-example.org', path: '/', expect: 404 },
        { tls: true, host: 'second-example.org', path: '/', expect: 'v2' },
        // Routes of an HTTPS listener are not served on the HTTP port.
        { host: 'example.org', path: '/', expect: 404 },
      ],
    );
    const reply = await send(controller, { tls: true, host: 'second-example.org', path: '/', expect: 'v2' });
    assert.equal(reply.certificate?.subject, 'example.org', 'the listener’s certificate is served');
  });

  it('HTTPRouteServiceTypes: headless Services and manual EndpointSlices', async () => {
    const pods = backends.pods.get('v1') as Pods;
    await controller.write('service-types.yaml', [
      {
        ...service('headless', [{ name: 'first-port', port: 8080 }]),
        spec: { clusterIP: 'None', ports: [{ name: 'first-port', port: 8080 }] },
      },
      endpointSlice('headless', { name: 'first-port', port: pods.port }, [
        { address: pods.addresses[0] as string, name: 'v1-1' },
      ]),
      service('manual-endpointslices', [{ name: 'first-port', port: 8080 }]),
      endpointSlice(
        'manual-endpointslices',
        { name: 'first-port', port: pods.port },
        [{ address: pods.addresses[0] as string, name: 'v1-1' }],
        'default',
        'manual-endpointslices-ip4',
      ),
    ]);
    await scenario(
      [
        httpRoute('service-types', {
          parentRefs: [{ name: 'same-namespace' }],
          rules: [
            {
              matches: [{ path: { type: 'Exact', value: '/headless' } }],
              backendRefs: [ref('headless', 8080)],
            },
            {
              matches: [{ path: { type: 'Exact', value: '/manual-endpointslices' } }],
              backendRefs: [ref('manual-endpointslices', 8080)],
            },
          ],
        }),
      ],
      [
        { path: '/headless', expect: 'v1' },
        { path: '/manual-endpointslices', expect: 'v1' },
      ],
    );
    await controller.remove('service-types');
  });

  it('HTTPRouteMethodMatching', async () => {
    const m = (method: string, extra: Obj = {}) => ({ method, ...extra });
    const version = (value: string) => ({ headers: [{ name: 'version', value }] });
    await scenario(
      [
        httpRoute('method-matching', {
          parentRefs: [{ name: 'same-namespace' }],
          rules: [
            rule([m('POST')], 'v1'),
            rule([m('GET')], 'v2'),
            rule([prefix('/path1', { method: 'GET' })], 'v1'),
            rule([{ ...version('one'), method: 'PUT' }], 'v2'),
            rule([prefix('/path2', { ...version('two'), method: 'POST' })], 'v3'),
            rule(
              [
                prefix('/path3', { method: 'PATCH' }),
                prefix('/path4', { ...version('three'), method: 'DELETE' }),
              ],
              'v1',
            ),
            rule([prefix('/path5')], 'v1'),
            rule([m('PATCH')], 'v2'),
            rule([version('four')], 'v3'),
          ],
        }),
      ],
      [
        { method: 'POST', path: '/', expect: 'v1' },
        { method: 'GET', path: '/', expect: 'v2' },
        { method: 'HEAD', path: '/', expect: 404 },
        { method: 'GET', path: '/path1', expect: 'v1' },
        { method: 'PUT', path: '/', headers: { version: 'one' }, expect: 'v2' },
        { method: 'POST', path: '/path2', headers: { version: 'two' }, expect: 'v3' },
        { method: 'PATCH', path: '/path3', expect: 'v1' },
        { method: 'DELETE', path: '/path4', headers: { version: 'three' }, expect: 'v1' },
        { method: 'PUT', path: '/', expect: 404 },
        { method: 'DELETE', path: '/path4', expect: 404 },
        { method: 'PATCH', path: '/path5', expect: 'v1' },
        { method: 'PATCH', path: '/', headers: { version: 'four' }, expect: 'v2' },
      ],
    );
  });

  it('HTTPRouteQueryParamMatching', async () => {
    const q = (...pairs: [string, string][]) => ({
      queryParams: pairs.map(([name, value]) => ({ name, value })),
    });
    const version = (value: string) => [{ name: 'version', value }];
    await scenario(
      [
        httpRoute('query-param-matching', {
          parentRefs: [{ name: 'same-namespace' }],
          rules: [
            rule([q(['animal', 'whale'])], 'v1'),
            rule([q(['animal', 'dolphin'])], 'v2'),
            rule([q(['animal', 'dolphin'], ['color', 'blue']), q(['ANIMAL', 'Whale'])], 'v3'),
            rule([prefix('/path1', q(['animal', 'whale']))], 'v1'),
            rule([{ headers: version('one'), ...q(['animal', 'whale']) }], 'v2'),
            rule([prefix('/path2', { headers: version('two'), ...q(['animal', 'whale']) })], 'v3'),
            rule(
              [
                prefix('/path3', q(['animal', 'shark'])),
                prefix('/path4', { headers: version('three'), ...q(['animal', 'kraken']) }),
              ],
              'v1',
            ),
            rule([prefix('/path5')], 'v1'),
            rule([q(['animal', 'hydra'])], 'v2'),
            rule([{ headers: version('four') }], 'v3'),
          ],
        }),
      ],
      [
        { path: '/?animal=whale', expect: 'v1' },
        { path: '/?animal=dolphin', expect: 'v2' },
        { path: '/?animal=dolphin&color=blue', expect: 'v3' },
        { path: '/?ANIMAL=Whale', expect: 'v3' },
        { path: '/?animal=whale&otherparam=irrelevant', expect: 'v1' },
        { path: '/?animal=dolphin&color=yellow', expect: 'v2' },
        { path: '/?color=blue', expect: 404 },
        { path: '/?animal=dog', expect: 404 },
        { path: '/?animal=whaledolphin', expect: 404 },
        { path: '/', expect: 404 },
        { path: '/path1?animal=whale', expect: 'v1' },
        { path: '/?animal=whale', headers: { version: 'one' }, expect: 'v2' },
        { path: '/path2?animal=whale', headers: { version: 'two' }, expect: 'v3' },
        { path: '/path3?animal=shark', expect: 'v1' },
        { path: '/path4?animal=kraken', headers: { version: 'three' }, expect: 'v1' },
        { path: '/?animal=shark', expect: 404 },
        { path: '/path4?animal=kraken', expect: 404 },
        { path: '/path5?animal=hydra', expect: 'v1' },
        { path: '/?animal=hydra', headers: { version: 'four' }, expect: 'v3' },
      ],
    );
  });

  it('HTTPRouteMultipleGateways: a shared route answers on both Gateways, a dedicated one on its own', async () => {
    await scenario(
      [
        httpRoute('multiple-gateways-shared-route', {
          parentRefs: [{ name: 'same-namespace' }, { name: 'all-namespaces' }],
          rules: [rule([prefix('/shared')], 'v1')],
        }),
        httpRoute('same-namespace-dedicated-route', {
          parentRefs: [{ name: 'same-namespace' }],
          rules: [rule([prefix('/')], 'v2')],
        }),
        httpRoute('all-namespaces-dedicated-route', {
          parentRefs: [{ name: 'all-namespaces' }],
          rules: [rule([prefix('/')], 'v3')],
        }),
      ],
      [
        { path: '/shared', expect: 'v1' },
        { path: '/', expect: 'v2' },
        { port: other, path: '/shared', expect: 'v1' },
        { port: other, path: '/', expect: 'v3' },
      ],
    );
  });
});
