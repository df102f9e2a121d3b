import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Problem, refLabel } from './problems.ts';
import { type Parsed, type ParseResult, parseObject, Store } from './store.ts';

type Obj = Record<string, unknown>;

/** A self-signed EC certificate and its key (CN=test.example), static so the test needs no openssl. */
const CERT = `-----BEGIN CERTIFICATE-----
MIIBhTCCASugAwIBAgIUfErQ/cdjHErEuxgaWmeTeZq0cVswCgYIKoZIzj0EAwIw
FzEVMBMGA1UEAwwMdGVzdC5leGFtcGxlMCAXDTI2MTEyMTIzNDQwOVoYDzIxMjYx
MDI4MjM0NDA5WjAXMRUwEwYDVQQDDAx0ZXN0LmV4YW1wbGUwWTATBgcqhkjOPQIB
BggqhkjOPQMBBwNCAASo4Ejne9CdmVRlyRU3lAtU5llWE51mbkKGzu2U3ImcA4rM
jL6g8oXKcy2fhQU51FMMRThRv18sKGgr3OeZTFvoo1MwUTAdBgNVHQ4EFgQUSR/V
KyoWY2zFdCjqocV7MVM1IJUwHwYDVR0jBBgwFoAUSR/VKyoWY2zFdCjqocV7MVM1
IJUwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiASCjBw575K70MM
RLJNgGgEEwlBd+Pi1NXTa6oH4LS0OwIhAPFXifde9ALnSsEH7dEK019X+OD5Ad5Y
gzWz7ZfmQE/g
-----END CERTIFICATE-----
`;
const KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgTPb0/uSnezuPPtKS
7ULZo3v2cs9HAO/ESyICpmEWlHOhRANCAASo4Ejne9CdmVRlyRU3lAtU5llWE51m
bkKGzu2U3ImcA4rMjL6g8oXKcy2fhQU51FMMRThRv18sKGgr3OeZTFvo
-----END PRIVATE KEY-----
`;
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

const ingress = (name: string, spec: Obj = {}, namespace = 'default'): Obj => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name, namespace },
  spec,
});
const service = (name: string, port = 80, namespace = 'default'): Obj => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace },
  spec: { ports: [{ port }] },
});
const slice = (name: string, labels: Record<string, string>, namespace = 'default'): Obj => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name, namespace, labels },
  addressType: 'IPv4',
  ports: [{ port: 8080 }],
  endpoints: [{ addresses: ['10.0.0.1'] }],
});

function ok(result: ParseResult): Parsed {
  if (!result.ok) assert.fail(`expected a valid object, got ${JSON.stringify(result)}`);
  return result.value;
}

function rejected(result: ParseResult): { object: string; message: string } {
  if (result.ok || result.ignored) assert.fail(`expected a rejected object, got ${JSON.stringify(result)}`);
  return { object: refLabel(result.ref), message: result.message };
}

describe('parseObject', () => {
  it('accepts every kind the model consumes', () => {
    const objects: Obj[] = [
      ingress('web', {
        rules: [
          {
            host: 'a.example',
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: { service: { name: 'web', port: { number: 80 } } },
                },
              ],
            },
          },
        ],
      }),
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'IngressClass',
        metadata: { name: 'haproxy' },
        spec: { controller: 'haproxy.org/ingress-controller' },
      },
      service('web'),
      slice('web-abc', { 'kubernetes.io/service-name': 'web' }),
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: b64('x') } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { maxconn: '10' } },
    ];
    assert.deepEqual(
      objects.map((o) => ok(parseObject(o)).kind),
      ['Ingress', 'IngressClass', 'Service', 'EndpointSlice', 'Secret', 'ConfigMap'],
    );
    const parsedIngress = ok(parseObject(objects[0]));
    assert.equal(parsedIngress.object.metadata.namespace, 'default');
  });

  it('ignores kinds the model does not consume', () => {
    assert.deepEqual(parseObject({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' } }), {
      ok: false,
      ignored: true,
      kind: 'Deployment',
    });
    assert.equal((parseObject({ metadata: { name: 'x' } }) as { ignored: boolean }).ignored, true);
  });

  it('rejects a non-object document', () => {
    assert.deepEqual(rejected(parseObject('just text')).object, 'document');
    assert.deepEqual(rejected(parseObject([1, 2])).object, 'document');
  });

  it('rejects an invalid object, naming it and the field', () => {
    const bad = rejected(
      parseObject(
        ingress('web', {
          rules: [
            {
              http: {
                paths: [
                  {
                    path: 'no-slash',
                    pathType: 'Prefix',
                    backend: { service: { name: 'web', port: { number: 80 } } },
                  },
                ],
              },
            },
          ],
        }),
      ),
    );
    assert.equal(bad.object, 'Ingress default/web');
    assert.match(bad.message, /rules\.0\.http\.paths\.0\.path/);
  });

  it('names the namespace of a rejected object, and none for cluster-scoped kinds', () => {
    assert.equal(rejected(parseObject(service('web', 0, 'prod'))).object, 'Service prod/web');
    assert.equal(
      rejected(
        parseObject({
          apiVersion: 'networking.k8s.io/v1',
          kind: 'IngressClass',
          metadata: { name: 'Bad_Name' },
        }),
      ).object,
      'IngressClass Bad_Name',
    );
    const noName = rejected(parseObject({ apiVersion: 'v1', kind: 'Service', metadata: {} }));
    assert.equal(noName.object, 'Service default/<unnamed>');
    assert.match(noName.message, /metadata\.name/);
  });

  it('rejects hosts that are not DNS names and lowercases valid ones', () => {
    const backend = { service: { name: 'web', port: { number: 80 } } };
    const bad = rejected(
      parseObject(
        ingress('web', { rules: [{ host: 'a b.example', http: { paths: [{ path: '/', backend }] } }] }),
      ),
    );
    assert.match(bad.message, /host/);
    const good = ok(
      parseObject(
        ingress('web', { rules: [{ host: 'A.Example', http: { paths: [{ path: '/', backend }] } }] }),
      ),
    );
    assert.equal(good.kind === 'Ingress' && good.object.spec.rules[0]?.host, 'a.example');
  });

  it('converts a v1beta1 Ingress to v1', () => {
    for (const apiVersion of ['extensions/v1beta1', 'networking.k8s.io/v1beta1']) {
      const parsed = ok(
        parseObject({
          apiVersion,
          kind: 'Ingress',
          metadata: { name: 'legacy' },
          spec: {
            backend: { serviceName: 'fallback', servicePort: 8080 },
            rules: [
              {
                host: 'a.example',
                http: {
                  paths: [
                    { path: '/api', backend: { serviceName: 'api', servicePort: 'http' } },
                    { path: '/num', backend: { serviceName: 'num', servicePort: '9000' } },
                  ],
                },
              },
            ],
          },
        }),
      );
      assert.equal(parsed.kind, 'Ingress', apiVersion);
      if (parsed.kind !== 'Ingress') return;
      const { spec, apiVersion: converted } = parsed.object;
      assert.equal(converted, 'networking.k8s.io/v1');
      assert.deepEqual(spec.defaultBackend, { service: { name: 'fallback', port: { number: 8080 } } });
      assert.deepEqual(spec.rules[0]?.http?.paths, [
        {
          path: '/api',
          pathType: 'ImplementationSpecific',
          backend: { service: { name: 'api', port: { name: 'http' } } },
        },
        {
          path: '/num',
          pathType: 'ImplementationSpecific',
          backend: { service: { name: 'num', port: { number: 9000 } } },
        },
      ]);
      assert.ok(!('backend' in spec), 'spec.backend is gone');
    }
  });

  it('accepts a TLS Secret with a valid certificate and key', () => {
    const parsed = ok(
      parseObject({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'tls', namespace: 'web' },
        type: 'kubernetes.io/tls',
        data: { 'tls.crt': b64(CERT), 'tls.key': b64(KEY) },
      }),
    );
    assert.equal(parsed.kind === 'Secret' && parsed.object.values['tls.crt'], CERT);
  });

  it('rejects a TLS Secret with invalid PEM or a missing key', () => {
    const bad = rejected(
      parseObject({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'tls', namespace: 'web' },
        type: 'kubernetes.io/tls',
        data: {
          'tls.crt': b64('-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n'),
          'tls.key': b64(KEY),
        },
      }),
    );
    assert.equal(bad.object, 'Secret web/tls');
    assert.match(bad.message, /tls\.crt/);
    assert.match(bad.message, /not valid PEM/);
    assert.doesNotMatch(bad.message, /tls\.key/);

    const missing = rejected(
      parseObject({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'tls' },
        type: 'kubernetes.io/tls',
        stringData: { 'tls.crt': CERT },
      }),
    );
    assert.match(missing.message, /tls\.key: missing/);
  });

  it('decodes Secret data from base64 and lets stringData override it', () => {
    const parsed = ok(
      parseObject({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 's' },
        data: { a: b64('from data'), b: b64('only data') },
        stringData: { a: 'from stringData', c: 'only stringData' },
      }),
    );
    assert.equal(parsed.kind, 'Secret');
    if (parsed.kind !== 'Secret') return;
    assert.deepEqual(parsed.object.values, { a: 'from stringData', b: 'only data', c: 'only stringData' });
    assert.ok(!('data' in parsed.object) && !('stringData' in parsed.object));
  });

  it('accepts a TLS Secret given as stringData', () => {
    const parsed = ok(
      parseObject({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'tls' },
        type: 'kubernetes.io/tls',
        stringData: { 'tls.crt': CERT, 'tls.key': KEY },
      }),
    );
    assert.equal(parsed.kind === 'Secret' && parsed.object.values['tls.key'], KEY);
  });
});

describe('Store', () => {
  const parse = (o: Obj) => ok(parseObject(o));

  it('groups EndpointSlices by namespace and kubernetes.io/service-name', () => {
    const store = new Store();
    store.replaceOrigin('test', [
      parse(slice('web-1', { 'kubernetes.io/service-name': 'web' })),
      parse(slice('web-2', { 'kubernetes.io/service-name': 'web' })),
      parse(slice('api-1', { 'kubernetes.io/service-name': 'api' })),
      parse(slice('web-3', { 'kubernetes.io/service-name': 'web' }, 'prod')),
      parse(slice('orphan', {})),
    ]);
    const { endpointSlices } = store.snapshot();
    const names = (key: string) => (endpointSlices.get(key) ?? []).map((s) => s.metadata.name).sort();
    assert.deepEqual([...endpointSlices.keys()].sort(), ['default/api', 'default/web', 'prod/web']);
    assert.deepEqual(names('default/web'), ['web-1', 'web-2']);
    assert.deepEqual(names('default/api'), ['api-1']);
    assert.deepEqual(names('prod/web'), ['web-3']);
  });

  it('keys Services, Secrets and ConfigMaps by namespace/name', () => {
    const store = new Store();
    store.replaceOrigin('test', [parse(service('web', 80, 'prod')), parse(service('web', 81))]);
    const { services } = store.snapshot();
    assert.equal(services.get('prod/web')?.spec.ports[0]?.port, 80);
    assert.equal(services.get('default/web')?.spec.ports[0]?.port, 81);
  });

  it('the same object from two origins: the first origin in sorted order wins, with a warning', () => {
    const store = new Store();
    store.replaceOrigin('b.yaml', [parse(service('web', 8080))]);
    store.replaceOrigin('a.yaml', [parse(service('web', 9090))]);
    const snapshot = store.snapshot();
    assert.equal(snapshot.services.get('default/web')?.spec.ports[0]?.port, 9090);
    assert.equal(snapshot.problems.length, 1);
    const [problem] = snapshot.problems;
    assert.equal(problem && refLabel(problem.ref), 'Service default/web');
    assert.equal(problem?.reason, 'Conflict');
    assert.equal(problem?.severity, 'warning');
    assert.match(problem?.message ?? '', /a\.yaml/);
    assert.match(problem?.message ?? '', /b\.yaml/);
  });

  it('replacing an origin drops what it no longer contains, and origin problems with it', () => {
    const store = new Store();
    const problem: Problem = {
      ref: { file: 'x.yaml' },
      reason: 'InvalidObject',
      message: 'bad',
      severity: 'error',
    };
    store.replaceOrigin('x.yaml', [parse(service('web')), parse(ingress('i'))], [problem]);
    assert.equal(store.snapshot().ingresses.length, 1);
    assert.deepEqual(store.snapshot().problems, [problem]);
    const generation = store.generation;
    store.replaceOrigin('x.yaml', [parse(service('web'))]);
    assert.equal(store.snapshot().ingresses.length, 0);
    assert.equal(store.snapshot().services.size, 1);
    assert.deepEqual(store.snapshot().problems, []);
    assert.ok(store.generation > generation);
  });

  it('upsert and remove change the snapshot', () => {
    const store = new Store();
    store.upsert('cluster', parse(service('web')));
    assert.ok(store.snapshot().services.has('default/web'));
    store.remove('cluster', { kind: 'Service', namespace: 'default', name: 'web' });
    assert.ok(!store.snapshot().services.has('default/web'));
  });
});

describe('Store: EndpointSlices regrouped per changed Service', () => {
  /** A small deterministic generator, so that a failure replays. */
  function random(seed: number): () => number {
    let state = seed;
    return () => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state / 2 ** 31;
    };
  }
  const grouping = (store: Store) =>
    [...store.snapshot().endpointSlices]
      .map(
        ([service, slices]) =>
          `${service}: ${slices.map((s) => `${s.metadata.name}@${s.endpoints[0]?.addresses[0]}`).join(',')}`,
      )
      .sort();
  const duplicates = (store: Store) =>
    store
      .snapshot()
      .problems.map((p) => `${refLabel(p.ref)} ${p.message}`)
      .sort();

  it('gives, after every change, what a store loaded with the same objects at once gives', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const next = random(seed);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
      const origins = ['a.yaml', 'b.yaml', 'c.yaml'];
      const store = new Store();
      const held = new Map<string, Map<string, Parsed>>(origins.map((o) => [o, new Map()]));
      const sliceOf = (name: string) => {
        const object = slice(name, { 'kubernetes.io/service-name': pick(['web', 'api', 'db']) });
        (object.endpoints as { addresses: string[] }[])[0] = {
          addresses: [`10.0.0.${Math.floor(next() * 5)}`],
        };
        return ok(parseObject(object));
      };
      for (let step = 0; step < 60; step++) {
        const origin = pick(origins);
        const objects = held.get(origin) as Map<string, Parsed>;
        const name = pick(['s1', 's2', 's3', 's4', 's5']);
        const action = next();
        if (action < 0.4) {
          const parsed = sliceOf(name);
          objects.set(name, parsed);
          store.upsert(origin, parsed);
        } else if (action < 0.6) {
          objects.delete(name);
          store.remove(origin, { kind: 'EndpointSlice', namespace: 'default', name });
        } else {
          // A file rewritten: some slices kept as they were, some changed, some gone.
          for (const key of [...objects.keys()]) if (next() < 0.3) objects.delete(key);
          if (next() < 0.7) objects.set(name, sliceOf(name));
          store.replaceOrigin(origin, [...objects.values()]);
        }
        const fresh = new Store();
        for (const [o, items] of held) if (items.size > 0) fresh.replaceOrigin(o, [...items.values()]);
        assert.deepEqual(grouping(store), grouping(fresh), `seed ${seed}, step ${step}`);
        assert.deepEqual(duplicates(store), duplicates(fresh), `seed ${seed}, step ${step}`);
      }
    }
  });

  it('keeps the list of a Service whose slices did not change, and replaces the changed one', () => {
    const store = new Store();
    const web = ok(parseObject(slice('web-1', { 'kubernetes.io/service-name': 'web' })));
    const api = ok(parseObject(slice('api-1', { 'kubernetes.io/service-name': 'api' })));
    store.replaceOrigin('a.yaml', [web, api]);
    const before = store.snapshot().endpointSlices;
    const moved = slice('api-1', { 'kubernetes.io/service-name': 'api' });
    (moved.endpoints as { addresses: string[] }[])[0] = { addresses: ['10.0.0.9'] };
    store.replaceOrigin('a.yaml', [web, ok(parseObject(moved))]);
    const after = store.snapshot().endpointSlices;
    assert.equal(after.get('default/web'), before.get('default/web'));
    assert.notEqual(after.get('default/api'), before.get('default/api'));
    assert.equal(after.get('default/api')?.[0]?.endpoints[0]?.addresses[0], '10.0.0.9');
  });
});
