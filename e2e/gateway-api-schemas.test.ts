/**
 * The store's Gateway API schemas against the CRDs themselves: each object below is sent to
 * a real kube-apiserver with the standard channel's CRDs installed (a dry run: validated and
 * defaulted, not stored) and parsed by the store. Both must accept or refuse it alike; when
 * both accept, the spec the API server defaulted must equal the one the store read (lists
 * and maps left unset count as empty); when both refuse, both reasons must say the same.
 * So local mode, which never sees an API server, reads manifests as a cluster would.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseObject } from '../controller/store/store.ts';
import { describeApiError, RawObjectApi } from './cluster/apply.ts';
import { type ClusterEnv, startClusterWithManifests } from './harness/cluster-setup.ts';

type Obj = Record<string, unknown>;
const V1 = 'gateway.networking.k8s.io/v1';
const NS = 'shop';

interface Case {
  name: string;
  object: Obj;
  /** Refused, for this reason (which both the API server's and the store's messages must match). */
  refused?: RegExp;
}

const route = (spec: Obj, kind = 'HTTPRoute'): Obj => ({
  apiVersion: V1,
  kind,
  metadata: { name: 'web', namespace: NS },
  spec,
});
const rule = (r: Obj) => route({ parentRefs: [{ name: 'gw' }], rules: [r] });
const grpcRule = (r: Obj) => route({ rules: [r] }, 'GRPCRoute');
const gateway = (listeners: Obj[], extra: Obj = {}): Obj => ({
  apiVersion: V1,
  kind: 'Gateway',
  metadata: { name: 'gw', namespace: NS },
  spec: { gatewayClassName: 'haproxy', listeners, ...extra },
});
const http = { name: 'http', port: 80, protocol: 'HTTP' };
const https = (tls: Obj, extra: Obj = {}) => ({ name: 'https', port: 443, protocol: 'HTTPS', tls, ...extra });
const backend = (name: string, extra: Obj = {}) => ({ name, port: 8080, ...extra });
const path = (type: string, value?: string) => rule({ matches: [{ path: { type, value } }] });
const rewrite = (path: Obj) => ({ type: 'URLRewrite', urlRewrite: { path } });
const prefixRewrite = rewrite({ type: 'ReplacePrefixMatch', replacePrefixMatch: '/v2' });
const grant = (apiVersion: string, spec: Obj): Obj => ({
  apiVersion,
  kind: 'ReferenceGrant',
  metadata: { name: 'grant', namespace: NS },
  spec,
});
const grantSpec = {
  from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'other' }],
  to: [{ group: '', kind: 'Service' }],
};
const gatewayClass = (spec: Obj): Obj => ({
  apiVersion: V1,
  kind: 'GatewayClass',
  metadata: { name: 'gc' },
  spec,
});
const matches = (count: number) => Array.from({ length: count }, (_, i) => ({ path: { value: `/p${i}` } }));

