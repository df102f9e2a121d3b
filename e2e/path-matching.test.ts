/**
 * Ingress v1 path matching, through the real HAProxy: every row of the
 * Kubernetes documentation's path-matching table, plus query strings, case
 * sensitivity, ImplementationSpecific and longest match across Ingresses.
 *
 * Each row has its own host, so rows cannot interfere, and each path points at
 * its own Service, so the pod that answers proves which rule matched.
 */
import { after, before, describe, it } from 'node:test';
import { TestController } from './harness/controller.ts';
import { ingress, type PathSpec } from './harness/objects.ts';
import { Backends, type Expected, expectRoute, expectStable, SERVICE_PORT } from './harness/routing.ts';

/** One Service per (pathType, path) used below; the name says which rule it stands for. */
const SERVICES = [
  'prefix-root',
  'exact-foo',
  'exact-foo-s',
  'prefix-foo',
  'prefix-foo-s',
  'prefix-aaa',
  'prefix-aaa-bb',
  'prefix-aaa-bbb',
  'prefix-aaa-bbb-s',
  'impl-foo',
  'exact-root',
] as const;
type Svc = (typeof SERVICES)[number];

const p = (pathType: PathSpec['pathType'], path: string, service: Svc): PathSpec => ({
  path,
  pathType,
  service,
  port: SERVICE_PORT,
});

interface Row {
  name: string;
  paths: PathSpec[];
  /** Request path → Service that must answer, or the status (404: the default backend). */
  requests: [string, Expected][];
}

