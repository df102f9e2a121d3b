/**
 * The ingress-nginx dialect in the model: an Ingress that carries an nginx
 * annotation gets ingress-nginx's defaults, others keep ours; the flags that
 * switch every Ingress or none; translated values that our schemas refuse
 * are reported under the nginx annotation; the www redirect route.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { modelOf } from './model-fixtures.ts';
import type { DesiredState } from './types.ts';

const N = 'nginx.ingress.kubernetes.io/';

const web = [
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default' },
    spec: { ports: [{ port: 80 }] },
  },
];

function ingress(name: string, host: string, annotations: Record<string, string> = {}, tls = true) {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: 'default', annotations, creationTimestamp: '2024-01-01T00:00:00Z' },
    spec: {
      ingressClassName: 'haproxy',
      ...(tls ? { tls: [{ hosts: [host], secretName: 'cert' }] } : {}),
      rules: [
        {
          host,
          http: {
            paths: [
              { path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } },
            ],
          },
        },
      ],
    },
  };
}

const policyOf = (state: DesiredState, host: string) => {
  const route = state.routing.routes.find((r) => r.vhost === host);
  return state.backends.find((b) => b.name === route?.backend)?.policy;
};

describe('the ingress-nginx dialect', () => {
  it('an Ingress with an nginx annotation redirects its TLS host with 308; one without keeps 302', () => {
    const state = modelOf([
      ...web,
      ingress('ours', 'ours.example'),
      ingress('nginx', 'nginx.example', { [`${N}proxy-read-timeout`]: '30' }),
    ]);
    assert.equal(policyOf(state, 'ours.example')?.sslRedirect?.code, 302);
    assert.equal(policyOf(state, 'nginx.example')?.sslRedirect?.code, 308);
    assert.equal(policyOf(state, 'nginx.example')?.sslRedirect?.dropTrailingSlash, true);
    assert.equal(policyOf(state, 'ours.example')?.sslRedirect?.dropTrailingSlash, undefined);
    const nginxBackend = state.backends.find((b) => b.policy === policyOf(state, 'nginx.example'));
    assert.equal(nginxBackend?.settings.timeoutServer, '30s');
  });

  it('--default-annotation-dialect ingress-nginx reads every Ingress so; the ConfigMap still wins over its defaults', () => {
    const objects = [
      ...web,
      ingress('ours', 'ours.example'),
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'haproxy-configmap', namespace: 'default' },
        data: { 'timeout-server': '7s' },
      },
    ];
    const state = modelOf(objects, { annotationDialect: 'ingress-nginx' });
    assert.equal(policyOf(state, 'ours.example')?.sslRedirect?.code, 308);
    assert.equal(state.backends[0]?.settings.timeoutServer, '7s');
  });

  it('--disable-ingress-nginx-annotations ignores them: our defaults, nothing translated, nothing reported', () => {
    const state = modelOf(
      [...web, ingress('nginx', 'nginx.example', { [`${N}ssl-redirect`]: 'false', [`${N}bogus`]: 'x' })],
      { ingressNginxAnnotations: false },
    );
    assert.equal(policyOf(state, 'nginx.example')?.sslRedirect?.code, 302);
    assert.deepEqual(
      state.problems.filter((p) => p.field?.startsWith(N)),
      [],
    );
  });

  it('our keys win over the nginx annotations of the same Ingress', () => {
    const state = modelOf([
      ...web,
      ingress('both', 'both.example', {
        [`${N}ssl-redirect`]: 'false',
        'haproxy.org/ssl-redirect': 'true',
      }),
    ]);
    assert.ok(policyOf(state, 'both.example')?.sslRedirect);
  });

  it('a translated value our schema refuses is reported under the nginx annotation', () => {
    const state = modelOf([
      ...web,
      ingress('bad', 'bad.example', { [`${N}whitelist-source-range`]: '10.0.0.0/8, not-an-address' }),
    ]);
    const problem = state.problems.find((p) => p.field === `${N}whitelist-source-range`);
    assert.equal(problem?.reason, 'InvalidValue');
    assert.deepEqual(problem?.ref, { kind: 'Ingress', namespace: 'default', name: 'bad' });
    assert.equal(policyOf(state, 'bad.example')?.allowList, undefined);
  });

  it('from-to-www-redirect adds www.<host> as a route that only redirects, unless a rule names it', () => {
    const state = modelOf([
      ...web,
      ingress('www', 'shop.example', { [`${N}from-to-www-redirect`]: 'true' }, false),
      ingress('back', 'www.blog.example', { [`${N}from-to-www-redirect`]: 'true' }, false),
      ingress('taken', 'news.example', { [`${N}from-to-www-redirect`]: 'true' }, false),
      ingress('owner', 'www.news.example', {}, false),
    ]);
    assert.equal(policyOf(state, 'www.shop.example')?.wwwRedirect, 'shop.example');
    assert.equal(policyOf(state, 'blog.example')?.wwwRedirect, 'www.blog.example');
    assert.equal(policyOf(state, 'shop.example')?.wwwRedirect, undefined);
    assert.equal(policyOf(state, 'www.news.example')?.wwwRedirect, undefined, 'a rule names it');
  });

  it('a path of type ImplementationSpecific is a string prefix in the ingress-nginx dialect, Prefix in ours', () => {
    const paths = (name: string, host: string, annotations: Record<string, string>) => {
      const object = ingress(name, host, annotations, false);
      object.spec.rules[0]?.http.paths.push(
        {
          path: '/api',
          pathType: 'ImplementationSpecific',
          backend: { service: { name: 'web', port: { number: 80 } } },
        },
        {
          path: '/docs/',
          pathType: 'ImplementationSpecific',
          backend: { service: { name: 'web', port: { number: 80 } } },
        },
      );
      return object;
    };
    const matches = (state: DesiredState, host: string) =>
      state.routing.routes
        .filter((r) => r.vhost === host && r.path !== '/')
        .map((r) => `${r.match} ${r.path}`);
    const objects = [
      ...web,
      paths('ours', 'ours.example', {}),
      paths('nginx', 'nginx.example', { [`${N}proxy-read-timeout`]: '30' }),
      paths('regex', 'regex.example', { [`${N}use-regex`]: 'true' }),
    ];
    const state = modelOf(objects);
    assert.deepEqual(matches(state, 'ours.example'), ['Prefix /api', 'Prefix /docs']);
    assert.deepEqual(matches(state, 'nginx.example'), ['StringPrefix /api', 'StringPrefix /docs/']);
    assert.deepEqual(
      matches(state, 'regex.example').map((m) => m.split(' ')[0]),
      ['RegularExpression', 'RegularExpression', 'RegularExpression'],
    );
    const everyIngress = modelOf(objects, { annotationDialect: 'ingress-nginx' });
    assert.deepEqual(matches(everyIngress, 'ours.example'), ['StringPrefix /api', 'StringPrefix /docs/']);
    const none = modelOf(objects, { ingressNginxAnnotations: false });
    assert.deepEqual(matches(none, 'nginx.example'), ['Prefix /api', 'Prefix /docs']);
  });
});
