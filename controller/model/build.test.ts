/**
 * The model end to end on plain objects: Store → buildModel → a request routed
 * through the resulting maps exactly as HAProxy routes it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lookupRoute, routeMapEntries } from '../emitters/config/route-map.ts';
import { type Problem, refLabel } from '../store/problems.ts';
import { Store } from '../store/store.ts';
import { buildModel } from './build.ts';
import { MODEL_OPTIONS, modelOf, parseAll } from './model-fixtures.ts';
import { BUILTIN_DEFAULT_BACKEND, type DesiredState } from './types.ts';

const OPTIONS = MODEL_OPTIONS;

type Obj = Record<string, unknown>;

const build = modelOf;

/**
 * Routes a request the way HAProxy does with the map the emitter writes for
 * this model (controller/emitters/config/route-map.ts, templates/partials/routing.hbs).
 */
function route(state: DesiredState, hostHeader: string, pathAndQuery: string): string {
  const path = pathAndQuery.split('?')[0] ?? '';
  return lookupRoute(routeMapEntries(state.routing), hostHeader, path) ?? BUILTIN_DEFAULT_BACKEND;
}

// ---------------------------------------------------------------- fixtures

interface PathSpec {
  path?: string;
  pathType?: 'Exact' | 'Prefix' | 'ImplementationSpecific';
  service: string;
  port?: number | string;
}

const portRef = (port: number | string) => (typeof port === 'number' ? { number: port } : { name: port });

const backendRef = (service: string, port: number | string = 80) => ({
  service: { name: service, port: portRef(port) },
});

interface IngressSpec {
  namespace?: string;
  className?: string | null;
  annotations?: Record<string, string>;
  created?: string;
  defaultBackend?: { service: string; port?: number | string };
  rules?: { host?: string; paths?: PathSpec[] }[];
}

function ingress(name: string, spec: IngressSpec = {}): Obj {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name,
      namespace: spec.namespace ?? 'default',
      annotations: spec.annotations ?? {},
      ...(spec.created ? { creationTimestamp: spec.created } : {}),
    },
    spec: {
      ...(spec.className === null ? {} : { ingressClassName: spec.className ?? 'haproxy' }),
      ...(spec.defaultBackend
        ? { defaultBackend: backendRef(spec.defaultBackend.service, spec.defaultBackend.port) }
        : {}),
      rules: (spec.rules ?? []).map((r) => ({
        ...(r.host === undefined ? {} : { host: r.host }),
        ...(r.paths
          ? {
              http: {
                paths: r.paths.map((p) => ({
                  ...(p.path === undefined ? {} : { path: p.path }),
                  pathType: p.pathType ?? 'Prefix',
                  backend: backendRef(p.service, p.port),
                })),
              },
            }
          : {}),
      })),
    },
  };
}

function service(
  name: string,
  ports: { name?: string; port: number; targetPort?: number }[] = [{ port: 80 }],
  annotations: Record<string, string> = {},
  namespace = 'default',
): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, annotations },
    spec: { ports },
  };
}

interface EndpointSpec {
  address: string;
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
}

function slice(
  serviceName: string,
  ports: { name?: string; port: number }[],
  endpoints: EndpointSpec[],
  name = `${serviceName}-abc`,
): Obj {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name, namespace: 'default', labels: { 'kubernetes.io/service-name': serviceName } },
    addressType: 'IPv4',
    ports,
    endpoints: endpoints.map(({ address, ...conditions }) => ({ addresses: [address], conditions })),
  };
}

function configMap(data: Record<string, string>): Obj {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'haproxy-configmap', namespace: 'default' },
    data,
  };
}

function ingressClass(name: string, controller: string, isDefault = false): Obj {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: {
      name,
      annotations: isDefault ? { 'ingressclass.kubernetes.io/is-default-class': 'true' } : {},
    },
    spec: { controller },
  };
}

const SERVICES = ['a', 'b', 'c', 'd', 'fallback'].map((n) => service(n));
const A = 'default_a_80';
const B = 'default_b_80';
const C = 'default_c_80';
const D = 'default_d_80';
const NOTFOUND = BUILTIN_DEFAULT_BACKEND;

/** One host-less Ingress with the given paths, plus the services. */
function paths(...specs: PathSpec[]): DesiredState {
  return build([...SERVICES, ingress('paths', { rules: [{ paths: specs }] })]);
}

const backendOf = (state: DesiredState, name: string) => {
  const backend = state.backends.find((b) => b.name === name);
  assert.ok(backend, `backend ${name} exists (have ${state.backends.map((b) => b.name).join(', ')})`);
  return backend;
};

const problemsOf = (state: DesiredState, object: string): Problem[] =>
  state.problems.filter((p) => refLabel(p.ref) === object);

// ---------------------------------------------------------------- path matching

