/**
 * The Gateway API kinds at the store boundary: the defaults the API server
 * applies from the CRDs' OpenAPI schemas, and the CRDs' validation rules
 * (patterns, bounds, CEL), refused with the CRDs' own messages.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KindMap } from '../schemas.ts';
import { type ParseResult, parseObject, Store } from '../store.ts';

type Obj = Record<string, unknown>;
const V1 = 'gateway.networking.k8s.io/v1';

const route = (spec: Obj, kind = 'HTTPRoute', meta: Obj = {}): Obj => ({
  apiVersion: V1,
  kind,
  metadata: { name: 'web', namespace: 'shop', ...meta },
  spec,
});
const gateway = (listeners: Obj[], extra: Obj = {}): Obj => ({
  apiVersion: V1,
  kind: 'Gateway',
  metadata: { name: 'gw', namespace: 'infra', generation: 3 },
  spec: { gatewayClassName: 'haproxy', listeners, ...extra },
});
const rule = (r: Obj) => route({ rules: [r] });

function ok<K extends keyof KindMap>(kind: K, result: ParseResult): KindMap[K] {
  if (!result.ok) assert.fail(`expected a valid ${kind}, got ${JSON.stringify(result)}`);
  assert.equal(result.value.kind, kind);
  return result.value.object as KindMap[K];
}

/** The object is refused, and the reason names the field and says what is wrong. */
function refused(result: ParseResult, reason: RegExp): void {
  if (result.ok || result.ignored) assert.fail(`expected a refused object, got ${JSON.stringify(result)}`);
  assert.match(result.message, reason);
}

const backend = (name: string, extra: Obj = {}) => ({ name, port: 8080, ...extra });

