/**
 * The route overlay: a path and a host added on existing Services are served
 * through maps/routes.overlay.map alone, without a reload; once routing is
 * quiet the controller folds the overlay into maps/routes.map (same answers,
 * still no reload); a vhost removed takes the full path (routes.map, then the
 * overlay emptied). Requests to the other hosts keep their answers throughout,
 * and the map files on disk stay what HAProxy holds.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TestController } from './harness/controller.ts';
import { ingress, onePodService, podsService } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { eventually } from './harness/wait.ts';

const BASE = 'maps/routes.map';
const OVERLAY = 'maps/routes.overlay.map';

describe('route overlay', () => {
  let controller: TestController;
  let web: Pods;
  let api: Pods;

  const host = (name: string, host: string, paths: { path: string; service: string }[]) =>
    ingress(name, { rules: [{ host, paths: paths.map((p) => ({ ...p, port: 80 })) }] });
  const mapKeys = async (file: string) =>
    (await readFile(join(controller.configDir, file), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(' ')[0]);

  /** The master's reload count and the workers: what must not move. */
  const reloadState = async () => {
    const proc = await controller.showProc();
    return { masterReloads: proc.master.reloads, workers: proc.workers.map((w) => w.pid) };
  };

  /** The hosts this test does not change answer as they did. */
  const othersUnchanged = async () => {
    assert.match((await controller.get('other.example', '/x')).pod ?? '', /^web-/);
    assert.equal((await controller.get('api.example', '/')).pod, 'api-1');
    assert.equal((await controller.get('nobody.example', '/')).status, 404);
  };

  /** The keys of a map as HAProxy holds it. */
  const heldKeys = async (relative: string) =>
    ((await controller.runtime([`show map ${join(controller.configDir, relative)}`]))[0] ?? '')
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(' ')[1]);

  /** The file on disk holds what HAProxy holds. */
  const sameAsHAProxy = async (relative: string) => {
    const file = join(controller.configDir, relative);
    const onDisk = (await readFile(file, 'utf8')).split('\n').filter(Boolean).sort();
    const [held] = await controller.runtime([`show map ${file}`]);
    const inHAProxy = (held ?? '')
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(' ').slice(1).join(' '))
      .sort();
    assert.deepEqual(inHAProxy, onDisk, relative);
  };

  before(async () => {
    web = await startPods('web', 2);
    api = await startPods('api', 1);
    controller = await TestController.create({
      'services.yaml': [...podsService('web', web), ...onePodService('api', api)],
      'site.yaml': [host('site', 'site.example', [{ path: '/', service: 'web' }])],
      'other.yaml': [host('other', 'other.example', [{ path: '/', service: 'web' }])],
      'api.yaml': [host('api', 'api.example', [{ path: '/', service: 'api' }])],
    });
    await controller.start();
    await eventually(async () => assert.equal((await controller.get('site.example', '/')).status, 200));
  });

  after(async () => {
    await controller?.cleanup();
    await web?.stop();
    await api?.stop();
  });

  it('serves a new path and a new host from the overlay, then folds it, without a reload', async () => {
    const before = await reloadState();
    assert.deepEqual(await mapKeys(OVERLAY), [], 'empty after a reload');
    assert.match(await controller.config(), /map_beg\(\S+\/maps\/routes\.overlay\.map\)/);
    await othersUnchanged();

    const written = performance.now();
    await controller.write('site.yaml', [
      host('site', 'site.example', [
        { path: '/', service: 'web' },
        { path: '/v2', service: 'api' },
      ]),
    ]);
    await controller.write('new.yaml', [host('new', 'new.example', [{ path: '/', service: 'web' }])]);
    await eventually(async () => {
      assert.equal((await controller.get('site.example', '/v2/users')).pod, 'api-1');
      assert.match((await controller.get('site.example', '/v2x')).pod ?? '', /^web-/);
      assert.match((await controller.get('new.example', '/x')).pod ?? '', /^web-/);
    });
    // Served from the overlay: routes.map as HAProxy holds it still lacks the new host (the
    // fold waits for routing to be quiet for 2 s), and the overlay's switch is up.
    assert.ok(!(await heldKeys(BASE)).includes('new.example/'), 'served only once folded');
    assert.match(
      (await controller.runtime(['show servers state route_overlay_switch']))[0] ?? '',
      /route_overlay_switch \d+ on 127\.0\.0\.1 2 /,
      'the overlay switch is up',
    );
    await othersUnchanged();
    // The file trails HAProxy by a moment (written just after the commit).
    const overlay = ['new.example/', 'site.example/', 'site.example/v2/', 'site.example/v2?'];
    await eventually(async () => assert.deepEqual(await mapKeys(OVERLAY), overlay), 1_000, 10);
    // The fold waits for routing to be quiet for 2 s: well before that, both vhosts are in the overlay.
    if (performance.now() - written < 1500) {
      assert.ok(!(await mapKeys(BASE)).includes('new.example/'), 'routes.map untouched');
      await sameAsHAProxy(OVERLAY);
      await sameAsHAProxy(BASE);
    }

    // The fold: routes.map gets every key, the overlay is emptied.
    await eventually(async () => assert.deepEqual(await mapKeys(OVERLAY), []), 10_000, 100);
    const base = await mapKeys(BASE);
    for (const key of ['new.example/', 'site.example/v2/', 'other.example/'])
      assert.ok(base.includes(key), key);
    await sameAsHAProxy(BASE);
    await sameAsHAProxy(OVERLAY);
    assert.equal((await controller.get('site.example', '/v2/users')).pod, 'api-1');
    assert.match((await controller.get('site.example', '/v2x')).pod ?? '', /^web-/);
    assert.match((await controller.get('new.example', '/x')).pod ?? '', /^web-/);
    await othersUnchanged();
    assert.match(await controller.log(), /folded the route overlay into the route map/);
    assert.deepEqual(await reloadState(), before, 'no reload, same worker');
  });

  it('takes the full path for a vhost removed, with the overlay holding another', async () => {
    const before = await reloadState();
    await controller.write('site.yaml', [
      host('site', 'site.example', [
        { path: '/', service: 'web' },
        { path: '/v3', service: 'api' },
      ]),
    ]);
    await eventually(async () => assert.equal((await controller.get('site.example', '/v3')).pod, 'api-1'));
    await controller.remove('new.yaml');
    await eventually(async () => assert.equal((await controller.get('new.example', '/')).status, 404));
    // routes.map is complete and the overlay empty: at once, not after the fold's wait (the
    // files are written just after HAProxy took the maps, so they may trail by a moment).
    await eventually(async () => assert.deepEqual(await mapKeys(OVERLAY), []), 1_000, 10);
    const base = await mapKeys(BASE);
    assert.ok(!base.includes('new.example/'));
    assert.ok(base.includes('site.example/v3/'));
    assert.ok(!base.includes('site.example/v2/'));
    await sameAsHAProxy(BASE);
    await sameAsHAProxy(OVERLAY);
    assert.equal((await controller.get('site.example', '/v3/x')).pod, 'api-1');
    assert.match((await controller.get('site.example', '/v2/x')).pod ?? '', /^web-/);
    await othersUnchanged();
    assert.deepEqual(await reloadState(), before, 'no reload, same worker');
  });
});
