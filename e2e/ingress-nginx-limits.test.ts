/**
 * ingress-nginx's units and limits through the real HAProxy: timeouts in
 * seconds (an upstream timeout gives 504), proxy-body-size with k and m (413,
 * chunked bodies included; 1m by default in the ingress-nginx dialect),
 * limit-rps with its burst and 503, limit-whitelist, and limit-connections.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { TestController } from './harness/controller.ts';
import { httpGet } from './harness/http.ts';
import { hostRoute, onePodService } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { eventually } from './harness/wait.ts';

const N = 'nginx.ingress.kubernetes.io/';

/** POSTs `size` bytes with a Content-Length, or chunked in pieces of 500 bytes; resolves to the status. */
function post(port: number, host: string, size: number, chunked = false): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/upload',
        agent: false,
        headers: { host, ...(chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': size }) },
      },
      (res) => {
        answered = true;
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    let answered = false;
    // Once answered, a write into the connection HAProxy closed (EPIPE) says nothing more.
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    // A limit on Content-Length answers from the headers alone: the headers go first, so that
    // the answer can arrive before a body is written into a connection HAProxy has closed.
    req.flushHeaders();
    setTimeout(() => {
      if (answered) return;
      const body = Buffer.alloc(size, 'x');
      if (chunked) for (let i = 0; i < size; i += 500) req.write(body.subarray(i, i + 500));
      else req.write(body);
      req.end();
    }, 50);
  });
}

describe('ingress-nginx units and limits', () => {
  let controller: TestController;
  let pods: Pods;

  before(async () => {
    pods = await startPods('web', 1);
    controller = await TestController.create({ 'web.yaml': onePodService('web', pods) });
    await controller.start();
    await controller.write('ingresses.yaml', [
      hostRoute('timeout', { [`${N}proxy-read-timeout`]: '1', [`${N}proxy-connect-timeout`]: '3' }),
      hostRoute('body', { [`${N}proxy-body-size`]: '1k' }),
      hostRoute('bodym', { [`${N}proxy-body-size`]: '2M' }),
      hostRoute('nolimit', { [`${N}proxy-body-size`]: '0' }),
      hostRoute('dialect', { [`${N}ssl-redirect`]: 'false' }),
      hostRoute('ours', {}),
      hostRoute('rps', { [`${N}limit-rps`]: '2' }),
      hostRoute('burst', { [`${N}limit-rps`]: '1', [`${N}limit-burst-multiplier`]: '2' }),
      hostRoute('exempt', { [`${N}limit-rps`]: '1', [`${N}limit-whitelist`]: '127.0.0.9/32' }),
      hostRoute('conns', { [`${N}limit-connections`]: '2' }),
    ]);
    await eventually(
      async () => assert.equal((await controller.get('conns.example', '/')).pod, 'web-1'),
      15_000,
    );
  });

  after(async () => {
    await controller?.cleanup();
    await pods?.stop();
  });

  it('proxy-read-timeout is in seconds: a pod slower than that gives 504', async () => {
    assert.equal((await controller.get('timeout.example', '/?sleep=2500')).status, 504);
    assert.equal((await controller.get('timeout.example', '/?sleep=200')).pod, 'web-1');
    assert.match(await controller.config(), /^ {2}timeout connect 3s\n {2}timeout server 1s$/m);
  });

  it('proxy-body-size: k is 1024 bytes; one byte more gets 413, with Content-Length or chunked', async () => {
    const { http } = controller.ports;
    assert.equal(await post(http, 'body.example', 1024), 200);
    assert.equal(await post(http, 'body.example', 1025), 413);
    assert.equal(await post(http, 'body.example', 1000, true), 200);
    assert.equal(await post(http, 'body.example', 2000, true), 413);
  });

  it('proxy-body-size: m is 1 MiB; 0 is no limit; the ingress-nginx dialect defaults to 1m', async () => {
    const { http } = controller.ports;
    assert.equal(await post(http, 'bodym.example', 2 * 1024 * 1024), 200);
    assert.equal(await post(http, 'bodym.example', 2 * 1024 * 1024 + 1), 413);
    assert.equal(await post(http, 'nolimit.example', 3 * 1024 * 1024), 200);
    assert.equal(await post(http, 'dialect.example', 1024 * 1024), 200);
    assert.equal(await post(http, 'dialect.example', 1024 * 1024 + 1), 413);
    assert.equal(await post(http, 'ours.example', 3 * 1024 * 1024), 200, 'no nginx annotation: no limit');
  });

  it('limit-rps admits a burst of 5× the limit at once, then answers 503', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await controller.get('rps.example', '/')).status);
    assert.deepEqual(statuses, [...Array(11).fill(200), 503], 'the burst: 2 × 5 + 1');
    const burst: number[] = [];
    for (let i = 0; i < 4; i++) burst.push((await controller.get('burst.example', '/')).status);
    assert.deepEqual(burst, [200, 200, 200, 503], 'limit-burst-multiplier 2: 1 × 2 + 1');
  });

  it('limit-whitelist exempts the listed addresses', async () => {
    const exempt = async () =>
      (
        await httpGet(controller.ports.http, '/', { host: 'exempt.example' }, 5_000, {
          localAddress: '127.0.0.9',
        })
      ).status;
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push(await exempt());
    assert.deepEqual(statuses, Array(10).fill(200));
    const other: number[] = [];
    for (let i = 0; i < 7; i++) other.push((await controller.get('exempt.example', '/')).status);
    assert.equal(other.at(-1), 503, 'others are limited');
  });

  it('limit-connections is exact: one request more than the limit in flight gets 503', async () => {
    const slow = () => controller.get('conns.example', '/?sleep=1500').then((r) => r.status);
    const statuses = await Promise.all([slow(), slow(), slow()]);
    assert.deepEqual(statuses.sort(), [200, 200, 503]);
    assert.equal((await controller.get('conns.example', '/')).status, 200, 'free again once they end');
  });
});
