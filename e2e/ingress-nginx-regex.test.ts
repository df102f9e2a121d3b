/**
 * use-regex and rewrite-target through the real HAProxy: paths are PCRE,
 * case-insensitive and anchored at the start, every path of the host is read
 * so (whichever Ingress it comes from), the longest is tried first, and
 * rewrite-target replaces the whole path with the path's groups, keeping the
 * query string. Which pod answered and the path it received are checked.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestController } from './harness/controller.ts';
import type { HttpReply } from './harness/http.ts';
import { endpointSlice, ingress, service } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { eventually } from './harness/wait.ts';

const N = 'nginx.ingress.kubernetes.io/';

const received = (reply: HttpReply): string => {
  assert.equal(reply.status, 200, `expected a pod to answer, got ${reply.status}`);
  return (JSON.parse(reply.body) as { path: string }).path;
};

describe('ingress-nginx use-regex and rewrite-target', () => {
  let controller: TestController;
  let web: Pods;
  let other: Pods;

  const paths = (
    host: string,
    list: [path: string, svc: string][],
    pathType: 'Prefix' | 'ImplementationSpecific' = 'ImplementationSpecific',
  ) => ({
    host,
    paths: list.map(([path, svc]) => ({ path, service: svc, port: 80, pathType })),
  });

  before(async () => {
    web = await startPods('web', 1);
    other = await startPods('other', 1);
    controller = await TestController.create({
      'services.yaml': [
        service('web', [{ port: 80 }]),
        endpointSlice('web', { port: web.port }, [{ address: web.addresses[0] as string, name: 'web-1' }]),
        service('other', [{ port: 80 }]),
        endpointSlice('other', { port: other.port }, [
          { address: other.addresses[0] as string, name: 'other-1' },
        ]),
      ],
    });
    await controller.start();
    await controller.write('ingresses.yaml', [
      // The rewrite example of ingress-nginx's docs.
      ingress(
        'rewrite',
        { rules: [paths('rewrite.example', [['/something(/|$)(.*)', 'web']])] },
        { annotations: { [`${N}use-regex`]: 'true', [`${N}rewrite-target`]: '/$2' } },
      ),
      // The path-matching example of its docs: the longer pattern wins, even over a literal match.
      ingress(
        'literal',
        { rules: [paths('order.example', [['/foo/bar/bar', 'web']], 'Prefix')] },
        { annotations: { [`${N}use-regex`]: 'true' }, created: '2024-01-01T00:00:00Z' },
      ),
      ingress(
        'pattern',
        { rules: [paths('order.example', [['/foo/bar/[A-Z0-9]{3}', 'other']])] },
        { annotations: { [`${N}use-regex`]: 'true' }, created: '2024-01-02T00:00:00Z' },
      ),
      // An Ingress without annotations on the same host is read as a regular expression too.
      ingress('plain', { rules: [paths('order.example', [['/plain', 'web']], 'Prefix')] }),
      // Another host keeps element-wise prefixes.
      ingress('elsewhere', { rules: [paths('prefix.example', [['/plain', 'web']], 'Prefix')] }),
    ]);
    await eventually(
      async () => assert.equal((await controller.get('prefix.example', '/plain')).pod, 'web-1'),
      15_000,
      100,
    );
  });

  after(async () => {
    await controller?.cleanup();
    await web?.stop();
    await other?.stop();
  });

  it('rewrite-target /$2 replaces the whole path with the second group and keeps the query', async () => {
    assert.equal(received(await controller.get('rewrite.example', '/something')), '/');
    assert.equal(received(await controller.get('rewrite.example', '/something/')), '/');
    assert.equal(received(await controller.get('rewrite.example', '/something/new')), '/new');
    assert.equal(received(await controller.get('rewrite.example', '/something/a/b?q=1&r=2')), '/a/b?q=1&r=2');
  });

  it('patterns are case-insensitive and anchored at the start only', async () => {
    assert.equal(received(await controller.get('rewrite.example', '/SomeThing/New')), '/New');
    assert.equal((await controller.get('rewrite.example', '/somethingelse')).status, 404);
    assert.equal((await controller.get('rewrite.example', '/x/something/new')).status, 404);
  });

  it('the longest path is tried first and the first match wins', async () => {
    const reply = await controller.get('order.example', '/foo/bar/bar');
    assert.equal(reply.pod, 'other-1', 'the longer pattern /foo/bar/[A-Z0-9]{3} matches first');
    assert.equal(received(reply), '/foo/bar/bar', 'no rewrite: the pod gets the path as sent');
    assert.equal((await controller.get('order.example', '/foo/bar/b-r')).status, 404, 'neither matches');
    assert.equal((await controller.get('order.example', '/foo/bar/barbaz')).pod, 'other-1');
  });

  it('every path of the host is a pattern, even from an Ingress without annotations; other hosts are not', async () => {
    assert.equal((await controller.get('order.example', '/PLAIN')).pod, 'web-1');
    assert.equal((await controller.get('order.example', '/plainer')).pod, 'web-1');
    assert.equal((await controller.get('prefix.example', '/plainer')).status, 404);
    assert.equal((await controller.get('prefix.example', '/plain/x')).pod, 'web-1');
  });
});