const ROWS: Row[] = [
  {
    name: 'Prefix / matches all paths',
    paths: [p('Prefix', '/', 'prefix-root')],
    requests: [
      ['/', 'prefix-root'],
      ['/foo', 'prefix-root'],
      ['/aaa/bbb/ccc', 'prefix-root'],
    ],
  },
  {
    name: 'Exact /foo: /foo yes, /bar no, /foo/ no',
    paths: [p('Exact', '/foo', 'exact-foo')],
    requests: [
      ['/foo', 'exact-foo'],
      ['/bar', 404],
      ['/foo/', 404],
      ['/foo/bar', 404],
    ],
  },
  {
    name: 'Exact /foo/: /foo no',
    paths: [p('Exact', '/foo/', 'exact-foo-s')],
    requests: [
      ['/foo/', 'exact-foo-s'],
      ['/foo', 404],
    ],
  },
  {
    name: 'Prefix /foo: /foo and /foo/ yes',
    paths: [p('Prefix', '/foo', 'prefix-foo')],
    requests: [
      ['/foo', 'prefix-foo'],
      ['/foo/', 'prefix-foo'],
      ['/foo/bar', 'prefix-foo'],
      ['/foobar', 404],
    ],
  },
  {
    name: 'Prefix /foo/: /foo and /foo/ yes',
    paths: [p('Prefix', '/foo/', 'prefix-foo-s')],
    requests: [
      ['/foo', 'prefix-foo-s'],
      ['/foo/', 'prefix-foo-s'],
      ['/foo/bar', 'prefix-foo-s'],
      ['/foobar', 404],
    ],
  },
  {
    name: 'Prefix /aaa/bb: /aaa/bbb no',
    paths: [p('Prefix', '/aaa/bb', 'prefix-aaa-bb')],
    requests: [
      ['/aaa/bb', 'prefix-aaa-bb'],
      ['/aaa/bb/c', 'prefix-aaa-bb'],
      ['/aaa/bbb', 404],
    ],
  },
  {
    name: 'Prefix /aaa/bbb: /aaa/bbb, /aaa/bbb/, /aaa/bbb/ccc yes; /aaa/bbbxyz no',
    paths: [p('Prefix', '/aaa/bbb', 'prefix-aaa-bbb')],
    requests: [
      ['/aaa/bbb', 'prefix-aaa-bbb'],
      ['/aaa/bbb/', 'prefix-aaa-bbb'],
      ['/aaa/bbb/ccc', 'prefix-aaa-bbb'],
      ['/aaa/bbbxyz', 404],
    ],
  },
  {
    name: 'Prefix /aaa/bbb/: /aaa/bbb yes',
    paths: [p('Prefix', '/aaa/bbb/', 'prefix-aaa-bbb-s')],
    requests: [
      ['/aaa/bbb', 'prefix-aaa-bbb-s'],
      ['/aaa/bbb/', 'prefix-aaa-bbb-s'],
    ],
  },
  {
    name: 'Prefix /, /aaa: /aaa/ccc goes to /aaa',
    paths: [p('Prefix', '/', 'prefix-root'), p('Prefix', '/aaa', 'prefix-aaa')],
    requests: [
      ['/aaa/ccc', 'prefix-aaa'],
      ['/ccc', 'prefix-root'],
    ],
  },
  {
    name: 'Prefix /, /aaa, /aaa/bbb: /aaa/bbb goes to /aaa/bbb, /ccc to /',
    paths: [
      p('Prefix', '/', 'prefix-root'),
      p('Prefix', '/aaa', 'prefix-aaa'),
      p('Prefix', '/aaa/bbb', 'prefix-aaa-bbb'),
    ],
    requests: [
      ['/aaa/bbb', 'prefix-aaa-bbb'],
      ['/aaa/bbb/x', 'prefix-aaa-bbb'],
      ['/aaa/bb', 'prefix-aaa'],
      ['/aaa', 'prefix-aaa'],
      ['/ccc', 'prefix-root'],
    ],
  },
  {
    name: 'Prefix /aaa: /ccc goes to the default backend',
    paths: [p('Prefix', '/aaa', 'prefix-aaa')],
    requests: [
      ['/aaa', 'prefix-aaa'],
      ['/ccc', 404],
    ],
  },
  {
    name: 'Exact and Prefix /foo: Exact wins for /foo',
    // Prefix listed first, so that winning by declaration order would be caught.
    paths: [p('Prefix', '/foo', 'prefix-foo'), p('Exact', '/foo', 'exact-foo')],
    requests: [
      ['/foo', 'exact-foo'],
      ['/foo/', 'prefix-foo'],
      ['/foo/x', 'prefix-foo'],
    ],
  },
  {
    name: 'Exact / matches only /',
    paths: [p('Exact', '/', 'exact-root'), p('Prefix', '/aaa', 'prefix-aaa')],
    requests: [
      ['/', 'exact-root'],
      ['/aaa/x', 'prefix-aaa'],
      ['/x', 404],
      ['/?q=1', 'exact-root'],
    ],
  },
  {
    name: 'Exact /foo ignores the query string',
    paths: [p('Exact', '/foo', 'exact-foo'), p('Prefix', '/', 'prefix-root')],
    requests: [
      ['/foo?x=1', 'exact-foo'],
      ['/foo?x=/bar&y', 'exact-foo'],
      ['/foo/?x=1', 'prefix-root'],
    ],
  },
  {
    name: 'Prefix ignores the query string',
    paths: [p('Prefix', '/aaa/bbb', 'prefix-aaa-bbb')],
    requests: [
      ['/aaa/bbb?x=1', 'prefix-aaa-bbb'],
      ['/aaa?x=/bbb', 404],
    ],
  },
  {
    name: 'paths are case-sensitive',
    paths: [p('Exact', '/foo', 'exact-foo'), p('Prefix', '/aaa/bbb', 'prefix-aaa-bbb')],
    requests: [
      ['/foo', 'exact-foo'],
      ['/aaa/bbb', 'prefix-aaa-bbb'],
      ['/FOO', 404],
      ['/Foo', 404],
      ['/AAA/bbb', 404],
      ['/aaa/BBB/ccc', 404],
    ],
  },
  {
    name: 'ImplementationSpecific behaves as Prefix',
    paths: [p('ImplementationSpecific', '/foo', 'impl-foo')],
    requests: [
      ['/foo', 'impl-foo'],
      ['/foo/', 'impl-foo'],
      ['/foo/bar', 'impl-foo'],
      ['/foobar', 404],
      ['/', 404],
    ],
  },
  {
    name: 'ImplementationSpecific vs Exact on the same path: Exact wins, and longest still wins',
    paths: [
      p('ImplementationSpecific', '/foo', 'impl-foo'),
      p('Exact', '/foo', 'exact-foo'),
      p('ImplementationSpecific', '/foo/bar', 'prefix-foo-s'),
    ],
    requests: [
      ['/foo', 'exact-foo'],
      ['/foo/', 'impl-foo'],
      ['/foo/x', 'impl-foo'],
      ['/foo/bar/x', 'prefix-foo-s'],
      ['/foo/barx', 'impl-foo'],
    ],
  },
];