describe('Kubernetes path matching table', () => {
  it('Prefix / matches every path', () => {
    const s = paths({ path: '/', pathType: 'Prefix', service: 'a' });
    for (const p of ['/', '/foo', '/foo/bar', '/x?y=1']) assert.equal(route(s, 'any.host', p), A, p);
  });

  it('Exact /foo matches /foo only, not /bar nor /foo/', () => {
    const s = paths({ path: '/foo', pathType: 'Exact', service: 'a' });
    assert.equal(route(s, 'h', '/foo'), A);
    assert.equal(route(s, 'h', '/foo?q=1'), A);
    assert.equal(route(s, 'h', '/bar'), NOTFOUND);
    assert.equal(route(s, 'h', '/foo/'), NOTFOUND);
    assert.equal(route(s, 'h', '/foo/bar'), NOTFOUND);
  });

  it('Exact /foo/ does not match /foo', () => {
    const s = paths({ path: '/foo/', pathType: 'Exact', service: 'a' });
    assert.equal(route(s, 'h', '/foo'), NOTFOUND);
    assert.equal(route(s, 'h', '/foo/'), A);
  });

  it('Exact is case-sensitive', () => {
    const s = paths({ path: '/Foo', pathType: 'Exact', service: 'a' });
    assert.equal(route(s, 'h', '/foo'), NOTFOUND);
    assert.equal(route(s, 'h', '/Foo'), A);
  });

  it('Prefix /foo matches /foo and /foo/', () => {
    const s = paths({ path: '/foo', pathType: 'Prefix', service: 'a' });
    assert.equal(route(s, 'h', '/foo'), A);
    assert.equal(route(s, 'h', '/foo/'), A);
    assert.equal(route(s, 'h', '/foobar'), NOTFOUND);
    assert.equal(route(s, 'h', '/Foo'), NOTFOUND);
  });

  it('Prefix /foo/ matches /foo and /foo/', () => {
    const s = paths({ path: '/foo/', pathType: 'Prefix', service: 'a' });
    assert.equal(route(s, 'h', '/foo'), A);
    assert.equal(route(s, 'h', '/foo/'), A);
    assert.equal(route(s, 'h', '/foo/x'), A);
  });

  it('Prefix /aaa/bb does not match /aaa/bbb', () => {
    const s = paths({ path: '/aaa/bb', pathType: 'Prefix', service: 'a' });
    assert.equal(route(s, 'h', '/aaa/bbb'), NOTFOUND);
    assert.equal(route(s, 'h', '/aaa/bb'), A);
  });

  it('Prefix /aaa/bbb matches /aaa/bbb, /aaa/bbb/, /aaa/bbb/ccc but not /aaa/bbbxyz', () => {
    const s = paths({ path: '/aaa/bbb', pathType: 'Prefix', service: 'a' });
    assert.equal(route(s, 'h', '/aaa/bbb'), A);
    assert.equal(route(s, 'h', '/aaa/bbb/'), A);
    assert.equal(route(s, 'h', '/aaa/bbb/ccc'), A);
    assert.equal(route(s, 'h', '/aaa/bbbxyz'), NOTFOUND);
  });

  it('Prefix /aaa/bbb/ matches /aaa/bbb', () => {
    const s = paths({ path: '/aaa/bbb/', pathType: 'Prefix', service: 'a' });
    assert.equal(route(s, 'h', '/aaa/bbb'), A);
    assert.equal(route(s, 'h', '/aaa/bbb/ccc'), A);
  });

  it('several prefixes /, /aaa, /aaa/bbb: the longest matching one wins', () => {
    const s = paths(
      { path: '/', pathType: 'Prefix', service: 'a' },
      { path: '/aaa', pathType: 'Prefix', service: 'b' },
      { path: '/aaa/bbb', pathType: 'Prefix', service: 'c' },
    );
    assert.equal(route(s, 'h', '/aaa/ccc'), B);
    assert.equal(route(s, 'h', '/aaa/bbb'), C);
    assert.equal(route(s, 'h', '/aaa/bbb/x'), C);
    assert.equal(route(s, 'h', '/ccc'), A);
    assert.equal(route(s, 'h', '/aaa'), B);
  });

  it('the longest path wins regardless of declaration order', () => {
    const s = paths(
      { path: '/aaa/bbb', pathType: 'Prefix', service: 'c' },
      { path: '/aaa', pathType: 'Prefix', service: 'b' },
      { path: '/', pathType: 'Prefix', service: 'a' },
    );
    assert.equal(route(s, 'h', '/aaa/ccc'), B);
    assert.equal(route(s, 'h', '/aaa/bbb'), C);
    assert.equal(route(s, 'h', '/ccc'), A);
  });

  it('Prefix /aaa does not match /ccc: the default backend answers', () => {
    const s = paths({ path: '/aaa', pathType: 'Prefix', service: 'a' });
    assert.equal(route(s, 'h', '/ccc'), NOTFOUND);
    assert.equal(s.routing.defaultBackend, NOTFOUND);
  });

  it('Exact and Prefix on the same path: Exact wins for the full path', () => {
    const s = paths(
      { path: '/foo', pathType: 'Prefix', service: 'a' },
      { path: '/foo', pathType: 'Exact', service: 'b' },
    );
    assert.equal(route(s, 'h', '/foo'), B);
    assert.equal(route(s, 'h', '/foo/'), A);
    assert.equal(route(s, 'h', '/foo/x'), A);
  });

  it('Exact beats Prefix on the same path even when the Prefix comes from an older Ingress', () => {
    const s = build([
      ...SERVICES,
      ingress('old', {
        created: '2020-01-01T00:00:00Z',
        rules: [{ host: 'h.example', paths: [{ path: '/foo', pathType: 'Prefix', service: 'a' }] }],
      }),
      ingress('new', {
        created: '2024-01-01T00:00:00Z',
        rules: [{ host: 'h.example', paths: [{ path: '/foo', pathType: 'Exact', service: 'b' }] }],
      }),
    ]);
    assert.equal(route(s, 'h.example', '/foo'), B);
    assert.equal(route(s, 'h.example', '/foo/bar'), A);
    // Not a conflict: the spec defines how Exact and Prefix overlap.
    assert.deepEqual(
      s.problems.filter((p) => p.severity === 'warning' && /conflict/.test(p.message)),
      [],
    );
  });

  it('an Exact path longer than a Prefix path wins for its own path only', () => {
    const s = paths(
      { path: '/aaa', pathType: 'Prefix', service: 'a' },
      { path: '/aaa/bbb', pathType: 'Exact', service: 'b' },
    );
    assert.equal(route(s, 'h', '/aaa/bbb'), B);
    assert.equal(route(s, 'h', '/aaa/bbb/'), A);
    assert.equal(route(s, 'h', '/aaa/bbb/c'), A);
  });

  it('ImplementationSpecific behaves as Prefix', () => {
    const s = paths({ path: '/foo', pathType: 'ImplementationSpecific', service: 'a' });
    assert.equal(route(s, 'h', '/foo'), A);
    assert.equal(route(s, 'h', '/foo/'), A);
    assert.equal(route(s, 'h', '/foo/bar'), A);
    assert.equal(route(s, 'h', '/foobar'), NOTFOUND);
  });

  it('ImplementationSpecific without a path matches everything', () => {
    const s = paths({ pathType: 'ImplementationSpecific', service: 'a' });
    assert.equal(route(s, 'h', '/'), A);
    assert.equal(route(s, 'h', '/anything/here'), A);
  });

  it('Prefix without a path is refused with an error problem', () => {
    const s = paths({ pathType: 'Prefix', service: 'a' });
    assert.equal(route(s, 'h', '/'), NOTFOUND);
    const errors = problemsOf(s, 'Ingress default/paths').filter((p) => p.severity === 'error');
    assert.equal(errors.length, 1);
    assert.match(errors[0]?.message ?? '', /requires a path/);
  });
});

