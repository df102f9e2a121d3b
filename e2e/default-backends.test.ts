/**
 * Default backends through the real HAProxy: the built-in 404, an Ingress's
 * spec.defaultBackend for its hosts, an Ingress with only a defaultBackend as
 * the catch-all, --default-backend-service, missing Services (503) and Service
 * ports referenced by name.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestController } from './harness/controller.ts';
import { endpointSlice, ingress, service } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { Backends, expectRoute, expectStable, SERVICE_PORT } from './harness/routing.ts';

const route = (path: string, service: string, port: number | string = SERVICE_PORT) => ({
  path,
  pathType: 'Prefix' as const,
  service,
  port,
});

describe('default backends', () => {
  let controller: TestController;
  let backends: Backends;
  /** Service `multi` has two ports, http (80) and admin (81), each with its own pods. */
  let multiHttp: Pods;
  let multiAdmin: Pods;

  before(async () => {
    backends = await Backends.start(['app', 'site-default', 'ok', 'catch']);
    multiHttp = await startPods('multi-http', 1);
    multiAdmin = await startPods('multi-admin', 1);
    controller = await TestController.create({
      'services.yaml': backends.manifests(),
      'multi.yaml': [
        service('multi', [
          { name: 'http', port: 80 },
          { name: 'admin', port: 81 },
        ]),
        endpointSlice(
          'multi',
          { name: 'http', port: multiHttp.port },
          [{ address: multiHttp.addresses[0] as string }],
          'default',
          'multi-http',
        ),
        endpointSlice(
          'multi',
          { name: 'admin', port: multiAdmin.port },
          [{ address: multiAdmin.addresses[0] as string }],
          'default',
          'multi-admin',
        ),
      ],
      'ingresses.yaml': [
        ingress('site', {
          rules: [{ host: 'site.example', paths: [route('/app', 'app')] }],
          defaultBackend: { service: 'site-default', port: SERVICE_PORT },
        }),
        // Two Ingresses for one host, both with a defaultBackend: the older one's applies.
        ingress(
          'two-defaults-newer',
          {
            rules: [{ host: 'two.example', paths: [route('/app', 'app')] }],
            defaultBackend: { service: 'catch', port: SERVICE_PORT },
          },
          { created: '2024-01-01T00:00:00Z' },
        ),
        ingress(
          'two-defaults-older',
          {
            rules: [{ host: 'two.example', paths: [route('/ok', 'ok')] }],
            defaultBackend: { service: 'site-default', port: SERVICE_PORT },
          },
          { created: '2021-01-01T00:00:00Z' },
        ),
        ingress('broken', {
          rules: [
            {
              host: 'broken.example',
              paths: [route('/missing', 'does-not-exist'), route('/ok', 'ok')],
            },
          ],
        }),
        ingress('named', {
          rules: [
            {
              host: 'named.example',
              paths: [
                route('/by-name-http', 'multi', 'http'),
                route('/by-name-admin', 'multi', 'admin'),
                route('/by-number-admin', 'multi', 81),
                route('/by-number-http', 'multi', 80),
              ],
            },
          ],
          defaultBackend: { service: 'multi', port: 'admin' },
        }),
      ],
    });
    await controller.start();
    await expectRoute(controller, 'site.example', '/app', 'app', 15_000);
  });

  after(async () => {
    await controller?.cleanup();
    await backends?.stop();
    await multiHttp?.stop();
    await multiAdmin?.stop();
  });

  it('a request no rule matches gets 404 from the built-in default backend', async () => {
    await expectStable(controller, 'unknown.example', '/', 404);
    await expectStable(controller, 'unknown.example', '/app', 404);
    await expectStable(controller, 'broken.example', '/other', 404);
    const reply = await controller.get('unknown.example', '/');
    assert.match(reply.body, /not found/i);
  });

  it('spec.defaultBackend serves the unmatched paths of that Ingress’s host', async () => {
    await expectRoute(controller, 'site.example', '/app', 'app');
    await expectRoute(controller, 'site.example', '/app/x', 'app');
    await expectRoute(controller, 'site.example', '/', 'site-default');
    await expectRoute(controller, 'site.example', '/other', 'site-default');
    await expectRoute(controller, 'SITE.example:80', '/apple', 'site-default');
    // It does not leak to other hosts.
    await expectStable(controller, 'other.example', '/other', 404);
  });

  it('for a host shared by two Ingresses, the older one’s defaultBackend applies', async () => {
    await expectRoute(controller, 'two.example', '/app', 'app');
    await expectRoute(controller, 'two.example', '/ok', 'ok');
    await expectStable(controller, 'two.example', '/other', 'site-default');
  });

  it('a path pointing at a missing Service gets 503, and other routes still work', async () => {
    await expectRoute(controller, 'broken.example', '/ok', 'ok');
    await expectStable(controller, 'broken.example', '/missing', 503);
    await expectStable(controller, 'broken.example', '/missing/deeper', 503);
    await expectStable(controller, 'broken.example', '/ok', 'ok');
    await expectStable(controller, 'site.example', '/app', 'app');
  });

  it('the Service appearing later makes the route work live', async () => {
    const late = await startPods('does-not-exist', 1);
    try {
      await controller.write('late.yaml', [
        service('does-not-exist', [{ name: 'http', port: SERVICE_PORT }]),
        endpointSlice('does-not-exist', { name: 'http', port: late.port }, [
          { address: late.addresses[0] as string },
        ]),
      ]);
      await expectRoute(controller, 'broken.example', '/missing', 'does-not-exist', 5_000);
      await controller.remove('late.yaml');
      await expectRoute(controller, 'broken.example', '/missing', 503, 5_000);
    } finally {
      await late.stop();
    }
  });

  it('a Service port referenced by name reaches the endpoints of that port', async () => {
    await expectRoute(controller, 'named.example', '/by-name-http', 'multi-http');
    await expectRoute(controller, 'named.example', '/by-name-admin', 'multi-admin');
    await expectRoute(controller, 'named.example', '/by-number-admin', 'multi-admin');
    await expectRoute(controller, 'named.example', '/by-number-http', 'multi-http');
    // spec.defaultBackend with a named port.
    await expectRoute(controller, 'named.example', '/elsewhere', 'multi-admin');
  });

  it('an Ingress with only a defaultBackend catches unknown hosts (applied live)', async () => {
    await controller.write('catch-all.yaml', [
      ingress('catch-all', { defaultBackend: { service: 'catch', port: SERVICE_PORT } }),
    ]);
    await expectRoute(controller, 'unknown.example', '/', 'catch', 5_000);
    await expectRoute(controller, 'another.test:8080', '/some/path', 'catch');
    // Known hosts keep their own routes and their own defaultBackend.
    await expectStable(controller, 'site.example', '/app', 'app');
    await expectStable(controller, 'site.example', '/other', 'site-default');
    await expectStable(controller, 'broken.example', '/ok', 'ok');
    await expectStable(controller, 'broken.example', '/missing', 503);

    await controller.remove('catch-all.yaml');
    await expectRoute(controller, 'unknown.example', '/', 404, 5_000);
  });
});

describe('--default-backend-service', () => {
  let controller: TestController;
  let backends: Backends;

  before(async () => {
    backends = await Backends.start(['fallback', 'routed']);
    controller = await TestController.create({
      'services.yaml': backends.manifests(),
      'ingresses.yaml': [
        ingress('routed', { rules: [{ host: 'routed.example', paths: [route('/r', 'routed')] }] }),
      ],
    });
    await controller.start(['--default-backend-service', 'default/fallback']);
    await expectRoute(controller, 'routed.example', '/r', 'routed', 15_000);
  });

  after(async () => {
    await controller?.cleanup();
    await backends?.stop();
  });

  it('serves requests no rule matches', async () => {
    await expectRoute(controller, 'unknown.example', '/', 'fallback');
    await expectRoute(controller, 'unknown.example', '/r', 'fallback');
    await expectRoute(controller, 'routed.example', '/other', 'fallback');
    await expectStable(controller, 'routed.example', '/r/x', 'routed');
  });
});
