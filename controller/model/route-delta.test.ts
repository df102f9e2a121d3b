/**
 * A route-only change rebuilds only the vhosts it touches (route-delta.ts):
 * on random clusters, through random edits of Ingress rules (and of other
 * objects, which take a full pass), the model built with the memo equals the
 * model built from scratch, and the shortcut is actually taken.
 *
 * A longer soak, or one seed again: FROM=245 SEEDS=600 node controller/model/route-delta.test.ts
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { refLabel } from '../store/problems.ts';
import { Store } from '../store/store.ts';
import { buildModel } from './build.ts';
import { ModelMemo } from './memo.ts';
import { MODEL_OPTIONS, parseAll } from './model-fixtures.ts';
import type { DesiredState } from './types.ts';

type Obj = Record<string, unknown>;

/** mulberry32: a seeded generator, so that a failing seed can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMESPACES = ['default', 'team'];
const HOSTS = [
  ...['a', 'b', 'c', 'd', 'e', 'f', 'g', 'www.c', '*.w', 'x.w'].map((name) => `${name}.example`),
  '',
];
const PATHS = ['/', '/a', '/a/b', '/b', '/a/'];
const TYPES = ['Prefix', 'Exact', 'ImplementationSpecific'];
const SERVICES = ['svc-0', 'svc-1', 'svc-2', 'svc-3', 'svc-0', 'svc-1', 'svc-2', 'svc-missing'];
const SHELLS: Record<string, string>[] = [
  {},
  {},
  {},
  {},
  {},
  {},
  {},
  { 'haproxy.org/timeout-server': '30s' },
  { 'haproxy.org/server-alias': 'alias.example' },
  { 'haproxy.org/canary': 'true', 'haproxy.org/canary-weight': '30' },
  { 'nginx.ingress.kubernetes.io/use-regex': 'true' },
  { 'haproxy.org/www-redirect': 'true' },
];

function generator(seed: number) {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const backend = () => ({ service: { name: pick(SERVICES), port: { number: 80 } } });
  const rules = () =>
    Array.from({ length: 1 + Math.floor(next() * 2) }, () => {
      const host = pick(HOSTS);
      const paths = Array.from({ length: 1 + Math.floor(next() * 3) }, () => ({
        path: pick(PATHS),
        pathType: pick(TYPES),
        backend: backend(),
      }));
      return { ...(host && { host }), http: { paths } };
    });
  const ingress = (i: number, annotations: Record<string, string>, tls: boolean): Obj => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: `ing-${i}`,
      namespace: NAMESPACES[i % 2],
      annotations,
      creationTimestamp: new Date(Date.UTC(2024, 0, 1, 0, i)).toISOString(),
    },
    spec: {
      ingressClassName: 'haproxy',
      ...(tls && { tls: [{ hosts: ['a.example'], secretName: 'tls' }] }),
      ...(next() < 0.08 && { defaultBackend: backend() }),
      rules: next() < 0.03 ? [] : rules(),
    },
  });
  const shell = () => (next() < 0.8 ? {} : pick(SHELLS));
  return { next, pick, ingress, shell };
}

const service = (name: string, namespace: string): Obj => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace },
  spec: { ports: [{ port: 80 }] },
});
const slice = (name: string, namespace: string, addresses: string[]): Obj => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: `${name}-x`, namespace, labels: { 'kubernetes.io/service-name': name } },
  addressType: 'IPv4',
  ports: [{ port: 8080, protocol: 'TCP' }],
  endpoints: addresses.map((address) => ({ addresses: [address], conditions: { ready: true } })),
});

/** The state as JSON, problems in a stable order (their order is the steps', not a meaning). */
function canonical(state: DesiredState): string {
  const problems = state.problems
    .map((p) => JSON.stringify([refLabel(p.ref), p.field, p.reason, p.message, p.severity]))
    .sort();
  return JSON.stringify({ ...state, problems });
}

describe('route-only changes', () => {
  it('give what a full pass gives, on random clusters and edits', () => {
    let shortcuts = 0;
    let passes = 0;
    for (let seed = Number(process.env.FROM ?? 1); seed <= Number(process.env.SEEDS ?? 60); seed++) {
      const { next, pick, ingress, shell } = generator(seed);
      const count = 4 + Math.floor(next() * 10);
      const shells = Array.from({ length: count }, shell);
      const tls = Array.from({ length: count }, () => next() < 0.2);
      const store = new Store();
      const base: Obj[] = [];
      for (const namespace of NAMESPACES)
        for (const [i, name] of SERVICES.slice(0, 4).entries()) {
          base.push(service(name, namespace));
          if (i < 3) base.push(slice(name, namespace, [`127.0.${i}.${namespace.length}`]));
        }
      store.replaceOrigin('base', parseAll(base));
      for (let i = 0; i < count; i++)
        store.replaceOrigin(
          `ing-${i}`,
          parseAll([ingress(i, shells[i] as Record<string, string>, !!tls[i])]),
        );
      const memo = new ModelMemo();
      const follow = memo.followRoutes.bind(memo);
      memo.followRoutes = (...args) => {
        const taken = follow(...args);
        if (taken) shortcuts++;
        return taken;
      };
      for (let step = 0; step < 25; step++) {
        const snapshot = store.snapshot();
        const remembered = buildModel(snapshot, MODEL_OPTIONS, memo);
        const fresh = buildModel(snapshot, MODEL_OPTIONS);
        passes++;
        const [got, want] = [canonical(remembered), canonical(fresh)];
        // Parsed on a mismatch only: the assertion then shows where the states differ.
        if (got !== want) assert.deepEqual(JSON.parse(got), JSON.parse(want), `seed ${seed}, step ${step}`);
        const roll = next();
        const i = Math.floor(next() * count);
        if (roll < 0.7) {
          // New rules for one or two Ingresses, the rest of each kept.
          store.replaceOrigin(
            `ing-${i}`,
            parseAll([ingress(i, shells[i] as Record<string, string>, !!tls[i])]),
          );
          if (next() < 0.3) {
            const j = Math.floor(next() * count);
            store.replaceOrigin(
              `ing-${j}`,
              parseAll([ingress(j, shells[j] as Record<string, string>, !!tls[j])]),
            );
          }
        } else if (roll < 0.8) {
          // Another shell: annotations change, which a route-only change does not cover.
          shells[i] = shell();
          store.replaceOrigin(
            `ing-${i}`,
            parseAll([ingress(i, shells[i] as Record<string, string>, !!tls[i])]),
          );
        } else if (roll < 0.9) {
          // An endpoint change, alone.
          const namespace = pick(NAMESPACES);
          const name = pick(SERVICES.slice(0, 3));
          store.replaceOrigin(
            `slice-${namespace}-${name}`,
            parseAll([slice(name, namespace, [`127.1.${step}.9`])]),
          );
        } else {
          // A rule change and an endpoint change in one pass.
          store.replaceOrigin(
            `ing-${i}`,
            parseAll([ingress(i, shells[i] as Record<string, string>, !!tls[i])]),
          );
          store.replaceOrigin('slice-extra', parseAll([slice('svc-3', 'default', [`127.2.${step}.1`])]));
        }
      }
    }
    // The property holds either way; the shortcut must also be what most of these passes took.
    assert.ok(shortcuts > passes / 5, `route-only shortcut taken ${shortcuts} times in ${passes} passes`);
  });
});