// ---------------------------------------------------------------- hosts

describe('host rules', () => {
  it('hosts match case-insensitively, in rules and in requests, and ignore :port', () => {
    const s = build([
      ...SERVICES,
      ingress('hosts', {
        rules: [
          { host: 'Foo.Example.COM', paths: [{ path: '/', service: 'a' }] },
          { host: 'bar.example.com', paths: [{ path: '/', service: 'b' }] },
        ],
      }),
    ]);
    assert.equal(route(s, 'foo.example.com', '/'), A);
    assert.equal(route(s, 'FOO.EXAMPLE.COM:8443', '/x'), A);
    assert.equal(route(s, 'BAR.Example.Com', '/'), B);
    assert.equal(route(s, 'baz.example.com', '/'), NOTFOUND);
  });

  it('*.example.com matches exactly one extra label', () => {
    const s = build([
      ...SERVICES,
      ingress('wild', { rules: [{ host: '*.example.com', paths: [{ path: '/', service: 'a' }] }] }),
    ]);
    assert.equal(route(s, 'a.example.com', '/'), A);
    assert.equal(route(s, 'Other.Example.com', '/x'), A);
    assert.equal(route(s, 'example.com', '/'), NOTFOUND);
    assert.equal(route(s, 'a.b.example.com', '/'), NOTFOUND);
    assert.equal(route(s, 'a.example.org', '/'), NOTFOUND);
  });

  it('an exact host is preferred over a wildcard covering it', () => {
    const s = build([
      ...SERVICES,
      ingress('wild', {
        rules: [
          { host: '*.example.com', paths: [{ path: '/', service: 'a' }] },
          { host: 'foo.example.com', paths: [{ path: '/', service: 'b' }] },
        ],
      }),
    ]);
    assert.equal(route(s, 'foo.example.com', '/'), B);
    assert.equal(route(s, 'bar.example.com', '/'), A);
  });

  it('a rule without host matches any host', () => {
    const s = build([...SERVICES, ingress('any', { rules: [{ paths: [{ path: '/app', service: 'a' }] }] })]);
    assert.equal(route(s, 'whatever.example', '/app'), A);
    assert.equal(route(s, '10.0.0.1:80', '/app/x'), A);
    assert.equal(route(s, 'whatever.example', '/other'), NOTFOUND);
  });

  it("a host with no matching path never falls through to another host's rules", () => {
    const s = build([
      ...SERVICES,
      ingress('hosts', {
        rules: [
          { host: 'a.example', paths: [{ path: '/foo', service: 'a' }] },
          { host: 'b.example', paths: [{ path: '/bar', service: 'b' }] },
          { host: '*.example', paths: [{ path: '/baz', service: 'c' }] },
          { paths: [{ path: '/qux', service: 'd' }] },
        ],
      }),
    ]);
    assert.equal(route(s, 'a.example', '/foo'), A);
    assert.equal(route(s, 'a.example', '/bar'), NOTFOUND);
    assert.equal(route(s, 'a.example', '/baz'), NOTFOUND);
    assert.equal(route(s, 'a.example', '/qux'), NOTFOUND);
    assert.equal(route(s, 'b.example', '/foo'), NOTFOUND);
    assert.equal(route(s, 'c.example', '/baz'), C);
    assert.equal(route(s, 'c.example', '/foo'), NOTFOUND);
    assert.equal(route(s, 'other.test', '/qux'), D);
    assert.equal(route(s, 'other.test', '/foo'), NOTFOUND);
  });
});

