/**
 * Names the reference controller accepts, through the real HAProxy:
 * annotations written without a prefix (as its examples do), which a prefixed
 * spelling of the same key overrides, and a client-ca Secret that keeps the
 * CA under tls.crt rather than ca.crt.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testCa } from './harness/certs.ts';
import { TestController } from './harness/controller.ts';
import { type HttpReply, httpGet, httpsGet } from './harness/http.ts';
import { configMap, hostRoute, onePodService, tlsSecret } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { eventually } from './harness/wait.ts';

const CA = testCa('clients');
const OTHER = testCa('others');
const CLIENT = CA.issue('alice');
const STRANGER = OTHER.issue('mallory');

describe('names the reference controller accepts', () => {
  let controller: TestController;
  let pods: Pods;
  const from = (source: string, host: string): Promise<HttpReply> =>
    httpGet(controller.ports.http, '/', { host }, 5_000, { localAddress: source });

  before(async () => {
    pods = await startPods('web', 1);
    controller = await TestController.create({
      'web.yaml': onePodService('web', pods),
      'ingresses.yaml': [
        hostRoute('bare', { 'deny-list': '127.0.0.6', 'set-host': 'rewritten.example' }),
        hostRoute('both', { 'deny-list': '127.0.0.6', 'haproxy.org/deny-list': '127.0.0.7' }),
      ],
      // A CA kept as a TLS Secret: its certificate under tls.crt, its key under tls.key.
      'ca.yaml': [tlsSecret('client-ca', CA.cert, CA.key)],
    });
    await controller.start();
    await eventually(
      async () => assert.equal((await from('127.0.0.1', 'bare.example')).pod, 'web-1'),
      10_000,
      50,
    );
  });

  after(async () => {
    await controller?.cleanup();
    await pods?.stop();
  });

  it('an annotation without prefix is read', async () => {
    assert.equal((await from('127.0.0.6', 'bare.example')).status, 403);
    const served = await from('127.0.0.5', 'bare.example');
    assert.equal(served.pod, 'web-1');
    assert.equal(JSON.parse(served.body).host, 'rewritten.example');
  });

  it('a prefixed spelling of the same key wins over the bare one', async () => {
    assert.equal((await from('127.0.0.7', 'both.example')).status, 403);
    assert.equal((await from('127.0.0.6', 'both.example')).pod, 'web-1');
  });

  it('client-ca: a Secret with the CA under tls.crt verifies client certificates', async () => {
    await controller.write('configmap.yaml', [configMap({ 'client-ca': 'client-ca' })]);
    const https = (client?: { cert: string; key: string }) =>
      httpsGet(controller.ports.https, 'bare.example', '/', 3_000, client ?? {});
    await eventually(async () => await assert.rejects(https(), 'no client certificate'), 10_000, 50);
    assert.equal((await https(CLIENT)).pod, 'web-1');
    await assert.rejects(https(STRANGER), 'a certificate from another CA');
    assert.doesNotMatch(await controller.log(), /client-ca: .*has no ca\.crt/);
  });
});