describe('HTTPRoute', () => {
  it('gets the defaults the API server applies: one rule matching every path, weight 1, a Service in the core group', () => {
    const bare = ok('HTTPRoute', parseObject(route({ parentRefs: [{ name: 'gw' }] })));
    assert.deepEqual(bare.spec.rules, [
      {
        matches: [{ path: { type: 'PathPrefix', value: '/' }, headers: [], queryParams: [] }],
        filters: [],
        backendRefs: [],
      },
    ]);
    assert.deepEqual(bare.spec.parentRefs, [
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw' },
    ]);
    assert.deepEqual(bare.spec.hostnames, []);

    const withRule = ok(
      'HTTPRoute',
      parseObject(
        rule({
          matches: [{ headers: [{ name: 'x-env', value: 'canary' }] }, { path: { type: 'Exact' } }],
          backendRefs: [backend('web')],
        }),
      ),
    );
    const [r] = withRule.spec.rules;
    assert.deepEqual(r?.matches, [
      {
        path: { type: 'PathPrefix', value: '/' },
        headers: [{ type: 'Exact', name: 'x-env', value: 'canary' }],
        queryParams: [],
      },
      { path: { type: 'Exact', value: '/' }, headers: [], queryParams: [] },
    ]);
    assert.deepEqual(r?.backendRefs, [
      { group: '', kind: 'Service', name: 'web', port: 8080, weight: 1, filters: [] },
    ]);
  });

  it('keeps an explicit empty match list and a weight of zero', () => {
    const parsed = ok(
      'HTTPRoute',
      parseObject(rule({ matches: [], backendRefs: [backend('a', { weight: 0 }), backend('b')] })),
    );
    assert.deepEqual(parsed.spec.rules[0]?.matches, []);
    assert.deepEqual(
      parsed.spec.rules[0]?.backendRefs.map((b) => b.weight),
      [0, 1],
    );
  });

  it('reads null fields as absent, as the API server prunes them before defaulting', () => {
    const parsed = ok(
      'HTTPRoute',
      parseObject(route({ hostnames: null, rules: [{ matches: [{ path: null }], backendRefs: null }] })),
    );
    assert.deepEqual(parsed.spec.hostnames, []);
    assert.deepEqual(parsed.spec.rules[0]?.matches[0]?.path, { type: 'PathPrefix', value: '/' });
  });

  it('reads v1beta1 as v1, and keeps the metadata status needs', () => {
    const parsed = ok(
      'HTTPRoute',
      parseObject({
        ...route({}),
        apiVersion: 'gateway.networking.k8s.io/v1beta1',
        metadata: {
          name: 'web',
          namespace: 'shop',
          generation: 4,
          uid: 'u-1',
          labels: { app: 'web' },
          annotations: { note: 'x' },
          creationTimestamp: '2026-01-02T03:04:05Z',
        },
      }),
    );
    assert.equal(parsed.apiVersion, V1);
    assert.equal(parsed.metadata.generation, 4);
    assert.equal(parsed.metadata.uid, 'u-1');
    assert.deepEqual(parsed.metadata.labels, { app: 'web' });
    assert.deepEqual(parsed.metadata.annotations, { note: 'x' });
    assert.equal(parsed.metadata.creationTimestamp?.toISOString(), '2026-01-02T03:04:05.000Z');
  });

  it('reads filters as a union on type, with the defaults of each', () => {
    const parsed = ok(
      'HTTPRoute',
      parseObject(
        rule({
          filters: [
            { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-a', value: '1' }] } },
            {
              type: 'RequestRedirect',
              requestRedirect: { path: { type: 'ReplaceFullPath', replaceFullPath: '/new' } },
            },
            { type: 'CORS', cors: { allowOrigins: ['https://*.example.com'] } },
          ],
        }),
      ),
    );
    assert.deepEqual(parsed.spec.rules[0]?.filters, [
      {
        type: 'RequestHeaderModifier',
        requestHeaderModifier: { set: [{ name: 'x-a', value: '1' }], add: [], remove: [] },
      },
      {
        type: 'RequestRedirect',
        requestRedirect: { path: { type: 'ReplaceFullPath', replaceFullPath: '/new' }, statusCode: 302 },
      },
      {
        type: 'CORS',
        cors: {
          allowOrigins: ['https://*.example.com'],
          allowMethods: [],
          allowHeaders: [],
          exposeHeaders: [],
          maxAge: 5,
        },
      },
    ]);
  });

  it('accepts any RegularExpression path value, as the CRD does: the model judges the expression', () => {
    const parsed = ok(
      'HTTPRoute',
      parseObject(rule({ matches: [{ path: { type: 'RegularExpression', value: '/(unclosed' } }] })),
    );
    assert.deepEqual(parsed.spec.rules[0]?.matches[0]?.path, {
      type: 'RegularExpression',
      value: '/(unclosed',
    });
  });

  it('refuses Exact and PathPrefix values the CRD refuses', () => {
    const path = (type: string, value: string) => rule({ matches: [{ path: { type, value } }] });
    const at = 'spec\\.rules\\.0\\.matches\\.0\\.path\\.value: ';
    refused(
      parseObject(path('Exact', 'no-slash')),
      new RegExp(`${at}value must be an absolute path and start with '/'`),
    );
    refused(parseObject(path('PathPrefix', '/a//b')), new RegExp(`${at}must not contain '//'`));
    refused(parseObject(path('PathPrefix', '/a/%2F')), new RegExp(`${at}must not contain '%2F'`));
    refused(parseObject(path('Exact', '/a/..')), new RegExp(`${at}must not end with '/..'`));
    refused(parseObject(path('Exact', '/a b')), new RegExp(`${at}must only contain valid characters`));
    refused(parseObject(path('Prefix', '/')), /path\.type: Invalid option/);
  });

  it('refuses a Service backend without port, naming the backendRef', () => {
    refused(
      parseObject(rule({ backendRefs: [{ name: 'web' }] })),
      /^spec\.rules\.0\.backendRefs\.0: Must have port for Service reference$/,
    );
    // Another kind needs no port.
    ok(
      'HTTPRoute',
      parseObject(rule({ backendRefs: [{ group: 'example.com', kind: 'Bucket', name: 'b' }] })),
    );
  });

  it('refuses out-of-range weights and status codes, and uppercase hostnames', () => {
    refused(parseObject(rule({ backendRefs: [backend('a', { weight: 1_000_001 })] })), /weight/);
    refused(
      parseObject(rule({ filters: [{ type: 'RequestRedirect', requestRedirect: { statusCode: 304 } }] })),
      /statusCode/,
    );
    refused(
      parseObject(route({ hostnames: ['Shop.Example'] })),
      /^spec\.hostnames\.0: must be a lowercase DNS name/,
    );
  });

  it('refuses the filter combinations the CRD refuses', () => {
    refused(
      parseObject(
        rule({ filters: [{ type: 'RequestRedirect', requestRedirect: {} }], backendRefs: [backend('web')] }),
      ),
      /RequestRedirect filter must not be used together with backendRefs/,
    );
    refused(
      parseObject(rule({ filters: [{ type: 'RequestHeaderModifier', responseHeaderModifier: {} }] })),
      /filter\.requestHeaderModifier must be specified for RequestHeaderModifier filter\.type/,
    );
    refused(
      parseObject(
        rule({ filters: [{ type: 'URLRewrite', urlRewrite: {}, requestHeaderModifier: { remove: ['x'] } }] }),
      ),
      /filter\.requestHeaderModifier must be nil if the filter\.type is not RequestHeaderModifier/,
    );
    const setHeader = {
      type: 'RequestHeaderModifier',
      requestHeaderModifier: { set: [{ name: 'a', value: 'b' }] },
    };
    refused(
      parseObject(rule({ filters: [setHeader, setHeader] })),
      /RequestHeaderModifier filter cannot be repeated/,
    );
    refused(
      parseObject(
        rule({
          filters: [
            { type: 'RequestRedirect', requestRedirect: {} },
            { type: 'URLRewrite', urlRewrite: {} },
          ],
        }),
      ),
      /May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both/,
    );
    // RequestMirror may be repeated.
    const mirror = (name: string) => ({
      type: 'RequestMirror',
      requestMirror: { backendRef: backend(name) },
    });
    ok(
      'HTTPRoute',
      parseObject(rule({ filters: [mirror('a'), mirror('b')], backendRefs: [backend('web')] })),
    );
    refused(
      parseObject(
        rule({
          filters: [
            {
              type: 'RequestMirror',
              requestMirror: { backendRef: backend('a'), percent: 5, fraction: { numerator: 1 } },
            },
          ],
        }),
      ),
      /Only one of percent or fraction may be specified/,
    );
  });

  it('refuses a prefix replacement unless the rule has exactly one PathPrefix match', () => {
    const rewrite = {
      type: 'URLRewrite',
      urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/v2' } },
    };
    ok('HTTPRoute', parseObject(rule({ matches: [{ path: { value: '/v1' } }], filters: [rewrite] })));
    // No matches: the default match is one PathPrefix match.
    ok('HTTPRoute', parseObject(rule({ filters: [rewrite] })));
    refused(
      parseObject(rule({ matches: [{ path: { type: 'Exact', value: '/v1' } }], filters: [rewrite] })),
      /When using URLRewrite filter with path\.replacePrefixMatch, exactly one PathPrefix match must be specified/,
    );
    refused(
      parseObject(
        rule({
          matches: [{ path: { value: '/a' } }, { path: { value: '/b' } }],
          backendRefs: [backend('web', { filters: [rewrite] })],
        }),
      ),
      /Within backendRefs, When using URLRewrite filter/,
    );
    refused(
      parseObject(
        rule({
          filters: [
            {
              type: 'URLRewrite',
              urlRewrite: { path: { type: 'ReplacePrefixMatch', replaceFullPath: '/x' } },
            },
          ],
        }),
      ),
      /replacePrefixMatch must be specified when type is set to 'ReplacePrefixMatch'/,
    );
  });

  it('refuses repeated keys in keyed lists, case-sensitively as the API server compares them', () => {
    refused(
      parseObject(
        rule({
          matches: [
            {
              headers: [
                { name: 'x-a', value: '1' },
                { name: 'x-a', value: '2' },
              ],
            },
          ],
        }),
      ),
      /spec\.rules\.0\.matches\.0\.headers\.1: duplicate header match "x-a"/,
    );
    ok(
      'HTTPRoute',
      parseObject(
        rule({
          matches: [
            {
              headers: [
                { name: 'x-a', value: '1' },
                { name: 'X-A', value: '2' },
              ],
            },
          ],
        }),
      ),
    );
  });

  it('refuses several references to one parent unless each names a distinct section', () => {
    refused(
      parseObject(route({ parentRefs: [{ name: 'gw' }, { name: 'gw', sectionName: 'http' }] })),
      /sectionName must be specified when parentRefs includes 2 or more references to the same parent/,
    );
    refused(
      parseObject(
        route({
          parentRefs: [
            { name: 'gw', sectionName: 'http' },
            { name: 'gw', sectionName: 'http' },
          ],
        }),
      ),
      /sectionName must be unique/,
    );
    ok(
      'HTTPRoute',
      parseObject(
        route({
          parentRefs: [
            { name: 'gw', sectionName: 'a' },
            { name: 'gw', sectionName: 'b' },
          ],
        }),
      ),
    );
    ok('HTTPRoute', parseObject(route({ parentRefs: [{ name: 'gw' }, { name: 'gw', namespace: 'other' }] })));
  });

  it('refuses more than 128 matches in a route and an empty rule list', () => {
    const matches = Array.from({ length: 64 }, (_, i) => ({ path: { value: `/p${i}` } }));
    ok('HTTPRoute', parseObject(route({ rules: [{ matches }, { matches }] })));
    refused(
      parseObject(route({ rules: [{ matches }, { matches }, { matches: [{}] }] })),
      /the total number of matches across all rules in a route must be less than 128/,
    );
    refused(parseObject(route({ rules: [] })), /spec\.rules/);
  });

  it('checks timeouts as durations, a backend timeout no longer than the request timeout unless that is 0s', () => {
    ok('HTTPRoute', parseObject(rule({ timeouts: { request: '1m', backendRequest: '30s' } })));
    ok('HTTPRoute', parseObject(rule({ timeouts: { request: '0s', backendRequest: '1h' } })));
    refused(
      parseObject(rule({ timeouts: { request: '500ms', backendRequest: '1s' } })),
      /backendRequest timeout cannot be longer than request timeout/,
    );
    refused(
      parseObject(rule({ timeouts: { request: '1 minute' } })),
      /timeouts\.request: must be a duration/,
    );
  });

  it('refuses a route without spec, as the CRD requires one', () => {
    refused(parseObject({ apiVersion: V1, kind: 'HTTPRoute', metadata: { name: 'web' } }), /^spec: /);
  });
});

describe('GRPCRoute', () => {
  it('gets the defaults: Exact method matches, Service backends with weight 1, no rules when none are given', () => {
    const parsed = ok(
      'GRPCRoute',
      parseObject(
        route(
          {
            rules: [
              {
                matches: [{ method: { service: 'helloworld.Greeter', method: 'SayHello' } }],
                backendRefs: [backend('grpc')],
              },
            ],
          },
          'GRPCRoute',
        ),
      ),
    );
    assert.deepEqual(parsed.spec.rules, [
      {
        matches: [
          { method: { type: 'Exact', service: 'helloworld.Greeter', method: 'SayHello' }, headers: [] },
        ],
        filters: [],
        backendRefs: [{ group: '', kind: 'Service', name: 'grpc', port: 8080, weight: 1, filters: [] }],
      },
    ]);
    assert.deepEqual(ok('GRPCRoute', parseObject(route({}, 'GRPCRoute'))).spec.rules, []);
  });

  it('refuses a method match without service or method, and Exact names that are not names', () => {
    const match = (method: Obj) => route({ rules: [{ matches: [{ method }] }] }, 'GRPCRoute');
    refused(parseObject(match({})), /One or both of 'service' or 'method' must be specified/);
    refused(parseObject(match({ service: 'hello world' })), /service must only contain valid characters/);
    refused(parseObject(match({ method: 'Say.Hello' })), /method must only contain valid characters/);
    ok('GRPCRoute', parseObject(match({ type: 'RegularExpression', service: 'hello.*' })));
    refused(
      parseObject(route({ rules: [{ filters: [{ type: 'URLRewrite', urlRewrite: {} }] }] }, 'GRPCRoute')),
      /filters\.0\.type: Invalid option/,
    );
  });
});

describe('Gateway', () => {
  it('gets the defaults: routes from the same namespace, TLS termination, certificates as core Secrets', () => {
    const parsed = ok(
      'Gateway',
      parseObject(
        gateway([
          { name: 'http', port: 80, protocol: 'HTTP' },
          {
            name: 'https',
            port: 443,
            protocol: 'HTTPS',
            hostname: '*.example.com',
            tls: { certificateRefs: [{ name: 'cert' }] },
          },
        ]),
      ),
    );
    assert.equal(parsed.metadata.generation, 3);
    assert.deepEqual(parsed.spec.listeners, [
      {
        name: 'http',
        port: 80,
        protocol: 'HTTP',
        allowedRoutes: { namespaces: { from: 'Same' }, kinds: [] },
      },
      {
        name: 'https',
        port: 443,
        protocol: 'HTTPS',
        hostname: '*.example.com',
        tls: {
          mode: 'Terminate',
          certificateRefs: [{ group: '', kind: 'Secret', name: 'cert' }],
          options: {},
        },
        allowedRoutes: { namespaces: { from: 'Same' }, kinds: [] },
      },
    ]);
    const selecting = ok(
      'Gateway',
      parseObject(
        gateway([
          {
            name: 'http',
            port: 80,
            protocol: 'HTTP',
            allowedRoutes: {
              namespaces: { from: 'Selector', selector: { matchLabels: { team: 'shop' } } },
              kinds: [{ kind: 'HTTPRoute' }],
            },
          },
        ]),
      ),
    );
    assert.deepEqual(selecting.spec.listeners[0]?.allowedRoutes, {
      namespaces: { from: 'Selector', selector: { matchLabels: { team: 'shop' }, matchExpressions: [] } },
      kinds: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }],
    });
  });

  it('refuses the listener combinations the CRD refuses', () => {
    const http = { name: 'http', port: 80, protocol: 'HTTP' };
    refused(
      parseObject(gateway([{ ...http, tls: { certificateRefs: [{ name: 'c' }] } }])),
      /tls must not be specified for protocols \['HTTP', 'TCP', 'UDP'\]/,
    );
    refused(
      parseObject(gateway([{ name: 'https', port: 443, protocol: 'HTTPS', tls: { mode: 'Passthrough' } }])),
      /tls mode must be Terminate for protocol HTTPS/,
    );
    refused(
      parseObject(gateway([{ name: 'https', port: 443, protocol: 'HTTPS', tls: {} }])),
      /certificateRefs or options must be specified when mode is Terminate/,
    );
    refused(
      parseObject(gateway([{ name: 'tls', port: 443, protocol: 'TLS' }])),
      /tls mode must be set for protocol TLS/,
    );
    refused(
      parseObject(gateway([{ name: 'tcp', port: 9000, protocol: 'TCP', hostname: 'a.example' }])),
      /hostname must not be specified for protocols \['TCP', 'UDP'\]/,
    );
    refused(
      parseObject(gateway([http, { ...http, port: 81 }])),
      /Listener name must be unique within the Gateway/,
    );
    refused(
      parseObject(gateway([http, { ...http, name: 'other' }])),
      /Combination of port, protocol and hostname must be unique for each listener/,
    );
    ok('Gateway', parseObject(gateway([http, { ...http, name: 'other', hostname: 'a.example' }])));
    refused(parseObject(gateway([])), /spec\.listeners/);
    refused(parseObject(gateway([{ ...http, port: 0 }])), /spec\.listeners\.0\.port/);
  });

  it('checks requested addresses: IP literals for IPAddress, unique values', () => {
    const http = { name: 'http', port: 80, protocol: 'HTTP' };
    const parsed = ok(
      'Gateway',
      parseObject(
        gateway([http], { addresses: [{ value: '192.0.2.1' }, { type: 'Hostname', value: 'lb.example' }] }),
      ),
    );
    assert.deepEqual(parsed.spec.addresses, [
      { type: 'IPAddress', value: '192.0.2.1' },
      { type: 'Hostname', value: 'lb.example' },
    ]);
    refused(
      parseObject(gateway([http], { addresses: [{ value: 'lb.example' }] })),
      /addresses\.0\.value: must be an IPv4 or IPv6 address/,
    );
    refused(
      parseObject(gateway([http], { addresses: [{ value: '::1' }, { value: '::1' }] })),
      /IPAddress values must be unique/,
    );
  });
});