// ---------------------------------------------------------------- default backends

describe('default backends', () => {
  it("an Ingress defaultBackend answers unmatched requests for that Ingress's hosts only", () => {
    const s = build([
      ...SERVICES,
      ingress('with-default', {
        defaultBackend: { service: 'd' },
        rules: [{ host: 'a.example', paths: [{ path: '/foo', service: 'a' }] }],
      }),
      ingress('other', { rules: [{ host: 'b.example', paths: [{ path: '/foo', service: 'b' }] }] }),
    ]);
    assert.equal(route(s, 'a.example', '/foo'), A);
    assert.equal(route(s, 'a.example', '/elsewhere'), D);
    assert.equal(route(s, 'b.example', '/elsewhere'), NOTFOUND);
    assert.equal(route(s, 'c.example', '/'), NOTFOUND);
    assert.ok(s.backends.some((b) => b.name === D));
  });

  it("a host claimed only through a rule without paths still gets the Ingress's defaultBackend", () => {
    // host-default.map gets an entry for a.example; it is only reachable if a.example is a vhost.
    const s = build([
      ...SERVICES,
      ingress('host-only', { defaultBackend: { service: 'd' }, rules: [{ host: 'a.example' }] }),
    ]);
    assert.equal(route(s, 'a.example', '/anything'), D);
  });

  it('an Ingress with only a defaultBackend is the catch-all', () => {
    const s = build([
      ...SERVICES,
      ingress('catch-all', { defaultBackend: { service: 'd' } }),
      ingress('site', { rules: [{ host: 'a.example', paths: [{ path: '/foo', service: 'a' }] }] }),
    ]);
    assert.equal(s.routing.defaultBackend, D);
    assert.equal(route(s, 'unknown.example', '/'), D);
    assert.equal(route(s, 'a.example', '/bar'), D);
    assert.equal(route(s, 'a.example', '/foo'), A);
  });

  it('a second catch-all Ingress is reported and the older one is kept', () => {
    const s = build([
      ...SERVICES,
      ingress('first', { created: '2020-01-01T00:00:00Z', defaultBackend: { service: 'c' } }),
      ingress('second', { created: '2021-01-01T00:00:00Z', defaultBackend: { service: 'd' } }),
    ]);
    assert.equal(s.routing.defaultBackend, C);
    const warnings = problemsOf(s, 'Ingress default/second').filter((p) => p.severity === 'warning');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]?.message ?? '', /default\/first/);
  });

  it('--default-backend-service answers when nothing matches', () => {
    const s = build(
      [
        service('fallback', [{ name: 'http', port: 8080 }]),
        slice('fallback', [{ name: 'http', port: 9000 }], [{ address: '10.1.0.1', ready: true }]),
        ...SERVICES.slice(0, 1),
        ingress('site', { rules: [{ host: 'a.example', paths: [{ path: '/foo', service: 'a' }] }] }),
      ],
      { defaultBackendService: 'default/fallback' },
    );
    assert.equal(s.routing.defaultBackend, 'default_fallback_8080');
    assert.equal(route(s, 'a.example', '/bar'), 'default_fallback_8080');
    assert.equal(route(s, 'x.example', '/'), 'default_fallback_8080');
    assert.deepEqual(backendOf(s, 'default_fallback_8080').endpoints, [
      { address: '10.1.0.1', port: 9000, state: 'ready' },
    ]);
  });

  it('--default-backend-service naming a missing Service keeps the 404 backend and reports it', () => {
    const s = build([...SERVICES], { defaultBackendService: 'default/nope' });
    assert.equal(s.routing.defaultBackend, NOTFOUND);
    const errors = problemsOf(s, '--default-backend-service');
    assert.equal(errors.length, 1);
    assert.equal(errors[0]?.severity, 'error');
  });
});

