/**
 * An Ingress that is not served says why (one IngressIgnored problem per Ingress and
 * cause), and local mode serves Ingresses without class when the directory holds no
 * IngressClass; a served Service without ready endpoints is reported in local mode.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lookupRoute, routeMapEntries } from '../emitters/config/route-map.ts';
import type { Problem } from '../store/problems.ts';
import { modelOf } from './model-fixtures.ts';
import type { DesiredState } from './types.ts';

type Obj = Record<string, unknown>;

const ingress = (name: string, spec: { className?: string; annotations?: Record<string, string> } = {}) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name, namespace: 'default', annotations: spec.annotations ?? {} },
  spec: {
    ...(spec.className === undefined ? {} : { ingressClassName: spec.className }),
    rules: [
      {
        host: `${name}.example`,
        http: {
          paths: [
            { path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } },
          ],
        },
      },
    ],
  },
});

const ingressClass = (name: string, controller: string, isDefault = false): Obj => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'IngressClass',
  metadata: {
    name,
    annotations: isDefault ? { 'ingressclass.kubernetes.io/is-default-class': 'true' } : {},
  },
  spec: { controller },
});

const web: Obj = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'default' },
  spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
};

const slice = (ready: boolean, service = 'web'): Obj => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: `${service}-1`, namespace: 'default', labels: { 'kubernetes.io/service-name': service } },
  addressType: 'IPv4',
  ports: [{ name: 'http', port: 8080 }],
  endpoints: [{ addresses: ['10.0.0.1'], conditions: { ready } }],
});

const served = (state: DesiredState, name: string) =>
  lookupRoute(routeMapEntries(state.routing), `${name}.example`, '/') === 'default_web_80';
const ignored = (state: DesiredState): Problem[] =>
  state.problems.filter((p) => p.reason === 'IngressIgnored');

describe('an ignored Ingress says why', () => {
  it('names the other controller that owns its class', () => {
    const state = modelOf([
      web,
      ingressClass('nginx', 'k8s.io/ingress-nginx'),
      ingress('a', { className: 'nginx' }),
    ]);
    assert.ok(!served(state, 'a'));
    assert.deepEqual(ignored(state), [
      {
        ref: { kind: 'Ingress', namespace: 'default', name: 'a' },
        field: 'spec.ingressClassName',
        reason: 'IngressIgnored',
        message:
          'class "nginx" belongs to controller k8s.io/ingress-nginx, not haproxy.org/ingress-controller; ignored',
        severity: 'warning',
      },
    ]);
  });

  it('says that a class it names does not exist, under the legacy annotation it used', () => {
    const state = modelOf([web, ingress('a', { annotations: { 'kubernetes.io/ingress.class': 'ghost' } })]);
    const [problem, ...rest] = ignored(state);
    assert.equal(rest.length, 0);
    assert.equal(problem?.field, 'kubernetes.io/ingress.class');
    assert.match(problem?.message ?? '', /no IngressClass "ghost" exists/);
  });

  it('says that it has no class while no IngressClass of ours is the default', () => {
    const state = modelOf([web, ingressClass('haproxy', 'haproxy.org/ingress-controller'), ingress('a')]);
    assert.ok(!served(state, 'a'));
    const [problem, ...rest] = ignored(state);
    assert.equal(rest.length, 0);
    assert.equal(problem?.field, 'spec.ingressClassName');
    assert.match(
      problem?.message ?? '',
      /^no class, and no IngressClass of controller haproxy.org\/ingress-controller is the default/,
    );
  });

  it('one problem per Ingress and cause; served Ingresses have none', () => {
    const state = modelOf([
      web,
      ingressClass('nginx', 'k8s.io/ingress-nginx', true),
      ingress('ours', { className: 'haproxy' }),
      ingress('theirs', { className: 'nginx' }),
      ingress('unclassed'),
    ]);
    assert.ok(served(state, 'ours'));
    assert.deepEqual(
      ignored(state).map((p) => [p.ref, p.field]),
      [
        [{ kind: 'Ingress', namespace: 'default', name: 'theirs' }, 'spec.ingressClassName'],
        [{ kind: 'Ingress', namespace: 'default', name: 'unclassed' }, 'spec.ingressClassName'],
      ],
    );
  });
});

describe('local mode and Ingresses without class', () => {
  it('serves them when the directory holds no IngressClass at all', () => {
    const state = modelOf([web, ingress('a')], { local: true });
    assert.ok(served(state, 'a'));
    assert.deepEqual(ignored(state), []);
  });

  it('does not in cluster mode', () => {
    const state = modelOf([web, ingress('a')]);
    assert.ok(!served(state, 'a'));
    assert.equal(ignored(state).length, 1);
  });

  it('follows the IngressClasses once the directory holds one', () => {
    const ours = ingressClass('haproxy', 'haproxy.org/ingress-controller');
    assert.ok(!served(modelOf([web, ours, ingress('a')], { local: true }), 'a'));
    const other = ingressClass('nginx', 'k8s.io/ingress-nginx');
    assert.ok(!served(modelOf([web, other, ingress('a')], { local: true }), 'a'));
    const defaultOurs = ingressClass('haproxy', 'haproxy.org/ingress-controller', true);
    assert.ok(served(modelOf([web, defaultOurs, ingress('a')], { local: true }), 'a'));
  });
});

describe('local mode: a Service without ready endpoints', () => {
  const noEndpoints = (state: DesiredState) =>
    state.problems.filter((p) => p.reason === 'Unused' && p.message.startsWith('no ready endpoints'));

  it('is reported when no EndpointSlice names it', () => {
    const state = modelOf([web, ingress('a', { className: 'haproxy' })], { local: true });
    assert.deepEqual(noEndpoints(state), [
      {
        ref: { kind: 'Service', namespace: 'default', name: 'web' },
        reason: 'Unused',
        message:
          'no ready endpoints: no EndpointSlice is labelled kubernetes.io/service-name: web, so requests get 503',
        severity: 'warning',
      },
    ]);
  });

  it('is reported when its EndpointSlices list no ready endpoint', () => {
    const state = modelOf([web, slice(false), ingress('a', { className: 'haproxy' })], { local: true });
    assert.match(noEndpoints(state)[0]?.message ?? '', /EndpointSlices list no ready endpoint/);
  });

  it('is quiet with a ready endpoint, in cluster mode, and for Services no route uses', () => {
    assert.deepEqual(
      noEndpoints(modelOf([web, slice(true), ingress('a', { className: 'haproxy' })], { local: true })),
      [],
    );
    assert.deepEqual(noEndpoints(modelOf([web, ingress('a', { className: 'haproxy' })])), []);
    assert.deepEqual(noEndpoints(modelOf([web], { local: true })), []);
  });
});
