/**
 * Ingress v1 host matching, through the real HAProxy: case, ports, wildcards
 * (exactly one label), exact-over-wildcard, the host-less catch-all rule, no
 * fall-through to other hosts, merging and conflicts between Ingresses.
 */
import { after, before, describe, it } from 'node:test';
import { TestController } from './harness/controller.ts';
import { ingress } from './harness/objects.ts';
import { Backends, expectRoute, expectStable, SERVICE_PORT } from './harness/routing.ts';

const SERVICES = [
  'exact-host',
  'wildcard',
  'any-host',
  'api',
  'pathy',
  'merge-a',
  'merge-b',
  'older',
  'newer',
  'exact-older',
  'exact-newer',
] as const;

const route = (service: string, path = '/', pathType: 'Prefix' | 'Exact' = 'Prefix') => ({
  path,
  pathType,
  service,
  port: SERVICE_PORT,
});

describe('Ingress v1 host matching', () => {
  let controller: TestController;
  let backends: Backends;

  before(async () => {
    backends = await Backends.start(SERVICES);
    controller = await TestController.create({
      'services.yaml': backends.manifests(),
      'hosts.yaml': [
        ingress('exact-host', { rules: [{ host: 'foo.example.com', paths: [route('exact-host')] }] }),
        ingress('wildcard', { rules: [{ host: '*.example.com', paths: [route('wildcard')] }] }),
        ingress('any-host', { rules: [{ paths: [route('any-host')] }] }),
        ingress('api', { rules: [{ host: 'api.example.com', paths: [route('api', '/api')] }] }),
        ingress('pathy', { rules: [{ host: '*.pathy.example', paths: [route('pathy', '/only')] }] }),
      ],
      // Two Ingresses, two files, one host: their paths are merged.
      'merge-a.yaml': [
        ingress('merge-a', { rules: [{ host: 'merge.example.com', paths: [route('merge-a', '/a')] }] }),
      ],
      'merge-b.yaml': [
        ingress('merge-b', { rules: [{ host: 'merge.example.com', paths: [route('merge-b', '/b')] }] }),
      ],
      // The newer Ingress sorts first by name and by file name: only its age can make the older one win.
      'a-conflict-newer.yaml': [
        ingress(
          'aa-newer',
          {
            rules: [
              {
                host: 'conflict.example.com',
                paths: [route('newer'), route('exact-newer', '/x', 'Exact')],
              },
            ],
          },
          { created: '2024-06-01T00:00:00Z' },
        ),
      ],
      'z-conflict-older.yaml': [
        ingress(
          'zz-older',
          {
            rules: [
              {
                host: 'conflict.example.com',
                paths: [route('older'), route('exact-older', '/x', 'Exact')],
              },
            ],
          },
          { created: '2020-01-01T00:00:00Z' },
        ),
      ],
    });
    await controller.start();
    await expectRoute(controller, 'foo.example.com', '/', 'exact-host', 15_000);
  });

  after(async () => {
    await controller?.cleanup();
    await backends?.stop();
  });

  it('matches the Host header case-insensitively', async () => {
    await expectRoute(controller, 'foo.example.com', '/', 'exact-host');
    await expectRoute(controller, 'FOO.Example.COM', '/', 'exact-host');
    await expectRoute(controller, 'Merge.EXAMPLE.com', '/a', 'merge-a');
    await expectRoute(controller, 'B.Example.Com', '/', 'wildcard');
  });

  it('ignores a :port suffix in the Host header', async () => {
    await expectRoute(controller, 'foo.example.com:8080', '/', 'exact-host');
    await expectRoute(controller, 'FOO.example.com:443', '/x', 'exact-host');
    await expectRoute(controller, 'b.example.com:80', '/', 'wildcard');
    await expectRoute(controller, 'merge.example.com:1234', '/b', 'merge-b');
  });

  it('*.example.com matches exactly one extra label', async () => {
    await expectRoute(controller, 'a.example.com', '/', 'wildcard');
    await expectRoute(controller, 'a.example.com', '/deep/path', 'wildcard');
    // Not the wildcard: these fall to the host-less rule.
    await expectStable(controller, 'example.com', '/', 'any-host');
    await expectStable(controller, 'a.b.example.com', '/', 'any-host');
    await expectStable(controller, 'aexample.com', '/', 'any-host');
    await expectStable(controller, 'a.example.com.evil', '/', 'any-host');
  });

  it('prefers an exact host over a wildcard that also covers it', async () => {
    await expectStable(controller, 'foo.example.com', '/', 'exact-host');
    await expectStable(controller, 'foo.example.com', '/anything', 'exact-host');
  });

  it('a rule without host catches every other host', async () => {
    await expectRoute(controller, 'unknown.test', '/', 'any-host');
    await expectRoute(controller, 'localhost', '/some/path', 'any-host');
    await expectRoute(controller, '127.0.0.1:8080', '/', 'any-host');
  });

  it('a known host whose paths do not match gets 404, never another host’s backend', async () => {
    await expectRoute(controller, 'api.example.com', '/api/v1', 'api');
    // api.example.com is also covered by *.example.com and by the host-less rule: neither may answer.
    await expectStable(controller, 'api.example.com', '/', 404);
    await expectStable(controller, 'api.example.com', '/other', 404);
    await expectStable(controller, 'API.example.com:80', '/apix', 404);
    // Same for a wildcard host whose paths do not match.
    await expectRoute(controller, 'x.pathy.example', '/only', 'pathy');
    await expectStable(controller, 'x.pathy.example', '/', 404);
    await expectStable(controller, 'x.pathy.example', '/other', 404);
  });

  it('merges the paths of two Ingresses sharing a host', async () => {
    await expectRoute(controller, 'merge.example.com', '/a', 'merge-a');
    await expectRoute(controller, 'merge.example.com', '/a/deeper', 'merge-a');
    await expectRoute(controller, 'merge.example.com', '/b', 'merge-b');
    await expectStable(controller, 'merge.example.com', '/c', 404);
    await expectStable(controller, 'merge.example.com', '/', 404);
  });

  it('the older Ingress (creationTimestamp) wins an identical host and path', async () => {
    await expectRoute(controller, 'conflict.example.com', '/', 'older');
    await expectStable(controller, 'conflict.example.com', '/', 'older');
    await expectStable(controller, 'conflict.example.com', '/y', 'older');
    await expectStable(controller, 'conflict.example.com', '/x', 'exact-older');
  });

  it('the newer Ingress takes over once the older one is deleted', async () => {
    await controller.remove('z-conflict-older.yaml');
    await expectRoute(controller, 'conflict.example.com', '/', 'newer', 5_000);
    await expectRoute(controller, 'conflict.example.com', '/x', 'exact-newer');
  });

  it('an Ingress written later but created earlier takes the route over live', async () => {
    await controller.write('zz-conflict-oldest.yaml', [
      ingress(
        'zzz-oldest',
        { rules: [{ host: 'conflict.example.com', paths: [route('older')] }] },
        { created: '2019-01-01T00:00:00Z' },
      ),
    ]);
    await expectRoute(controller, 'conflict.example.com', '/', 'older', 5_000);
    await expectStable(controller, 'conflict.example.com', '/x', 'exact-newer');
  });
});