// ---------------------------------------------------------------- IngressClass

describe('IngressClass selection', () => {
  const site = (className: string | null, annotations: Record<string, string> = {}) =>
    ingress('site', {
      className,
      annotations,
      rules: [{ host: 'a.example', paths: [{ path: '/', service: 'a' }] }],
    });
  const served = (s: DesiredState) => route(s, 'a.example', '/') === A;

  it('takes an Ingress whose ingressClassName is --ingress.class', () => {
    assert.ok(served(build([...SERVICES, site('haproxy')])));
  });

  it('takes an Ingress whose IngressClass names our controller', () => {
    const s = build([...SERVICES, ingressClass('mine', 'haproxy.org/ingress-controller'), site('mine')]);
    assert.ok(served(s));
  });

  it("ignores an Ingress of another controller's class", () => {
    const s = build([...SERVICES, ingressClass('nginx', 'k8s.io/ingress-nginx'), site('nginx')]);
    assert.ok(!served(s));
    assert.deepEqual(s.backends, []);
    assert.deepEqual(s.routing.vhosts, []);
  });

  it('ignores an Ingress naming a class that does not exist', () => {
    assert.ok(!served(build([...SERVICES, site('unknown')])));
  });

  it('takes an Ingress without class when our IngressClass is the default', () => {
    const s = build([...SERVICES, ingressClass('mine', 'haproxy.org/ingress-controller', true), site(null)]);
    assert.ok(served(s));
  });

  it('ignores an Ingress without class when no class is the default', () => {
    const s = build([...SERVICES, ingressClass('mine', 'haproxy.org/ingress-controller'), site(null)]);
    assert.ok(!served(s));
    assert.deepEqual(s.backends, []);
  });

  it("ignores an Ingress without class when another controller's class is the default", () => {
    const s = build([...SERVICES, ingressClass('nginx', 'k8s.io/ingress-nginx', true), site(null)]);
    assert.ok(!served(s));
  });

  it('takes an Ingress without class when --empty-ingress-class is set', () => {
    assert.ok(served(build([...SERVICES, site(null)], { emptyIngressClass: true })));
  });

  it('honours the legacy kubernetes.io/ingress.class annotation', () => {
    assert.ok(served(build([...SERVICES, site(null, { 'kubernetes.io/ingress.class': 'haproxy' })])));
    assert.ok(!served(build([...SERVICES, site(null, { 'kubernetes.io/ingress.class': 'nginx' })])));
  });
});

// ---------------------------------------------------------------- services and endpoints

