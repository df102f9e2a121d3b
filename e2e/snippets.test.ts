/**
 * Config snippets: ignored with a warning unless the controller runs with
 * --allow-config-snippets; with it they take effect where they belong, and a
 * snippet that makes `haproxy -c` fail is dropped and reported while the rest
 * of the config (other snippets included) is installed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestController } from './harness/controller.ts';
import { httpGet } from './harness/http.ts';
import { configMap, endpointSlice, ingress, service } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { eventually } from './harness/wait.ts';

const CONFIG = {
  'global-config-snippet': 'tune.bufsize 32768',
  'frontend-config-snippet': 'http-response set-header X-Frontend-Snippet on\n',
  'stats-config-snippet':
    'http-request return status 200 content-type text/plain string stats-snippet if { path /snippet }',
};

describe('config snippets', () => {
  let pods: Pods;
  const objects = (backendSnippet: string) => [
    service('web', [{ port: 80 }], {
      'haproxy.org/check': 'false',
      'haproxy.org/backend-config-snippet': backendSnippet,
    }),
    endpointSlice('web', { port: pods.port }, [{ address: pods.addresses[0] as string }]),
    ingress('web', { rules: [{ host: 'web.example', paths: [{ path: '/', service: 'web', port: 80 }] }] }),
    service('other', [{ port: 80 }], { 'haproxy.org/check': 'false' }),
    endpointSlice('other', { port: pods.port }, [{ address: pods.addresses[1] as string }]),
    ingress('other', {
      rules: [{ host: 'other.example', paths: [{ path: '/', service: 'other', port: 80 }] }],
    }),
  ];
  const good = 'http-response set-header X-Backend-Snippet web\nhttp-response set-header X-Second-Line yes';

  before(async () => {
    pods = await startPods('snip', 2);
  });
  after(async () => pods?.stop());

  describe('without --allow-config-snippets', () => {
    let controller: TestController;
    before(async () => {
      controller = await TestController.create({
        'configmap.yaml': [configMap(CONFIG)],
        'web.yaml': objects(good),
      });
      await controller.start();
    });
    after(async () => controller?.cleanup());

    it('ignores every snippet with a warning naming the object and key', async () => {
      const reply = await controller.get('web.example', '/');
      assert.equal(reply.pod, 'snip-1');
      assert.equal(reply.headers['x-backend-snippet'], undefined);
      assert.equal(reply.headers['x-frontend-snippet'], undefined);
      assert.equal((await httpGet(controller.ports.stats, '/snippet')).body.includes('stats-snippet'), false);
      const log = await controller.log();
      assert.match(
        log,
        /Service default\/web haproxy\.org\/backend-config-snippet: config snippets are disabled/,
      );
      assert.match(
        log,
        /ConfigMap default\/haproxy-configmap global-config-snippet: config snippets are disabled/,
      );
      assert.match(
        log,
        /ConfigMap default\/haproxy-configmap frontend-config-snippet: config snippets are disabled/,
      );
      assert.ok(!(await controller.config()).includes('X-Backend-Snippet'));
    });
  });

  describe('with --allow-config-snippets', () => {
    let controller: TestController;
    before(async () => {
      controller = await TestController.create({
        'configmap.yaml': [configMap(CONFIG)],
        'web.yaml': objects(good),
      });
      await controller.start(['--allow-config-snippets']);
    });
    after(async () => controller?.cleanup());

    it('prints each snippet where it belongs and it takes effect', async () => {
      const web = await controller.get('web.example', '/');
      assert.equal(web.headers['x-backend-snippet'], 'web');
      assert.equal(web.headers['x-second-line'], 'yes');
      assert.equal(web.headers['x-frontend-snippet'], 'on');
      const other = await controller.get('other.example', '/');
      assert.equal(other.headers['x-backend-snippet'], undefined, 'the backend snippet stays in its backend');
      assert.equal(other.headers['x-frontend-snippet'], 'on');
      const https = await controller.getTls('web.example', '/');
      assert.equal(https.headers['x-frontend-snippet'], 'on', 'both frontends');
      assert.equal((await httpGet(controller.ports.stats, '/snippet')).body, 'stats-snippet');
      assert.match(await controller.config(), /^ {2}tune\.bufsize 32768$/m);
    });

    it('drops a snippet that fails validation, reports it, and installs the rest', async () => {
      const reloads = (await controller.showProc()).master.reloads;
      await controller.write(
        'web.yaml',
        objects('http-response set-header X-Backend-Snippet web\nthis-is-not-a-keyword 1'),
      );
      await controller.write('more.yaml', [
        service('late', [{ port: 80 }], { 'haproxy.org/check': 'false' }),
        endpointSlice('late', { port: pods.port }, [{ address: pods.addresses[1] as string }]),
        ingress('late', {
          rules: [{ host: 'late.example', paths: [{ path: '/', service: 'late', port: 80 }] }],
        }),
      ]);
      // The new route is served: the config was installed without the broken snippet.
      await eventually(
        async () => assert.equal((await controller.get('late.example', '/')).pod, 'snip-2'),
        8_000,
      );
      assert.ok((await controller.showProc()).master.reloads > reloads);
      const web = await controller.get('web.example', '/');
      assert.equal(web.pod, 'snip-1');
      assert.equal(web.headers['x-backend-snippet'], undefined, 'the broken snippet is gone as a whole');
      assert.equal(web.headers['x-frontend-snippet'], 'on', 'the other snippets stay');
      // A problem of the Service, under the key that set the snippet: logged, counted, an Event in cluster mode.
      await eventually(async () => {
        const log = await controller.log();
        assert.match(
          log,
          /Service default\/web haproxy\.org\/backend-config-snippet: makes haproxy -c fail; dropped/,
        );
        assert.match(log, /this-is-not-a-keyword/);
      });
      await eventually(async () =>
        assert.match(
          await controller.metrics(),
          /haproxy_sidecar_problems\{severity="error",reason="SnippetIgnored"\} 1/,
        ),
      );
    });
  });
});
