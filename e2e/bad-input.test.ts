/**
 * Bad input never breaks what works: malformed files, invalid objects,
 * bad annotation values and injection attempts are reported and ignored, and a
 * candidate config that fails `haproxy -c` is never loaded.
 */
import assert from 'node:assert/strict';
import { chmod, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TestController } from './harness/controller.ts';
import { HAPROXY_BIN } from './harness/haproxy-bin.ts';
import { configMap, endpointSlice, ingress, service } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { eventually } from './harness/wait.ts';

describe('bad input', () => {
  let controller: TestController;
  let alpha: Pods;
  let beta: Pods;
  let failMarker: string;

  const alphaObjects = (annotations: Record<string, string> = {}) => [
    service('alpha', [{ port: 80 }], annotations),
    endpointSlice('alpha', { port: alpha.port }, [{ address: alpha.addresses[0] as string }]),
    ingress('alpha', {
      rules: [{ host: 'alpha.example', paths: [{ path: '/', service: 'alpha', port: 80 }] }],
    }),
  ];
  const betaObjects = () => [
    service('beta', [{ port: 80 }]),
    endpointSlice('beta', { port: beta.port }, [{ address: beta.addresses[0] as string }]),
    ingress('beta', { rules: [{ host: 'beta.example', paths: [{ path: '/', service: 'beta', port: 80 }] }] }),
  ];

  async function bothServe(): Promise<void> {
    assert.equal((await controller.get('alpha.example', '/')).pod, 'alpha-1');
    assert.equal((await controller.get('beta.example', '/')).pod, 'beta-1');
  }

  /** Waits until the controller has logged `text`, proving it processed the change. */
  async function logged(text: string): Promise<void> {
    await eventually(
      async () => assert.ok((await controller.log()).includes(text), `log should mention ${text}`),
      3_000,
    );
  }

  before(async () => {
    alpha = await startPods('alpha', 1);
    beta = await startPods('beta', 1);
    controller = await TestController.create();
    await controller.write('alpha.yaml', alphaObjects());
    await controller.write('beta.yaml', betaObjects());
    // A wrapper around haproxy that fails validation while a marker file exists: fault injection
    // for the "haproxy -c rejects the candidate" path, which valid input cannot otherwise reach.
    failMarker = join(controller.dir, 'fail-validation');
    const wrapper = join(controller.dir, 'haproxy-wrapper.sh');
    await writeFile(
      wrapper,
      `#!/bin/sh\nfor a in "$@"; do if [ "$a" = "-c" ] && [ -e "${failMarker}" ]; then echo "[ALERT] injected validation failure" >&2; exit 1; fi; done\nexec '${HAPROXY_BIN}' "$@"\n`,
    );
    await chmod(wrapper, 0o755);
    await controller.start(['--haproxy-bin', wrapper]);
    await eventually(bothServe);
  });

  after(async () => {
    await controller?.cleanup();
    await alpha?.stop();
    await beta?.stop();
  });

  it('reports a file that does not parse, names it, and keeps everything else', async () => {
    const configBefore = await controller.config();
    await controller.writeRaw('broken.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {name: [unclosed\n');
    await logged('broken.yaml');
    await bothServe();
    assert.equal(await controller.config(), configBefore);
  });

  it('keeps the last good objects of a file that becomes unparseable', async () => {
    await controller.writeRaw('beta.yaml', 'kind: Ingress\n  bad: indentation\n :::');
    await logged('beta.yaml: cannot be parsed');
    await bothServe();
  });

  it('rejects an invalid object with file, document index and reason, and applies the valid ones in the same file', async () => {
    await controller.write('beta.yaml', [
      ...betaObjects(),
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'Not_A_Valid_Name' }, spec: { ports: [] } },
      ingress('gamma', {
        rules: [{ host: 'gamma.example', paths: [{ path: '/', service: 'beta', port: 80 }] }],
      }),
    ]);
    await logged('beta.yaml#3');
    await eventually(async () => assert.equal((await controller.get('gamma.example', '/')).pod, 'beta-1'));
    await bothServe();
  });

  it('ignores annotation and ConfigMap values that try to inject directives', async () => {
    const reloadsBefore = (await controller.showProc()).master.reloads;
    const attacks = {
      'haproxy.org/load-balance': 'roundrobin\n  http-request deny',
      'haproxy.org/timeout-server': '5s # comment',
      'haproxy.org/check-interval': '1s\r\nbackend evil',
      'haproxy.com/servers-increment': '42 \n  server evil 10.0.0.1:80',
      'haproxy.org/forwarded-for': 'true"',
    };
    await controller.write('alpha.yaml', alphaObjects(attacks));
    await controller.write('configmap.yaml', [
      configMap({ maxconn: '100\nglobal', 'timeout-client': 'x'.repeat(5000) }),
    ]);
    await logged('haproxy.org/load-balance');
    await logged('ConfigMap default/haproxy-configmap');
    await bothServe();
    const config = await controller.config();
    for (const needle of ['http-request deny', 'evil', '# comment', 'global\nglobal', 'xxxx']) {
      assert.ok(!config.includes(needle), `config must not contain ${JSON.stringify(needle)}`);
    }
    const log = await controller.log();
    assert.match(log, /Service default\/alpha haproxy\.org\/load-balance: invalid value/);
    assert.match(log, /ConfigMap default\/haproxy-configmap maxconn: invalid value/);
    // Nothing valid changed, so nothing was reloaded.
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await controller.showProc()).master.reloads, reloadsBefore);
  });

  it('refuses hosts and paths that could break out of the map files', async () => {
    await controller.write('evil.yaml', [
      ingress('evil-host', {
        rules: [{ host: 'evil.example\nbackend x', paths: [{ path: '/', service: 'alpha', port: 80 }] }],
      }),
      ingress('evil-path', {
        rules: [{ host: 'evil.example', paths: [{ path: '/x beta_backend', service: 'alpha', port: 80 }] }],
      }),
      ingress('evil-comment', {
        rules: [{ host: 'evil.example', paths: [{ path: '/#', service: 'alpha', port: 80 }] }],
      }),
    ]);
    await logged('Ingress default/evil-path');
    await logged('Ingress default/evil-comment');
    await bothServe();
    assert.equal((await controller.get('evil.example', '/x')).status, 404);
    assert.ok(!(await controller.config()).includes('evil'));
  });

  it('never loads a config that fails haproxy -c, keeps serving the last good one, and recovers', async () => {
    const workers = (await controller.showProc()).workers.map((w) => w.pid);
    await writeFile(failMarker, '');
    // Its own timeout makes a new backend: a structural change, which goes through haproxy -c.
    await controller.write('delta.yaml', [
      ingress(
        'delta',
        { rules: [{ host: 'delta.example', paths: [{ path: '/', service: 'alpha', port: 80 }] }] },
        { annotations: { 'haproxy.org/timeout-server': '7s' } },
      ),
    ]);
    await eventually(async () =>
      assert.match(await controller.metrics(), /haproxy_sidecar_config_rejected_total [1-9]/),
    );
    assert.equal((await controller.get('delta.example', '/')).status, 404, 'the rejected config is not live');
    await bothServe();
    assert.deepEqual(
      (await controller.showProc()).workers.map((w) => w.pid),
      workers,
    );
    assert.ok(!(await controller.config()).includes('delta'), 'haproxy.cfg still holds the last good config');
    assert.match(await controller.log(), /injected validation failure/);

    await rm(failMarker);
    // Its own timeout makes a new backend: a structural change, which goes through haproxy -c.
    await controller.write('delta.yaml', [
      ingress(
        'delta',
        { rules: [{ host: 'delta.example', paths: [{ path: '/', service: 'alpha', port: 80 }] }] },
        { annotations: { 'haproxy.org/timeout-server': '7s' } },
      ),
    ]);
    await eventually(async () => assert.equal((await controller.get('delta.example', '/')).pod, 'alpha-1'));
    await bothServe();
  });
});