describe('Service ports and endpoints', () => {
  const web = service('web', [
    { name: 'http', port: 80, targetPort: 8080 },
    { name: 'admin', port: 9000, targetPort: 9090 },
  ]);
  const webSlice = slice(
    'web',
    [
      { name: 'admin', port: 9090 },
      { name: 'http', port: 8080 },
    ],
    [{ address: '10.0.0.1', ready: true }],
  );

  it('resolves a Service port by number and maps it to the EndpointSlice port with the same name', () => {
    const s = build([
      web,
      webSlice,
      ingress('i', { rules: [{ paths: [{ path: '/', service: 'web', port: 80 }] }] }),
    ]);
    assert.equal(route(s, 'h', '/'), 'default_web_80');
    assert.deepEqual(backendOf(s, 'default_web_80').endpoints, [
      { address: '10.0.0.1', port: 8080, state: 'ready' },
    ]);
  });

  it('resolves a Service port by name', () => {
    const s = build([
      web,
      webSlice,
      ingress('i', { rules: [{ paths: [{ path: '/', service: 'web', port: 'admin' }] }] }),
    ]);
    assert.equal(route(s, 'h', '/'), 'default_web_admin');
    assert.deepEqual(backendOf(s, 'default_web_admin').endpoints, [
      { address: '10.0.0.1', port: 9090, state: 'ready' },
    ]);
  });

  it('a Service port that does not exist gives a serverless backend and an error', () => {
    const s = build([
      web,
      webSlice,
      ingress('i', { rules: [{ paths: [{ path: '/', service: 'web', port: 81 }] }] }),
    ]);
    assert.equal(route(s, 'h', '/'), 'default_web_81');
    assert.deepEqual(backendOf(s, 'default_web_81').endpoints, []);
    const errors = problemsOf(s, 'Ingress default/i').filter((p) => p.severity === 'error');
    assert.equal(errors.length, 1);
    assert.match(errors[0]?.message ?? '', /no port 81/);
  });

  it('applies endpoint conditions: ready serves, serving+terminating drains, others are left out', () => {
    const s = build([
      service('web'),
      slice(
        'web',
        [{ port: 8080 }],
        [
          { address: '10.0.0.1', ready: true },
          { address: '10.0.0.2', ready: false, serving: true, terminating: true },
          { address: '10.0.0.3', ready: false, terminating: false },
          { address: '10.0.0.4' },
          { address: '10.0.0.5', ready: false, serving: false, terminating: true },
          { address: '10.0.0.6', ready: false },
        ],
      ),
      ingress('i', { rules: [{ paths: [{ path: '/', service: 'web' }] }] }),
    ]);
    assert.deepEqual(backendOf(s, 'default_web_80').endpoints, [
      { address: '10.0.0.1', port: 8080, state: 'ready' },
      { address: '10.0.0.2', port: 8080, state: 'drain' },
      { address: '10.0.0.4', port: 8080, state: 'ready' },
    ]);
  });

  it('merges the EndpointSlices of a Service, sorted by address', () => {
    const s = build([
      service('web'),
      slice('web', [{ port: 8080 }], [{ address: '10.0.0.9' }], 'web-1'),
      slice('web', [{ port: 8080 }], [{ address: '10.0.0.3' }], 'web-2'),
      ingress('i', { rules: [{ paths: [{ path: '/', service: 'web' }] }] }),
    ]);
    assert.deepEqual(
      backendOf(s, 'default_web_80').endpoints.map((e) => e.address),
      ['10.0.0.3', '10.0.0.9'],
    );
  });

  it('a missing Service gives a backend without endpoints and an error naming the Service', () => {
    const s = build([
      ingress('i', { rules: [{ host: 'a.example', paths: [{ path: '/', service: 'ghost' }] }] }),
    ]);
    assert.equal(route(s, 'a.example', '/'), 'default_ghost_80');
    assert.deepEqual(backendOf(s, 'default_ghost_80').endpoints, []);
    const errors = problemsOf(s, 'Ingress default/i').filter((p) => p.severity === 'error');
    assert.equal(errors.length, 1);
    assert.match(errors[0]?.message ?? '', /default\/ghost/);
  });
});

// ---------------------------------------------------------------- conflicts

describe('conflicting routes', () => {
  const claim = (name: string, svc: string, extra: Partial<IngressSpec> = {}) =>
    ingress(name, {
      ...extra,
      rules: [{ host: 'a.example', paths: [{ path: '/app', pathType: 'Prefix', service: svc }] }],
    });

  it('the older Ingress keeps a host+path; the newer one is named in a warning', () => {
    // Names sort the other way round, so age must be what decides.
    const s = build([
      ...SERVICES,
      claim('aaa-new', 'b', { created: '2024-05-01T00:00:00Z' }),
      claim('zzz-old', 'a', { created: '2020-05-01T00:00:00Z' }),
    ]);
    assert.equal(route(s, 'a.example', '/app'), A);
    assert.equal(route(s, 'a.example', '/app/x'), A);
    const warnings = problemsOf(s, 'Ingress default/aaa-new').filter((p) => p.severity === 'warning');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]?.message ?? '', /zzz-old/);
    assert.deepEqual(problemsOf(s, 'Ingress default/zzz-old'), []);
  });

  it('with equal timestamps, namespace/name order decides', () => {
    const created = '2023-01-01T00:00:00Z';
    const s = build([
      service('a', [{ port: 80 }], {}, 'beta'),
      service('b', [{ port: 80 }], {}, 'alpha'),
      claim('x', 'a', { created, namespace: 'beta' }),
      claim('y', 'b', { created, namespace: 'alpha' }),
    ]);
    assert.equal(route(s, 'a.example', '/app'), 'alpha_b_80');
    const warnings = problemsOf(s, 'Ingress beta/x').filter((p) => p.severity === 'warning');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]?.message ?? '', /alpha\/y/);
  });

  it('without timestamps, namespace/name order decides', () => {
    const s = build([...SERVICES, claim('second', 'b'), claim('first', 'a')]);
    assert.equal(route(s, 'a.example', '/app'), A);
    assert.equal(problemsOf(s, 'Ingress default/second').filter((p) => p.severity === 'warning').length, 1);
  });
});

// ---------------------------------------------------------------- settings