const hostOf = (index: number) => `row${index + 1}.paths.example`;

describe('Ingress v1 path matching', () => {
  let controller: TestController;
  let backends: Backends;
  const SHARED = 'shared.paths.example';

  before(async () => {
    backends = await Backends.start(SERVICES);
    controller = await TestController.create({
      'services.yaml': backends.manifests(),
      'rows.yaml': ROWS.map((row, i) =>
        ingress(`row-${i + 1}`, { rules: [{ host: hostOf(i), paths: row.paths }] }),
      ),
      // One host shared by three Ingresses, each contributing one path.
      'shared.yaml': [
        ingress('shared-root', { rules: [{ host: SHARED, paths: [p('Prefix', '/', 'prefix-root')] }] }),
        ingress('shared-aaa', { rules: [{ host: SHARED, paths: [p('Prefix', '/aaa', 'prefix-aaa')] }] }),
        ingress('shared-aaa-bbb', {
          rules: [{ host: SHARED, paths: [p('Prefix', '/aaa/bbb', 'prefix-aaa-bbb')] }],
        }),
        ingress('shared-exact', {
          rules: [{ host: SHARED, paths: [p('Exact', '/aaa/bbb/ccc', 'exact-foo')] }],
        }),
      ],
    });
    await controller.start();
    // All manifests are in place before start, so the configuration is live once any route
    // answers; the simplest one is used so that a broken rule fails its own test only.
    await expectRoute(controller, hostOf(0), '/', 'prefix-root', 15_000);
  });

  after(async () => {
    await controller?.cleanup();
    await backends?.stop();
  });

  ROWS.forEach((row, i) => {
    it(row.name, async () => {
      // Positive cases first (they may retry), so that the negative ones run against a live config.
      const positives = row.requests.filter(([, e]) => typeof e === 'string');
      const negatives = row.requests.filter(([, e]) => typeof e !== 'string');
      for (const [path, expected] of positives) await expectRoute(controller, hostOf(i), path, expected);
      for (const [path, expected] of negatives) await expectStable(controller, hostOf(i), path, expected);
    });
  });

  it('longest match wins across several Ingresses sharing a host', async () => {
    await expectRoute(controller, SHARED, '/aaa/bbb/ccc', 'exact-foo');
    await expectRoute(controller, SHARED, '/aaa/bbb/ccc/d', 'prefix-aaa-bbb');
    await expectRoute(controller, SHARED, '/aaa/bbb', 'prefix-aaa-bbb');
    await expectRoute(controller, SHARED, '/aaa/bbbx', 'prefix-aaa');
    await expectRoute(controller, SHARED, '/aaa', 'prefix-aaa');
    await expectRoute(controller, SHARED, '/aaax', 'prefix-root');
    await expectRoute(controller, SHARED, '/', 'prefix-root');
  });

  it('a path added later to a shared host takes over its longer matches live', async () => {
    await controller.write('shared-late.yaml', [
      ingress('shared-late', { rules: [{ host: SHARED, paths: [p('Exact', '/aaa/bbbx', 'exact-foo-s')] }] }),
    ]);
    await expectRoute(controller, SHARED, '/aaa/bbbx', 'exact-foo-s', 5_000);
    await expectStable(controller, SHARED, '/aaa/bbbx/', 'prefix-aaa');
    await expectStable(controller, SHARED, '/aaa/bbb', 'prefix-aaa-bbb');
  });
});