describe('GatewayClass, ReferenceGrant and Namespace', () => {
  it('reads a GatewayClass as cluster-scoped, whatever namespace a manifest gives it', () => {
    const parsed = ok(
      'GatewayClass',
      parseObject({
        apiVersion: V1,
        kind: 'GatewayClass',
        metadata: { name: 'haproxy', namespace: 'ignored' },
        spec: { controllerName: 'haproxy.org/gateway-controller' },
      }),
    );
    assert.equal(parsed.metadata.namespace, '');
    assert.equal(parsed.spec.controllerName, 'haproxy.org/gateway-controller');
    refused(
      parseObject({
        apiVersion: V1,
        kind: 'GatewayClass',
        metadata: { name: 'x' },
        spec: { controllerName: 'haproxy' },
      }),
      /spec\.controllerName: must be a domain-prefixed path/,
    );
  });

  it('reads a ReferenceGrant of v1beta1 or v1, and refuses one that grants nothing', () => {
    const grant = (apiVersion: string, spec: Obj) => ({
      apiVersion,
      kind: 'ReferenceGrant',
      metadata: { name: 'g', namespace: 'certs' },
      spec,
    });
    const spec = {
      from: [{ group: V1.split('/')[0], kind: 'Gateway', namespace: 'infra' }],
      to: [{ group: '', kind: 'Secret' }],
    };
    for (const apiVersion of ['gateway.networking.k8s.io/v1beta1', V1])
      assert.equal(
        ok('ReferenceGrant', parseObject(grant(apiVersion, spec))).apiVersion,
        'gateway.networking.k8s.io/v1beta1',
      );
    refused(parseObject(grant(V1, { ...spec, from: [] })), /spec\.from/);
    refused(parseObject(grant(V1, { ...spec, to: [{ kind: 'Secret' }] })), /spec\.to\.0\.group/);
  });

  it('labels a Namespace with its own name, as the API server does', () => {
    const ns = ok(
      'Namespace',
      parseObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { team: 'a' } } }),
    );
    assert.deepEqual(ns.metadata.labels, { team: 'a', 'kubernetes.io/metadata.name': 'shop' });
    assert.equal(ns.metadata.namespace, '');
    refused(
      parseObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'Shop' } }),
      /metadata\.name/,
    );
  });

  it('ignores kinds of the same name in other API groups, and refuses a version the CRDs do not serve', () => {
    const istio = parseObject({
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'gw' },
      spec: {},
    });
    assert.deepEqual(istio, { ok: false, ignored: true, kind: 'Gateway' });
    refused(parseObject({ ...route({}), apiVersion: 'gateway.networking.k8s.io/v1alpha2' }), /^apiVersion: /);
  });
});