describe('backend settings', () => {
  const withLayers = (layers: {
    configMap?: Record<string, string>;
    ingress?: Record<string, string>;
    service?: Record<string, string>;
  }) =>
    build([
      ...(layers.configMap ? [configMap(layers.configMap)] : []),
      service('web', [{ port: 80 }], layers.service ?? {}),
      ingress('i', {
        annotations: layers.ingress ?? {},
        rules: [{ paths: [{ path: '/', service: 'web' }] }],
      }),
    ]);
  const settingsOf = (s: DesiredState) => backendOf(s, 'default_web_80').settings;

  const cases = [
    {
      key: 'load-balance',
      field: 'loadBalance',
      values: ['first', 'source', 'leastconn'],
      fallback: 'roundrobin',
    },
    { key: 'check', field: 'check', values: ['false', 'true', 'false'], fallback: true },
    { key: 'timeout-server', field: 'timeoutServer', values: ['7s', '8s', '9s'], fallback: '50s' },
    { key: 'servers-increment', field: 'serversIncrement', values: ['3', '4', '5'], fallback: undefined },
  ] as const;
  const parsed = (v: string): unknown =>
    v === 'true' ? true : v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v;

  for (const { key, field, values, fallback } of cases) {
    it(`${key}: Service annotation > Ingress annotation > ConfigMap > default`, () => {
      const [onService, onIngress, inConfigMap] = values;
      const annotation = `haproxy.org/${key}`;
      const all = withLayers({
        configMap: { [key]: inConfigMap },
        ingress: { [annotation]: onIngress },
        service: { [annotation]: onService },
      });
      assert.equal(settingsOf(all)[field], parsed(onService));
      const noService = withLayers({
        configMap: { [key]: inConfigMap },
        ingress: { [annotation]: onIngress },
      });
      assert.equal(settingsOf(noService)[field], parsed(onIngress));
      const onlyConfigMap = withLayers({ configMap: { [key]: inConfigMap } });
      assert.equal(settingsOf(onlyConfigMap)[field], parsed(inConfigMap));
      assert.equal(settingsOf(withLayers({}))[field], fallback);
      for (const s of [all, noService, onlyConfigMap]) {
        assert.deepEqual(
          s.problems.filter((p) => p.severity === 'error'),
          [],
        );
      }
    });
  }

  it('the ConfigMap timeout-server also sets the defaults section', () => {
    assert.equal(withLayers({ configMap: { 'timeout-server': '33s' } }).defaults.timeoutServer, '33s');
    assert.equal(withLayers({}).defaults.timeoutServer, '50s');
  });

  it('accepts the haproxy.org/, haproxy.com/ and ingress.kubernetes.io/ prefixes', () => {
    for (const prefix of ['haproxy.org/', 'haproxy.com/', 'ingress.kubernetes.io/']) {
      const onIngress = withLayers({ ingress: { [`${prefix}load-balance`]: 'leastconn' } });
      assert.equal(settingsOf(onIngress).loadBalance, 'leastconn', prefix);
      const onService = withLayers({ service: { [`${prefix}timeout-server`]: '12s' } });
      assert.equal(settingsOf(onService).timeoutServer, '12s', prefix);
      assert.deepEqual(onIngress.problems, [], prefix);
      assert.deepEqual(onService.problems, [], prefix);
    }
  });

  it('accepts boolean spellings such as "enabled", "OFF" and "true"', () => {
    assert.equal(
      settingsOf(withLayers({ configMap: { check: 'false' }, ingress: { 'haproxy.org/check': 'enabled' } }))
        .check,
      true,
    );
    assert.equal(
      settingsOf(withLayers({ configMap: { check: 'true' }, ingress: { 'haproxy.org/check': 'OFF' } })).check,
      false,
    );
    assert.equal(
      settingsOf(withLayers({ configMap: { check: 'off' }, service: { 'haproxy.org/check': 'true' } })).check,
      true,
    );
    assert.equal(
      settingsOf(withLayers({ ingress: { 'haproxy.org/forwarded-for': 'disabled' } })).forwardedFor,
      false,
    );
  });

  describe('bad values are ignored with an error naming the object and field', () => {
    const bad = [
      {
        key: 'load-balance',
        value: 'roundrobin\n  http-request deny',
        field: 'loadBalance',
        lower: 'leastconn',
      },
      { key: 'load-balance', value: 'leastconn # x', field: 'loadBalance', lower: 'first' },
      { key: 'timeout-server', value: '5s; x', field: 'timeoutServer', lower: '9s' },
      { key: 'servers-increment', value: '-1', field: 'serversIncrement', lower: '7' },
      { key: 'check', value: 'maybe', field: 'check', lower: 'false' },
      { key: 'load-balance', value: 'x'.repeat(5000), field: 'loadBalance', lower: 'source' },
      { key: 'timeout-server', value: `5s${' '.repeat(4999)}`, field: 'timeoutServer', lower: '9s' },
    ] as const;

    for (const { key, value, field, lower } of bad) {
      const shown = JSON.stringify(value.length > 30 ? `${value.slice(0, 30)}…` : value);

      it(`${key} ${shown} on an Ingress falls back to the default`, () => {
        const s = withLayers({ ingress: { [`haproxy.org/${key}`]: value } });
        const defaults = settingsOf(withLayers({}));
        assert.equal(settingsOf(s)[field], defaults[field]);
        const errors = s.problems.filter((p) => p.severity === 'error');
        assert.equal(errors.length, 1, JSON.stringify(s.problems));
        assert.equal(errors[0] && refLabel(errors[0].ref), 'Ingress default/i');
        assert.equal(errors[0]?.field, `haproxy.org/${key}`);
      });

      it(`${key} ${shown} on a Service falls back to the ConfigMap value`, () => {
        const s = withLayers({ configMap: { [key]: lower }, service: { [`haproxy.com/${key}`]: value } });
        assert.equal(settingsOf(s)[field], parsed(lower));
        const errors = s.problems.filter((p) => p.severity === 'error');
        assert.equal(errors.length, 1, JSON.stringify(s.problems));
        assert.equal(errors[0] && refLabel(errors[0].ref), 'Service default/web');
        assert.equal(errors[0]?.field, `haproxy.com/${key}`);
      });

      it(`${key} ${shown} in the ConfigMap falls back to the default`, () => {
        const s = withLayers({ configMap: { [key]: value } });
        assert.equal(settingsOf(s)[field], settingsOf(withLayers({}))[field]);
        const errors = s.problems.filter((p) => p.severity === 'error');
        assert.equal(errors.length, 1, JSON.stringify(s.problems));
        assert.equal(errors[0] && refLabel(errors[0].ref), 'ConfigMap default/haproxy-configmap');
        assert.equal(errors[0]?.field, key);
      });
    }

    it('no rejected value reaches the desired state', () => {
      const s = withLayers({
        configMap: { 'timeout-server': '5s\nbackend evil' },
        ingress: { 'haproxy.org/load-balance': 'roundrobin\n  http-request deny' },
      });
      assert.doesNotMatch(JSON.stringify({ ...s, problems: [] }), /deny|evil/);
    });
  });

  it('unknown annotations with our prefixes are reported as warnings', () => {
    const s = withLayers({ ingress: { 'haproxy.org/no-such-thing': 'x', 'example.com/other': 'y' } });
    assert.deepEqual(
      s.problems.map((p) => [refLabel(p.ref), p.field, p.severity]),
      [['Ingress default/i', 'haproxy.org/no-such-thing', 'warning']],
    );
  });
});