const CASES: Case[] = [
  // HTTPRoute: defaults.
  { name: 'HTTPRoute with an empty spec gets one rule matching every path', object: route({}) },
  {
    name: 'HTTPRoute parentRefs, matches and backendRefs get their defaults',
    object: rule({
      matches: [{ headers: [{ name: 'x-env', value: 'a' }], queryParams: [{ name: 'q', value: '1' }] }, {}],
      backendRefs: [backend('web'), backend('other', { weight: 0 })],
    }),
  },
  { name: 'an Exact path without value is "/"', object: path('Exact') },
  // A null field that has a default reads as unset (server-side apply refuses null for fields without one).
  {
    name: 'null fields get their defaults',
    object: route({ rules: [{ matches: [{ path: null }], backendRefs: [backend('a', { weight: null })] }] }),
  },
  { name: 'null rules get their default', object: route({ rules: null }) },
  {
    name: 'HTTPRoute read as v1beta1',
    object: { ...route({}), apiVersion: 'gateway.networking.k8s.io/v1beta1' },
  },
  {
    name: 'filters get their defaults (redirect 302, CORS max age 5, mirror denominator 100)',
    object: rule({
      filters: [
        { type: 'RequestRedirect', requestRedirect: { scheme: 'https' } },
        { type: 'CORS', cors: { allowOrigins: ['https://*.example.com'], allowMethods: ['GET'] } },
        {
          type: 'RequestMirror',
          requestMirror: { backendRef: backend('mirror'), fraction: { numerator: 5 } },
        },
        { type: 'ResponseHeaderModifier', responseHeaderModifier: { add: [{ name: 'x-a', value: '1' }] } },
      ],
    }),
  },
  // HTTPRoute: paths.
  { name: 'a RegularExpression path is not checked', object: path('RegularExpression', '/(unclosed') },
  { name: 'an empty RegularExpression path is not checked', object: path('RegularExpression', '') },
  {
    name: 'an Exact path must start with /',
    object: path('Exact', 'no-slash'),
    refused: /must be an absolute path/,
  },
  {
    name: 'a PathPrefix path must not contain //',
    object: path('PathPrefix', '/a//b'),
    refused: /must not contain '\/\/'/,
  },
  {
    name: 'a PathPrefix path must not contain %2f',
    object: path('PathPrefix', '/a%2fb'),
    refused: /must not contain '%2f'/,
  },
  {
    name: 'an Exact path must not end with /.',
    object: path('Exact', '/a/.'),
    refused: /must not end with '\/\.'/,
  },
  {
    name: 'an Exact path must not contain spaces',
    object: path('Exact', '/a b'),
    refused: /must only contain valid characters/,
  },
  { name: 'an unknown path type', object: path('Prefix', '/'), refused: /Prefix/ },
  // HTTPRoute: backends, hostnames, methods.
  {
    name: 'a Service backendRef needs a port',
    object: rule({ backendRefs: [{ name: 'web' }] }),
    refused: /Must have port for Service reference/,
  },
  {
    name: 'another kind of backend needs no port',
    object: rule({ backendRefs: [{ group: 'example.com', kind: 'Bucket', name: 'b' }] }),
  },
  {
    name: 'weights stop at 1000000',
    object: rule({ backendRefs: [backend('a', { weight: 1_000_001 })] }),
    refused: /weight/,
  },
  { name: 'hostnames are lowercase', object: route({ hostnames: ['Shop.Example'] }), refused: /hostnames/ },
  { name: 'a wildcard hostname', object: route({ hostnames: ['*.shop.example'] }) },
  { name: 'an unknown method', object: rule({ matches: [{ method: 'FETCH' }] }), refused: /method/ },
  { name: 'rules cannot be empty', object: route({ rules: [] }), refused: /rules/ },
  // HTTPRoute: filters.
  {
    name: 'a redirect cannot come with backendRefs',
    object: rule({
      filters: [{ type: 'RequestRedirect', requestRedirect: {} }],
      backendRefs: [backend('web')],
    }),
    refused: /RequestRedirect filter must not be used together with backendRefs/,
  },
  {
    name: 'a filter carries the field of its type',
    object: rule({ filters: [{ type: 'RequestHeaderModifier', responseHeaderModifier: {} }] }),
    refused: /filter\.requestHeaderModifier must be specified for RequestHeaderModifier filter\.type/,
  },
  {
    name: 'a header modifier cannot be repeated',
    object: rule({
      filters: [
        { type: 'RequestHeaderModifier', requestHeaderModifier: { remove: ['a'] } },
        { type: 'RequestHeaderModifier', requestHeaderModifier: { remove: ['b'] } },
      ],
    }),
    refused: /RequestHeaderModifier filter cannot be repeated/,
  },
  {
    name: 'a redirect and a rewrite exclude each other',
    object: rule({
      filters: [
        { type: 'RequestRedirect', requestRedirect: {} },
        rewrite({ type: 'ReplaceFullPath', replaceFullPath: '/' }),
      ],
    }),
    refused:
      /May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both/,
  },
  {
    name: 'a header is removed once',
    object: rule({
      filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { remove: ['x-a', 'x-a'] } }],
    }),
    refused: /remove/,
  },
  {
    name: 'a mirror takes a percent or a fraction, not both',
    object: rule({
      filters: [
        {
          type: 'RequestMirror',
          requestMirror: { backendRef: backend('m'), percent: 5, fraction: { numerator: 1 } },
        },
      ],
    }),
    refused: /Only one of percent or fraction may be specified/,
  },
  {
    name: 'a fraction is at most one',
    object: rule({
      filters: [
        {
          type: 'RequestMirror',
          requestMirror: { backendRef: backend('m'), fraction: { numerator: 3, denominator: 2 } },
        },
      ],
    }),
    refused: /numerator must be less than or equal to denominator/,
  },
  {
    name: "CORS '*' stands alone",
    object: rule({ filters: [{ type: 'CORS', cors: { allowOrigins: ['*', 'https://a.example'] } }] }),
    refused: /AllowOrigins cannot contain '\*' alongside other origins/,
  },
  {
    name: 'a redirect status code is one of five',
    object: rule({ filters: [{ type: 'RequestRedirect', requestRedirect: { statusCode: 304 } }] }),
    refused: /statusCode/,
  },
  {
    name: 'a path modifier carries the field of its type',
    object: rule({ filters: [rewrite({ type: 'ReplacePrefixMatch', replaceFullPath: '/x' })] }),
    refused: /replacePrefixMatch must be specified when type is set to 'ReplacePrefixMatch'/,
  },
  { name: 'a prefix rewrite on the default match', object: rule({ filters: [prefixRewrite] }) },
  {
    name: 'a prefix rewrite needs one PathPrefix match',
    object: rule({ matches: [{ path: { type: 'Exact', value: '/v1' } }], filters: [prefixRewrite] }),
    refused:
      /When using URLRewrite filter with path\.replacePrefixMatch, exactly one PathPrefix match must be specified/,
  },
  {
    name: 'a prefix rewrite in one backendRef needs one PathPrefix match',
    object: rule({ matches: matches(2), backendRefs: [backend('a', { filters: [prefixRewrite] })] }),
    refused: /Within backendRefs, When using URLRewrite filter/,
  },
  {
    name: 'prefix rewrites in two backendRefs escape the rule (it counts exactly one)',
    object: rule({
      matches: matches(2),
      backendRefs: [backend('a', { filters: [prefixRewrite] }), backend('b', { filters: [prefixRewrite] })],
    }),
  },
  // HTTPRoute: keyed lists, parents, sizes, timeouts.
  {
    name: 'a header is matched once',
    object: rule({
      matches: [
        {
          headers: [
            { name: 'x-a', value: '1' },
            { name: 'x-a', value: '2' },
          ],
        },
      ],
    }),
    refused: /headers/,
  },
  {
    name: 'header names compare as written',
    object: rule({
      matches: [
        {
          headers: [
            { name: 'x-a', value: '1' },
            { name: 'X-A', value: '2' },
          ],
        },
      ],
    }),
  },
  {
    name: 'a query parameter is matched once',
    object: rule({
      matches: [
        {
          queryParams: [
            { name: 'q', value: '1' },
            { name: 'q', value: '2' },
          ],
        },
      ],
    }),
    refused: /queryParams/,
  },
  {
    name: 'two references to one parent need sections',
    object: route({ parentRefs: [{ name: 'gw' }, { name: 'gw', sectionName: 'http' }] }),
    refused: /sectionName must be specified when parentRefs includes 2 or more references to the same parent/,
  },
  {
    name: 'two references to one parent need distinct sections',
    object: route({
      parentRefs: [
        { name: 'gw', sectionName: 'http' },
        { name: 'gw', sectionName: 'http' },
      ],
    }),
    refused: /sectionName must be unique when parentRefs includes 2 or more references to the same parent/,
  },
  {
    name: 'references to one Gateway name in two namespaces',
    object: route({ parentRefs: [{ name: 'gw' }, { name: 'gw', namespace: 'infra' }] }),
  },
  {
    name: '128 matches in a route',
    object: route({ rules: [{ matches: matches(64) }, { matches: matches(64) }] }),
  },
  {
    name: '129 matches in a route',
    object: route({ rules: [{ matches: matches(64) }, { matches: matches(64) }, { matches: matches(1) }] }),
    refused: /the total number of matches across all rules in a route must be less than 128/,
  },
  {
    name: 'a request timeout of 0s allows any backend timeout',
    object: rule({ timeouts: { request: '0s', backendRequest: '1h' } }),
  },
  {
    name: 'a backend timeout no longer than the request timeout',
    object: rule({ timeouts: { request: '1m30s', backendRequest: '91s' } }),
    refused: /backendRequest timeout cannot be longer than request timeout/,
  },
  { name: 'a malformed duration', object: rule({ timeouts: { request: '1 minute' } }), refused: /request/ },
  // GRPCRoute.
  {
    name: 'GRPCRoute matches and backends get their defaults',
    object: grpcRule({
      matches: [{ method: { service: 'helloworld.Greeter', method: 'SayHello' } }],
      backendRefs: [backend('grpc')],
    }),
  },
  { name: 'GRPCRoute without rules', object: route({ parentRefs: [{ name: 'gw' }] }, 'GRPCRoute') },
  {
    name: 'a gRPC method match names a service or a method',
    object: grpcRule({ matches: [{ method: {} }] }),
    refused: /One or both of 'service' or 'method' must be specified/,
  },
  {
    name: 'an Exact gRPC service is a name',
    object: grpcRule({ matches: [{ method: { service: 'hello world' } }] }),
    refused: /service must only contain valid characters/,
  },
  {
    name: 'a RegularExpression gRPC service is not checked',
    object: grpcRule({ matches: [{ method: { type: 'RegularExpression', service: 'hello.(' } }] }),
  },
  {
    name: 'GRPCRoute has no URLRewrite filter',
    object: grpcRule({ filters: [{ type: 'URLRewrite' }] }),
    refused: /filters(\.0|\[0\])\.type/,
  },
  // Gateway.
  {
    name: 'Gateway listeners get their defaults',
    object: gateway([
      http,
      https({ certificateRefs: [{ name: 'cert' }] }, { hostname: '*.shop.example' }),
      {
        name: 'selected',
        port: 8080,
        protocol: 'HTTP',
        allowedRoutes: {
          namespaces: { from: 'Selector', selector: { matchLabels: { team: 'shop' } } },
          kinds: [{ kind: 'HTTPRoute' }],
        },
      },
    ]),
  },
  {
    name: 'an HTTPS listener may give TLS options only',
    object: gateway([https({ options: { 'example.com/key': 'v' } })]),
  },
  { name: 'a Gateway has listeners', object: gateway([]), refused: /listeners/ },
  {
    name: 'an HTTP listener has no TLS',
    object: gateway([{ ...http, tls: { certificateRefs: [{ name: 'c' }] } }]),
    refused: /tls must not be specified for protocols \['HTTP', 'TCP', 'UDP'\]/,
  },
  {
    name: 'HTTPS terminates',
    object: gateway([https({ mode: 'Passthrough' })]),
    refused: /tls mode must be Terminate for protocol HTTPS/,
  },
  {
    name: 'termination needs certificates or options',
    object: gateway([https({})]),
    refused: /certificateRefs or options must be specified when mode is Terminate/,
  },
  {
    name: 'a TLS listener sets its mode',
    object: gateway([{ name: 'tls', port: 443, protocol: 'TLS' }]),
    refused: /tls mode must be set for protocol TLS/,
  },
  {
    name: 'a TLS passthrough listener',
    object: gateway([{ name: 'tls', port: 443, protocol: 'TLS', tls: { mode: 'Passthrough' } }]),
  },
  {
    name: 'a TCP listener has no hostname',
    object: gateway([{ name: 'tcp', port: 9000, protocol: 'TCP', hostname: 'a.example' }]),
    refused: /hostname must not be specified for protocols \['TCP', 'UDP'\]/,
  },
  { name: 'listener names are unique', object: gateway([http, { ...http, port: 81 }]), refused: /listeners/ },
  {
    name: 'port, protocol and hostname are unique',
    object: gateway([http, { ...http, name: 'again' }]),
    refused: /Combination of port, protocol and hostname must be unique for each listener/,
  },
  {
    name: 'a domain-prefixed protocol',
    object: gateway([{ name: 'custom', port: 7000, protocol: 'example.com/proto' }]),
  },
  {
    name: 'a protocol is one word',
    object: gateway([{ name: 'custom', port: 7000, protocol: 'HT TP' }]),
    refused: /protocol/,
  },
  {
    name: 'requested addresses get their type',
    object: gateway([http], {
      addresses: [
        { value: '192.0.2.1' },
        { type: 'Hostname', value: 'lb.example' },
        { type: 'NamedAddress', value: 'pool-a' },
      ],
    }),
  },
  {
    name: 'an IPAddress is an IP',
    object: gateway([http], { addresses: [{ value: 'lb.example' }] }),
    refused: /value/,
  },
  {
    name: 'an IPAddress is requested once',
    object: gateway([http], { addresses: [{ value: '::1' }, { value: '::1' }] }),
    refused: /IPAddress values must be unique/,
  },
  {
    name: 'infrastructure label keys are qualified names',
    object: gateway([http], { infrastructure: { labels: { 'bad key': 'v' } } }),
    refused: /Label keys must be in the form of an optional DNS subdomain prefix/i,
  },
  { name: 'allowedListeners default to None', object: gateway([http], { allowedListeners: {} }) },
  {
    name: 'frontend TLS validation per port is unique by port',
    object: gateway([http], {
      tls: {
        frontend: {
          default: {},
          perPort: [
            {
              port: 443,
              tls: { validation: { caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'ca' }] } },
            },
            { port: 443, tls: {} },
          ],
        },
      },
    }),
    refused: /perPort/,
  },
  // GatewayClass and ReferenceGrant.
  {
    name: 'a GatewayClass',
    object: gatewayClass({ controllerName: 'haproxy.org/gateway-controller', description: 'HAProxy' }),
  },
  {
    name: 'a controller name is domain-prefixed',
    object: gatewayClass({ controllerName: 'haproxy' }),
    refused: /controllerName/,
  },
  {
    name: 'a GatewayClass description is short',
    object: gatewayClass({ controllerName: 'haproxy.org/gateway-controller', description: 'x'.repeat(65) }),
    refused: /description/,
  },
  { name: 'a ReferenceGrant (v1beta1)', object: grant('gateway.networking.k8s.io/v1beta1', grantSpec) },
  { name: 'a ReferenceGrant (v1)', object: grant(V1, grantSpec) },
  {
    name: 'a ReferenceGrant grants from someone',
    object: grant(V1, { ...grantSpec, from: [] }),
    refused: /from/,
  },
  {
    name: 'a ReferenceGrant names the group it grants',
    object: grant(V1, { ...grantSpec, to: [{ kind: 'Secret' }] }),
    refused: /group/,
  },
  // Namespace: the API server labels it with its name.
  {
    name: 'a Namespace',
    object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { team: 'a' } } },
  },
];

