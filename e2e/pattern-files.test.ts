/**
 * --configmap-patternfiles through the real HAProxy: allow-list and deny-list
 * read `patterns/NAME` from the ConfigMap; an edit, a key added later and
 * deleting the ConfigMap change who is let in over the Runtime API without a
 * reload (a missing file is empty: an allow-list then lets nobody in); a bad
 * line is reported with its key. The old names whitelist and blacklist still
 * work, and where both names are set the new one wins.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestController } from './harness/controller.ts';
import { type HttpReply, httpGet } from './harness/http.ts';
import { configMap, hostRoute, onePodService } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { eventually } from './harness/wait.ts';

describe('--configmap-patternfiles', () => {
  let controller: TestController;
  let pods: Pods;
  const patterns = (data: Record<string, string>) => configMap(data, 'patterns', 'ingress');
  const from = (source: string, host: string): Promise<HttpReply> =>
    httpGet(controller.ports.http, '/', { host }, 5_000, { localAddress: source });
  const status = async (source: string, host: string) => (await from(source, host)).status;

  before(async () => {
    pods = await startPods('web', 1);
    controller = await TestController.create({
      'web.yaml': onePodService('web', pods),
      'ingresses.yaml': [
        hostRoute('office', { 'haproxy.org/allow-list': 'patterns/office' }),
        hostRoute('blocked', { 'haproxy.org/blacklist': 'patterns/blocked' }),
        hostRoute('later', { 'haproxy.org/allow-list': 'patterns/later' }),
        hostRoute('both', { 'haproxy.org/whitelist': '127.0.0.9', 'haproxy.org/allow-list': '127.0.0.8' }),
      ],
      'patterns.yaml': [
        patterns({ office: '127.0.0.5\n# the branch office\n127.0.1.0/24\n', blocked: '127.0.0.6' }),
      ],
    });
    await controller.start(['--configmap-patternfiles', 'ingress/patterns']);
    await eventually(
      async () => assert.equal((await from('127.0.0.5', 'office.example')).pod, 'web-1'),
      10_000,
      50,
    );
  });

  after(async () => {
    await controller?.cleanup();
    await pods?.stop();
  });

  it('allow-list and blacklist read their addresses from the pattern file', async () => {
    assert.equal(await status('127.0.1.20', 'office.example'), 200);
    assert.equal(await status('127.0.0.4', 'office.example'), 403);
    assert.equal(await status('127.0.0.6', 'blocked.example'), 403);
    assert.equal((await from('127.0.0.4', 'blocked.example')).pod, 'web-1');
    assert.match(await controller.config(), /src -f \S+\/patterns\/office \}/);
  });

  it('allow-list wins over whitelist on the same object', async () => {
    assert.equal(await status('127.0.0.8', 'both.example'), 200);
    assert.equal(await status('127.0.0.9', 'both.example'), 403);
  });

  it('a named file that does not exist lets nobody in, and is reported; adding it lets its addresses in without a reload', async () => {
    assert.equal(await status('127.0.0.5', 'later.example'), 403);
    assert.match(
      await controller.log(),
      /Service default\/web patterns\/later: ConfigMap ingress\/patterns has no key later; the list is empty/,
    );
    const reloads = await controller.reloads();
    await controller.write('patterns.yaml', [
      patterns({ office: '127.0.0.5\n127.0.1.0/24', blocked: '127.0.0.6', later: '127.0.0.5' }),
    ]);
    await eventually(async () => assert.equal(await status('127.0.0.5', 'later.example'), 200), 10_000, 50);
    assert.equal(await controller.reloads(), reloads);
  });

  it('an edit changes who gets in over the Runtime API; a bad line is reported with its key and left out', async () => {
    const reloads = await controller.reloads();
    await controller.write('patterns.yaml', [
      patterns({
        office: '127.0.0.7\nnot-an-address\n127.0.0.5/99',
        blocked: '127.0.0.4',
        later: '127.0.0.5',
      }),
    ]);
    await eventually(async () => assert.equal(await status('127.0.0.7', 'office.example'), 200), 10_000, 50);
    assert.equal(await status('127.0.0.5', 'office.example'), 403);
    assert.equal(await status('127.0.1.20', 'office.example'), 403);
    assert.equal(await status('127.0.0.4', 'blocked.example'), 403);
    assert.equal(await status('127.0.0.6', 'blocked.example'), 200);
    assert.equal(await controller.reloads(), reloads);
    assert.match(
      await controller.log(),
      /ConfigMap ingress\/patterns office: lines 2, 3: not an IPv4 or IPv6 address or CIDR block; left out/,
    );
  });

  it('deleting the ConfigMap empties the lists: the allow-list lets nobody in, the deny-list nobody out', async () => {
    const reloads = await controller.reloads();
    await controller.remove('patterns.yaml');
    await eventually(async () => assert.equal(await status('127.0.0.7', 'office.example'), 403), 10_000, 50);
    assert.equal(await status('127.0.0.4', 'blocked.example'), 200);
    assert.equal(await controller.reloads(), reloads);
  });
});