// ---------------------------------------------------------------- determinism

describe('determinism', () => {
  const objects: Obj[] = [
    configMap({ 'load-balance': 'leastconn', 'bogus-key': '1' }),
    ...SERVICES,
    service('web', [{ name: 'http', port: 80 }], { 'haproxy.org/check': 'off' }),
    slice('web', [{ name: 'http', port: 8080 }], [{ address: '10.0.0.2' }, { address: '10.0.0.1' }], 'web-1'),
    slice(
      'web',
      [{ name: 'http', port: 8080 }],
      [{ address: '10.0.0.3', terminating: true, serving: true }],
      'web-2',
    ),
    ingress('one', {
      created: '2022-01-01T00:00:00Z',
      defaultBackend: { service: 'd' },
      rules: [
        {
          host: 'a.example',
          paths: [
            { path: '/', service: 'web' },
            { path: '/x', pathType: 'Exact', service: 'a' },
          ],
        },
        { host: '*.example', paths: [{ path: '/w', service: 'b' }] },
      ],
    }),
    ingress('two', {
      created: '2022-01-01T00:00:00Z',
      annotations: { 'haproxy.org/timeout-server': 'bad value' },
      rules: [
        { host: 'a.example', paths: [{ path: '/', service: 'c' }] },
        { paths: [{ path: '/', service: 'ghost' }] },
      ],
    }),
    ingress('three', {
      rules: [{ host: 'a.example', paths: [{ path: '/x', pathType: 'Exact', service: 'b' }] }],
    }),
    ingress('four', { defaultBackend: { service: 'c' } }),
    ingress('five', { defaultBackend: { service: 'b' } }),
  ];

  it('building twice from the same snapshot gives deep-equal results', () => {
    const store = new Store();
    store.replaceOrigin('test', parseAll(objects));
    const first = buildModel(store.snapshot(), OPTIONS);
    const second = buildModel(store.snapshot(), OPTIONS);
    assert.deepEqual(first, second);
    assert.ok(first.problems.length >= 4, 'the fixture exercises problems');
  });

  it('the order objects arrive in does not matter', () => {
    const forward = build(objects);
    const backward = build([...objects].reverse());
    assert.deepEqual(backward, forward);
    const shuffled = build([
      ...objects.filter((_, i) => i % 2 === 1),
      ...objects.filter((_, i) => i % 2 === 0),
    ]);
    assert.deepEqual(shuffled, forward);
  });

  it('splitting objects over origins does not matter either', () => {
    const store = new Store();
    store.replaceOrigin('z.yaml', parseAll(objects.slice(0, 5)));
    store.replaceOrigin('a.yaml', parseAll(objects.slice(5)));
    assert.deepEqual(buildModel(store.snapshot(), OPTIONS), build(objects));
  });
});
