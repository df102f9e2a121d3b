/**
 * The controller as the image runs it: compiled by `npm run build` (tsconfig.build.json) and
 * started with the Dockerfile's NODE_OPTIONS. It must find its templates, serve a route, take
 * a route change at run time, and render, like the TypeScript sources the other tests run.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { TestController } from './harness/controller.ts';
import { ingress } from './harness/objects.ts';
import { Backends, expectRoute, SERVICE_PORT } from './harness/routing.ts';
import { eventually } from './harness/wait.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAIN = join(ROOT, 'dist/controller/cli/main.js');

const route = (service: string, path: string) => ({
  path,
  pathType: 'Prefix' as const,
  service,
  port: SERVICE_PORT,
});

describe('the compiled controller (npm run build)', () => {
  let controller: TestController;
  let backends: Backends;
  let nodeOptions: string;

  before(async () => {
    execFileSync('sh', [join(ROOT, 'scripts/build.sh')], { stdio: 'inherit' });
    nodeOptions =
      /^ENV NODE_OPTIONS="?([^"\n]*)"?$/m.exec(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'))?.[1] ?? '';
    backends = await Backends.start(['web', 'api']);
    controller = await TestController.create({
      'services.yaml': backends.manifests(),
      'web.yaml': [ingress('web', { rules: [{ host: 'built.example', paths: [route('web', '/')] }] })],
      // HAProxy has the api backend already: a path to it on another host is a route change only.
      'api.yaml': [ingress('api', { rules: [{ host: 'api.example', paths: [route('api', '/')] }] })],
    });
    await controller.start([], { NODE_OPTIONS: nodeOptions }, { entry: MAIN });
  });

  after(async () => {
    await controller?.cleanup();
    await backends?.stop();
  });

  it('is JavaScript only, without the tests or their fixtures', () => {
    assert.ok(existsSync(MAIN));
    const listing = execFileSync('find', [join(ROOT, 'dist/controller'), '-type', 'f'], { encoding: 'utf8' })
      .trim()
      .split('\n');
    assert.ok(listing.length > 50);
    for (const file of listing) {
      assert.match(file, /\.(js|json)$/, file);
      assert.doesNotMatch(file, /\.test\.js$|fixtures\.js$/, file);
    }
  });

  it('runs with the NODE_OPTIONS the image sets, and collects garbage once quiet after its first sync', async () => {
    assert.match(nodeOptions, /--max-semi-space-size=\d+/);
    assert.match(nodeOptions, /--expose-gc/);
    // The first pass starts HAProxy: expensive enough to be followed by a collection when quiet.
    await eventually(
      async () => assert.match(await controller.log(), /collected garbage after a quiet period/),
      20_000,
      250,
    );
  });

  it('serves a route, and a new path at run time without a reload', async () => {
    await expectRoute(controller, 'built.example', '/', 'web');
    const reloads = await controller.reloads();
    await controller.write('web.yaml', [
      ingress('web', {
        rules: [{ host: 'built.example', paths: [route('web', '/'), route('api', '/api')] }],
      }),
    ]);
    await expectRoute(controller, 'built.example', '/api/x', 'api');
    assert.equal(await controller.reloads(), reloads);
  });

  it('renders offline from the compiled code', () => {
    const config = execFileSync(process.execPath, [MAIN, 'render', '--manifests', controller.manifests], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    assert.match(config, /^frontend http$/m);
    assert.match(config, /^backend default_web_80$/m);
  });
});
