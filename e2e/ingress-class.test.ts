/**
 * IngressClass selection through the real HAProxy: which Ingresses this
 * controller serves (ingressClassName, our IngressClasses, the default-class
 * annotation, --ingress.class), and that others are ignored entirely.
 */
import { after, before, describe, it } from 'node:test';
import { TestController } from './harness/controller.ts';
import { ingress, ingressClass } from './harness/objects.ts';
import { Backends, expectRoute, expectStable, SERVICE_PORT } from './harness/routing.ts';

const OTHER_CONTROLLER = 'example.com/other';

const rules = (host: string, service: string) => [
  { host, paths: [{ path: '/', pathType: 'Prefix' as const, service, port: SERVICE_PORT }] },
];

describe('IngressClass selection (default --ingress.class)', () => {
  let controller: TestController;
  let backends: Backends;

  const classes = (haproxyIsDefault: boolean, otherIsDefault = false, extra: unknown[] = []) => [
    ingressClass('haproxy', haproxyIsDefault),
    ingressClass('other', otherIsDefault, OTHER_CONTROLLER),
    ingressClass('fancy'),
    ...extra,
  ];

  before(async () => {
    backends = await Backends.start(['ours', 'theirs', 'no-class', 'fancy', 'ghost', 'late']);
    controller = await TestController.create({
      'services.yaml': backends.manifests(),
      'classes.yaml': classes(false),
      'ingresses.yaml': [
        ingress('ours', { className: 'haproxy', rules: rules('ours.example', 'ours') }),
        ingress('theirs', { className: 'other', rules: rules('theirs.example', 'theirs') }),
        // An older Ingress of another class claiming our host and path: must be ignored, not win.
        ingress(
          'theirs-hijack',
          { className: 'other', rules: rules('ours.example', 'theirs') },
          { created: '2000-01-01T00:00:00Z' },
        ),
        ingress('no-class', { className: null, rules: rules('no-class.example', 'no-class') }),
        ingress('fancy', { className: 'fancy', rules: rules('fancy.example', 'fancy') }),
        ingress('ghost', { className: 'ghost', rules: rules('ghost.example', 'ghost') }),
        ingress('late', { className: 'late', rules: rules('late.example', 'late') }),
      ],
    });
    await controller.start();
    await expectRoute(controller, 'ours.example', '/', 'ours', 15_000);
  });

  after(async () => {
    await controller?.cleanup();
    await backends?.stop();
  });

  it('serves an Ingress with ingressClassName: haproxy', async () => {
    await expectRoute(controller, 'ours.example', '/', 'ours');
    await expectRoute(controller, 'ours.example', '/x', 'ours');
  });

  it('ignores an Ingress whose class belongs to another controller', async () => {
    await expectStable(controller, 'theirs.example', '/', 404);
    // Its older claim on our host does not take the route either.
    await expectStable(controller, 'ours.example', '/', 'ours');
  });

  it('ignores an Ingress naming a class that does not exist', async () => {
    await expectStable(controller, 'ghost.example', '/', 404);
  });

  it('serves an IngressClass of any name whose controller is haproxy.org/ingress-controller', async () => {
    await expectRoute(controller, 'fancy.example', '/', 'fancy');
    await expectStable(controller, 'late.example', '/', 404);
    await controller.write('classes.yaml', classes(false, false, [ingressClass('late')]));
    await expectRoute(controller, 'late.example', '/', 'late', 5_000);
  });

  it('serves Ingresses without class only while our IngressClass is the default (applied live)', async () => {
    await expectStable(controller, 'no-class.example', '/', 404);

    // Another controller's class being the default does not make them ours. The same write
    // makes class `ghost` ours, which shows when the change is live.
    const live = [ingressClass('late'), ingressClass('ghost')];
    await controller.write('classes.yaml', classes(false, true, live));
    await expectRoute(controller, 'ghost.example', '/', 'ghost', 5_000);
    await expectStable(controller, 'no-class.example', '/', 404);
    await expectStable(controller, 'theirs.example', '/', 404);
    await expectStable(controller, 'late.example', '/', 'late');

    await controller.write('classes.yaml', classes(true, false, live));
    await expectRoute(controller, 'no-class.example', '/', 'no-class', 5_000);
    await expectStable(controller, 'theirs.example', '/', 404);
    await expectStable(controller, 'ours.example', '/', 'ours');

    await controller.write('classes.yaml', classes(false, false, live));
    await expectRoute(controller, 'no-class.example', '/', 404, 5_000);
    await expectStable(controller, 'ours.example', '/', 'ours');
  });

  it('stops serving an Ingress whose class is switched to another controller (applied live)', async () => {
    await controller.write('classes.yaml', [
      ingressClass('haproxy'),
      ingressClass('other', false, OTHER_CONTROLLER),
      ingressClass('fancy', false, OTHER_CONTROLLER),
      ingressClass('late'),
    ]);
    await expectRoute(controller, 'fancy.example', '/', 404, 5_000);
    await expectStable(controller, 'late.example', '/', 'late');
    await expectStable(controller, 'ours.example', '/', 'ours');
  });
});

describe('--ingress.class custom', () => {
  let controller: TestController;
  let backends: Backends;

  before(async () => {
    backends = await Backends.start(['custom', 'haproxy-named']);
    controller = await TestController.create({
      'services.yaml': backends.manifests(),
      'ingresses.yaml': [
        ingress('custom', { className: 'custom', rules: rules('custom.example', 'custom') }),
        ingress('haproxy-named', {
          className: 'haproxy',
          rules: rules('haproxy-named.example', 'haproxy-named'),
        }),
      ],
    });
    await controller.start(['--ingress.class', 'custom']);
    await expectRoute(controller, 'custom.example', '/', 'custom', 15_000);
  });

  after(async () => {
    await controller?.cleanup();
    await backends?.stop();
  });

  it('serves ingressClassName: custom', async () => {
    await expectRoute(controller, 'custom.example', '/', 'custom');
    await expectRoute(controller, 'custom.example', '/deep', 'custom');
  });

  it('no longer serves ingressClassName: haproxy when no IngressClass says it is ours', async () => {
    await expectStable(controller, 'haproxy-named.example', '/', 404);
  });
});
