/**
 * --configmap-errorfiles through the real HAProxy: a status code's raw
 * response replaces HAProxy's own page (503 without pods, 403 from an access
 * list), an edit takes effect, a value HAProxy would refuse is reported with
 * its key while the others still apply, and deleting the ConfigMap brings
 * HAProxy's own pages back.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestController } from './harness/controller.ts';
import { configMap, hostRoute, onePodService, service } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { eventually } from './harness/wait.ts';

const page = (status: string, body: string) =>
  `HTTP/1.1 ${status}\nContent-Type: text/plain\nCache-Control: no-store\nX-Error-Page: custom\n\n${body}`;

describe('--configmap-errorfiles', () => {
  let controller: TestController;
  let pods: Pods;
  const errorfiles = (data: Record<string, string>) => configMap(data, 'errorfiles', 'ingress');

  before(async () => {
    pods = await startPods('web', 1);
    controller = await TestController.create({
      'web.yaml': [...onePodService('web', pods), service('empty', [{ port: 80 }])],
      'ingresses.yaml': [
        hostRoute('down', {}, 'empty'),
        hostRoute('denied', { 'haproxy.org/deny-list': '127.0.0.1' }),
        hostRoute('up'),
      ],
      'errorfiles.yaml': [
        errorfiles({
          '503': page('503 Service Unavailable', 'no pods yet'),
          '403': page('403 Forbidden', 'go away'),
        }),
      ],
    });
    await controller.start(['--configmap-errorfiles', 'ingress/errorfiles']);
    await eventually(
      async () => assert.equal((await controller.get('up.example', '/')).pod, 'web-1'),
      10_000,
      50,
    );
  });

  after(async () => {
    await controller?.cleanup();
    await pods?.stop();
  });

  it('HAProxy answers with the raw response of the status code', async () => {
    const down = await controller.get('down.example', '/');
    assert.equal(down.status, 503);
    assert.equal(down.headers['x-error-page'], 'custom');
    assert.equal(down.body, 'no pods yet');
    const denied = await controller.get('denied.example', '/');
    assert.equal(denied.status, 403);
    assert.equal(denied.body, 'go away');
    assert.equal((await controller.get('up.example', '/')).pod, 'web-1');
  });

  it('an edit takes effect; a value HAProxy would refuse is reported with its key, the others apply', async () => {
    await controller.write('errorfiles.yaml', [
      errorfiles({
        '503': page('503 Service Unavailable', 'still no pods'),
        '403': 'HTTP/1.1 403 Forbidden\nContent-Length: 99\n\nshort',
        '999': page('503 Service Unavailable', 'x'),
        '404': 'not an HTTP response',
      }),
    ]);
    await eventually(
      async () => assert.equal((await controller.get('down.example', '/')).body, 'still no pods'),
      10_000,
      50,
    );
    const denied = await controller.get('denied.example', '/');
    assert.equal(denied.status, 403);
    assert.equal(denied.headers['x-error-page'], undefined, "HAProxy's own 403 page");
    const log = await controller.log();
    assert.match(log, /ConfigMap ingress\/errorfiles 403: Content-Length 99 does not match the body/);
    assert.match(log, /ConfigMap ingress\/errorfiles 999: not a status code HAProxy answers with/);
    assert.match(log, /ConfigMap ingress\/errorfiles 404: needs a blank line after the headers/);
  });

  it("deleting the ConfigMap brings back HAProxy's own pages", async () => {
    await controller.remove('errorfiles.yaml');
    await eventually(
      async () =>
        assert.equal((await controller.get('down.example', '/')).headers['x-error-page'], undefined),
      10_000,
      50,
    );
    const down = await controller.get('down.example', '/');
    assert.equal(down.status, 503);
    assert.match(down.body, /503 Service Unavailable/);
    assert.doesNotMatch(await controller.config(), /errorfile /);
  });
});
