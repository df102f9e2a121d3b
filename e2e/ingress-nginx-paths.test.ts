/**
 * pathType ImplementationSpecific in the ingress-nginx dialect through the
 * real HAProxy: a plain string prefix, as ingress-nginx's `location /api`
 * (`/api` takes `/apix` and `/api/x`), mixed with Exact paths (`location =`)
 * and Prefix paths (`location /p/` plus `location = /p`): an exact match
 * first, else the longest prefix of the host. An Ingress without nginx
 * annotations keeps our element-wise reading. Which pod answered is checked.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestController } from './harness/controller.ts';
import { endpointSlice, ingress, service } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { eventually } from './harness/wait.ts';

const NGINX = { 'nginx.ingress.kubernetes.io/proxy-read-timeout': '60' };

type PathType = 'Exact' | 'Prefix' | 'ImplementationSpecific';

const rule = (host: string, list: [path: string, pathType: PathType, svc: string][]) => ({
  host,
  paths: list.map(([path, pathType, svc]) => ({ path, pathType, service: svc, port: 80 })),
});

describe('ingress-nginx ImplementationSpecific paths', () => {
  let controller: TestController;
  const pods: Pods[] = [];

  const podOf = async (host: string, path: string): Promise<string> => {
    const reply = await controller.get(host, path);
    return reply.status === 200 ? (reply.pod ?? '?') : String(reply.status);
  };

  before(async () => {
    const services: Record<string, unknown>[] = [];
    for (const name of ['is', 'prefix', 'exact']) {
      const p = await startPods(name, 1);
      pods.push(p);
      services.push(
        service(name, [{ port: 80 }]),
        endpointSlice(name, { port: p.port }, [{ address: p.addresses[0] as string, name: `${name}-1` }]),
      );
    }
    controller = await TestController.create({ 'services.yaml': services });
    await controller.start();
    const mixed: [string, PathType, string][] = [
      ['/api', 'ImplementationSpecific', 'is'],
      ['/api/x', 'Prefix', 'prefix'],
      ['/ap', 'Exact', 'exact'],
      ['/docs/', 'ImplementationSpecific', 'is'],
    ];
    await controller.write('ingresses.yaml', [
      ingress('mixed', { rules: [rule('mixed.example', mixed)] }, { annotations: NGINX }),
      ingress(
        'prefix-first',
        {
          rules: [
            rule('prefix.example', [
              ['/api', 'Prefix', 'prefix'],
              ['/ap', 'ImplementationSpecific', 'is'],
            ]),
          ],
        },
        { annotations: NGINX },
      ),
      // The same paths in our dialect: ImplementationSpecific is Prefix.
      ingress('ours', { rules: [rule('ours.example', mixed)] }),
    ]);
    await eventually(async () => assert.equal(await podOf('ours.example', '/api/y'), 'is-1'), 15_000, 100);
  });

  after(async () => {
    await controller?.cleanup();
    for (const p of pods) await p.stop();
  });

  it('a string prefix takes /api, /apix and /api/y; a longer Prefix path and an Exact path win where they match', async () => {
    assert.equal(await podOf('mixed.example', '/api'), 'is-1');
    assert.equal(await podOf('mixed.example', '/apix'), 'is-1');
    assert.equal(await podOf('mixed.example', '/api/y'), 'is-1');
    assert.equal(await podOf('mixed.example', '/api/x'), 'prefix-1', 'the exact match of the Prefix path');
    assert.equal(await podOf('mixed.example', '/api/x/y'), 'prefix-1');
    assert.equal(await podOf('mixed.example', '/api/xy'), 'is-1', 'location /api/x/ does not take /api/xy');
    assert.equal(await podOf('mixed.example', '/ap'), 'exact-1');
    assert.equal(await podOf('mixed.example', '/apx'), '404');
    assert.equal(await podOf('mixed.example', '/a'), '404');
    assert.equal(await podOf('mixed.example', '/api?q=1'), 'is-1');
  });

  it('a string prefix with a trailing slash takes what is below it, not the path without it', async () => {
    assert.equal(await podOf('mixed.example', '/docs/'), 'is-1');
    assert.equal(await podOf('mixed.example', '/docs/a'), 'is-1');
    assert.equal(await podOf('mixed.example', '/docs'), '404');
  });

  it('a Prefix path /api is location /api/ and = /api: /apix goes to the shorter string prefix /ap', async () => {
    assert.equal(await podOf('prefix.example', '/api'), 'prefix-1');
    assert.equal(await podOf('prefix.example', '/api/'), 'prefix-1');
    assert.equal(await podOf('prefix.example', '/api/x'), 'prefix-1');
    assert.equal(await podOf('prefix.example', '/apix'), 'is-1');
    assert.equal(await podOf('prefix.example', '/ap'), 'is-1');
    assert.equal(await podOf('prefix.example', '/apx'), 'is-1');
    assert.equal(await podOf('prefix.example', '/a'), '404');
  });

  it('an Ingress without nginx annotations reads ImplementationSpecific as Prefix', async () => {
    assert.equal(await podOf('ours.example', '/api'), 'is-1');
    assert.equal(await podOf('ours.example', '/api/y'), 'is-1');
    assert.equal(await podOf('ours.example', '/apix'), '404');
    assert.equal(await podOf('ours.example', '/docs'), 'is-1');
    assert.equal(await podOf('ours.example', '/ap'), 'exact-1');
  });
});