/** What is compared: the spec, with unset and empty lists and maps alike (a Namespace: its labels). */
function comparable(object: Obj): unknown {
  if (object.kind === 'Namespace') return (object.metadata as Obj).labels;
  const prune = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(prune);
    if (typeof value !== 'object' || value === null) return value;
    const entries = Object.entries(value)
      .map(([k, v]) => [k, prune(v)] as const)
      .filter(([, v]) => !(Array.isArray(v) && v.length === 0) && !isEmptyObject(v));
    return Object.fromEntries(entries);
  };
  return prune(object.spec);
}
const isEmptyObject = (v: unknown) =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;

describe('Gateway API schemas agree with the CRDs on the API server', () => {
  let env: ClusterEnv;

  before(async () => {
    env = await startClusterWithManifests({ gatewayApi: true });
    await env.cluster.ensureNamespace(NS);
  });

  after(async () => {
    await env?.cluster.stop();
  });

  it(`accept, refuse and default ${CASES.length} objects alike`, async (t) => {
    const api = env.cluster.kubeConfig().makeApiClient(RawObjectApi);
    const disagreements: string[] = [];
    let refusedCount = 0;
    for (const { name, object, refused } of CASES) {
      const server = await api.applyStrict(object as never, { dryRun: true }).then(
        (defaulted) => ({ ok: true as const, object: defaulted as unknown as Obj }),
        (error) => ({ ok: false as const, message: describeApiError(error) }),
      );
      const store = parseObject(structuredClone(object));
      if (store.ok !== server.ok) {
        disagreements.push(
          `${name}: API server ${server.ok ? 'accepts' : `refuses (${server.message})`}, store ${
            store.ok ? 'accepts' : `refuses (${store.ignored ? 'ignored' : store.message})`
          }`,
        );
        continue;
      }
      if (server.ok && store.ok) {
        if (refused) disagreements.push(`${name}: both accept, the case expects a refusal`);
        try {
          assert.deepEqual(comparable(store.value.object as unknown as Obj), comparable(server.object));
        } catch (error) {
          disagreements.push(`${name}: defaults differ\n${(error as Error).message}`);
        }
        continue;
      }
      refusedCount++;
      const storeMessage = store.ok || store.ignored ? '' : store.message;
      const serverMessage = server.ok ? '' : server.message;
      if (!refused)
        disagreements.push(`${name}: both refuse (${serverMessage}), the case expects acceptance`);
      else if (!refused.test(serverMessage) || !refused.test(storeMessage))
        disagreements.push(
          `${name}: reasons differ from ${refused}\n  API server: ${serverMessage}\n  store: ${storeMessage}`,
        );
    }
    t.diagnostic(`${CASES.length} objects, ${refusedCount} refused by both`);
    assert.deepEqual(disagreements, []);
  });
});
