/**
 * request-capture and request-capture-len through the real HAProxy: the
 * captured samples appear, cut to length, in the request log (`{...}` of the
 * httplog format) that a syslog server receives, and a route without
 * captures leaves its slots empty.
 */
import assert from 'node:assert/strict';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import { TestController } from './harness/controller.ts';
import { configMap, hostRoute, onePodService } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { eventually } from './harness/wait.ts';

describe('request capture keys', () => {
  let controller: TestController;
  let pods: Pods;
  let syslog: UdpSocket;
  const logLines: string[] = [];

  const route = hostRoute;

  /** The log line of the request for `path`, once it has arrived. */
  async function logged(path: string): Promise<string> {
    let found: string | undefined;
    await eventually(() => {
      found = logLines.find((l) => l.includes(` ${path} `));
      assert.ok(found, `a log line for ${path}: ${JSON.stringify(logLines.slice(-2))}`);
    }, 3_000);
    return found as string;
  }

  before(async () => {
    pods = await startPods('web', 1);
    syslog = createSocket('udp4');
    syslog.on('message', (m) => logLines.push(m.toString()));
    await new Promise<void>((r) => syslog.bind(0, '127.0.0.1', () => r()));
    controller = await TestController.create({
      'configmap.yaml': [
        configMap({
          'syslog-server': `address:127.0.0.1, port:${syslog.address().port}, facility:local0, level:info, format:raw`,
        }),
      ],
      'web.yaml': [...onePodService('web', pods)],
      'ingresses.yaml': [
        route('plain', {}),
        // The reference docs' advice: req.fhdr keeps a User-Agent with commas whole; a converter after it.
        route('agent', { 'haproxy.org/request-capture': 'req.fhdr(user-agent),lower\nsrc' }),
        route('captured', {
          'haproxy.org/request-capture': 'hdr(X-Tag)\ncookie(session)\nurl_param(id)',
          'haproxy.org/request-capture-len': '5',
        }),
      ],
    });
    await controller.start();
  });

  after(async () => {
    await controller?.cleanup();
    await pods?.stop();
    syslog?.close();
  });

  it('request-capture: each sample is logged, cut to request-capture-len characters', async () => {
    const reply = await controller.get('captured.example', '/cap-1?id=1234567', {
      'x-tag': 'abcdefgh',
      cookie: 'other=1; session=xyz',
    });
    assert.equal(reply.pod, 'web-1');
    const line = await logged('/cap-1?id=1234567');
    // Every backend's captures have their own slots in the one log field; the others' are empty here.
    assert.match(line, /\{\|*abcde\|xyz\|12345\|*\}/);
  });

  it('request-capture: full header values and converters, as in the reference examples', async () => {
    const reply = await controller.get('agent.example', '/cap-3', {
      'user-agent': 'Mozilla/5.0 (X11, Linux)',
    });
    assert.equal(reply.pod, 'web-1');
    const line = await logged('/cap-3');
    assert.match(line, /\{\|*mozilla\/5\.0 \(x11, linux\)\|127\.0\.0\.1\|*\}/);
  });

  it('a route without captures leaves the slots empty', async () => {
    assert.equal((await controller.get('plain.example', '/cap-2', { 'x-tag': 'abcdefgh' })).pod, 'web-1');
    const line = await logged('/cap-2');
    assert.match(line, /\{\|{4}\}/);
    assert.ok(!line.includes('abcde'));
  });
});