describe('Snapshot of Gateway API objects', () => {
  it('holds each kind in its collection, keyed for lookups by reference and in name order', () => {
    const store = new Store();
    const parsed = [
      route({}, 'HTTPRoute', { name: 'b' }),
      route({}, 'HTTPRoute', { name: 'a' }),
      route({}, 'GRPCRoute', { name: 'rpc' }),
      gateway([{ name: 'http', port: 80, protocol: 'HTTP' }]),
      {
        apiVersion: V1,
        kind: 'GatewayClass',
        metadata: { name: 'haproxy' },
        spec: { controllerName: 'haproxy.org/gateway-controller' },
      },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
      {
        apiVersion: 'gateway.networking.k8s.io/v1beta1',
        kind: 'ReferenceGrant',
        metadata: { name: 'g', namespace: 'certs' },
        spec: {
          from: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'infra' }],
          to: [{ group: '', kind: 'Secret' }],
        },
      },
    ].map((o) => {
      const r = parseObject(o);
      if (!r.ok) assert.fail(JSON.stringify(r));
      return r.value;
    });
    store.replaceOrigin('gateway.yaml', parsed);
    const snapshot = store.snapshot();
    assert.deepEqual(
      snapshot.httpRoutes.map((r) => r.metadata.name),
      ['a', 'b'],
    );
    assert.deepEqual(
      snapshot.grpcRoutes.map((r) => r.metadata.name),
      ['rpc'],
    );
    assert.deepEqual([...snapshot.gateways.keys()], ['infra/gw']);
    assert.deepEqual([...snapshot.gatewayClasses.keys()], ['haproxy']);
    assert.deepEqual([...snapshot.namespaces.keys()], ['shop']);
    assert.deepEqual(
      [...snapshot.referenceGrants].map(([ns, grants]) => [ns, grants.map((g) => g.metadata.name)]),
      [['certs', ['g']]],
    );
    assert.deepEqual(snapshot.problems, []);
  });
});
