/**
 * The reference controller's Deployment arguments, copied as they are: the
 * controller starts with them, honours those that mean something here
 * (--disable-http, --disable-https, --disable-config-snippets, --sync-period,
 * --cache-resync-period, --program) and says in one line what each of the
 * others does.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { TestController } from './harness/controller.ts';
import { configMap, hostRoute, onePodService } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { eventually } from './harness/wait.ts';

const refused = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('error', () => resolve(true));
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
  });

describe("the reference controller's flags", () => {
  let controller: TestController;
  let pods: Pods;

  before(async () => {
    pods = await startPods('web', 1);
    controller = await TestController.create({
      'web.yaml': onePodService('web', pods),
      'ingresses.yaml': [hostRoute('app')],
      'configmap.yaml': [configMap({ 'frontend-config-snippet': 'http-response set-header X-Snippet on' })],
    });
    await controller.start([
      '--sync-period=2s',
      '--cache-resync-period=1m',
      '--program=/usr/sbin/haproxy',
      '--disable-http',
      '--disable-config-snippets',
      '--allow-config-snippets',
      '--default-backend-port=6061',
      '--prometheus',
      '--disable-ingress-status-update',
    ]);
    await eventually(
      async () => assert.equal((await controller.getTls('app.example', '/')).pod, 'web-1'),
      10_000,
      50,
    );
  });

  after(async () => {
    await controller?.cleanup();
    await pods?.stop();
  });

  it('--disable-http: the HTTP port is not bound; HTTPS serves', async () => {
    assert.equal(await refused(controller.ports.http), true);
    assert.match(
      await controller.config(),
      /^frontend http\n {2}mode http\n {2}# --disable-http\n {2}disabled$/m,
    );
  });

  it('--disable-https: the HTTPS port is not bound; HTTP serves', async () => {
    const other = await TestController.create({
      'web.yaml': onePodService('web', pods),
      'ingresses.yaml': [hostRoute('app')],
    });
    try {
      await other.start(['--disable-https']);
      await eventually(
        async () => assert.equal((await other.get('app.example', '/')).pod, 'web-1'),
        10_000,
        50,
      );
      assert.equal(await refused(other.ports.https), true);
    } finally {
      await other.cleanup();
    }
  });

  it('--disable-config-snippets wins over --allow-config-snippets', async () => {
    assert.equal((await controller.getTls('app.example', '/')).headers['x-snippet'], undefined);
    assert.doesNotMatch(await controller.config(), /X-Snippet/);
  });

  it('each reference flag is acted on or said to change nothing, in one line', async () => {
    const log = await controller.log();
    for (const line of [
      /--sync-period: changes are applied 2000ms after a burst ends \(--sync-debounce\)/,
      /--cache-resync-period: full relist every 60000ms \(--resync-period\)/,
      /--program: HAProxy is \S+ \(--haproxy-bin\)/,
      /--disable-config-snippets: config snippets are ignored/,
      /--default-backend-port: ignored; the built-in default backend answers inside HAProxy/,
      /--prometheus: ignored; the controller always serves \/metrics/,
    ])
      assert.match(log, line);
  });
});
