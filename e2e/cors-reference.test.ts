/**
 * CORS as the reference controller's users test it, through the real HAProxy:
 * Allow-Methods, Allow-Headers and Max-Age on ordinary responses too (for any
 * origin with `*`, only for an allowed Origin with a list), and
 * cors-respond-to-options: a bare OPTIONS request answered with 204 and the
 * headers, without reaching the pod (only for an allowed Origin with a list).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestController } from './harness/controller.ts';
import { type HttpReply, httpGet } from './harness/http.ts';
import { hostRoute, onePodService } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { eventually } from './harness/wait.ts';

describe('CORS as the reference controller sends it', () => {
  let controller: TestController;
  let pods: Pods;
  const request = (method: string, host: string, headers: Record<string, string> = {}): Promise<HttpReply> =>
    httpGet(controller.ports.http, '/', { host, ...headers }, 5_000, { method });

  before(async () => {
    pods = await startPods('web', 1);
    controller = await TestController.create({
      'web.yaml': onePodService('web', pods),
      'ingresses.yaml': [
        hostRoute('star', { 'haproxy.org/cors-enable': 'true' }),
        hostRoute('options', {
          'haproxy.org/cors-enable': 'true',
          'haproxy.org/cors-respond-to-options': 'true',
        }),
        hostRoute('listed', {
          'haproxy.org/cors-enable': 'true',
          'haproxy.org/cors-allow-origin': 'https://app.example',
          'haproxy.org/cors-allow-methods': 'GET, POST',
          'haproxy.org/cors-max-age': '1m',
          'haproxy.org/cors-respond-to-options': 'true',
        }),
      ],
    });
    await controller.start();
    await eventually(
      async () => assert.equal((await request('GET', 'star.example')).pod, 'web-1'),
      10_000,
      50,
    );
  });

  after(async () => {
    await controller?.cleanup();
    await pods?.stop();
  });

  it('an ordinary response carries Allow-Origin, Allow-Methods, Allow-Headers and Max-Age', async () => {
    const reply = await request('GET', 'star.example', { origin: 'https://any.example' });
    assert.equal(reply.pod, 'web-1');
    assert.equal(reply.headers['access-control-allow-origin'], '*');
    assert.equal(reply.headers['access-control-allow-methods'], '*');
    assert.equal(reply.headers['access-control-allow-headers'], '*');
    assert.equal(reply.headers['access-control-max-age'], '5');
  });

  it('with a list, only a response to an allowed Origin carries them', async () => {
    const allowed = await request('GET', 'listed.example', { origin: 'https://app.example' });
    assert.equal(allowed.pod, 'web-1');
    assert.equal(allowed.headers['access-control-allow-origin'], 'https://app.example');
    assert.equal(allowed.headers['access-control-allow-methods'], 'GET, POST');
    assert.equal(allowed.headers['access-control-max-age'], '60');
    const other = await request('GET', 'listed.example', { origin: 'https://evil.example' });
    assert.equal(other.pod, 'web-1');
    assert.equal(other.headers['access-control-allow-methods'], undefined);
    assert.equal(other.headers['access-control-allow-origin'], undefined);
  });

  it('cors-respond-to-options: a bare OPTIONS request gets 204 with the headers, the pod never sees it', async () => {
    const answered = await request('OPTIONS', 'options.example');
    assert.equal(answered.status, 204);
    assert.equal(answered.pod, undefined);
    assert.equal(answered.headers['access-control-allow-origin'], '*');
    assert.equal(answered.headers['access-control-allow-methods'], '*');
    // Without the key, a bare OPTIONS request reaches the pod.
    assert.equal((await request('OPTIONS', 'star.example')).pod, 'web-1');
    // With a list: answered for an allowed Origin, passed on otherwise, as the reference does.
    const listed = await request('OPTIONS', 'listed.example', { origin: 'https://app.example' });
    assert.equal(listed.status, 204);
    assert.equal(listed.headers['access-control-allow-origin'], 'https://app.example');
    assert.equal(
      (await request('OPTIONS', 'listed.example', { origin: 'https://evil.example' })).pod,
      'web-1',
    );
  });
});
