/**
 * Local mode's source: files added, edited (in place and by atomic rename),
 * renamed and deleted in the manifests directory are applied (how long each
 * took is printed as a diagnostic); JSON files and List kinds work like YAML.
 */
import assert from 'node:assert/strict';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { TestController } from './harness/controller.ts';
import { endpointSlice, ingress, service } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { eventually } from './harness/wait.ts';

describe('manifests directory', () => {
  let controller: TestController;
  let pods: Pods;
  const route = (name: string, host: string) =>
    ingress(name, { rules: [{ host, paths: [{ path: '/', service: 'files', port: 80 }] }] });
  /** Waits until the change is served and reports how long that took; speed is a benchmark's business. */
  const applied = async (t: TestContext, check: () => Promise<void>) => {
    const took = await eventually(check, 10_000, 5);
    t.diagnostic(`served ${took.toFixed(0)} ms after the write`);
  };
  const status = async (host: string) => (await controller.get(host, '/')).status;

  before(async () => {
    pods = await startPods('files', 1);
    controller = await TestController.create({
      'backend.yaml': [
        service('files', [{ port: 80 }]),
        endpointSlice('files', { port: pods.port }, [{ address: pods.addresses[0] as string }]),
      ],
    });
    await controller.start();
  });

  after(async () => {
    await controller?.cleanup();
    await pods?.stop();
  });

  it('applies an added file', async (t) => {
    await controller.write('one.yaml', [route('one', 'one.example')]);
    await applied(t, async () => assert.equal(await status('one.example'), 200));
  });

  it('applies an in-place edit', async (t) => {
    await writeFile(join(controller.manifests, 'one.yaml'), JSON.stringify(route('one', 'uno.example')));
    await applied(t, async () => {
      assert.equal(await status('uno.example'), 200);
      assert.equal(await status('one.example'), 404);
    });
  });

  it('applies a rename and a delete', async (t) => {
    await rename(join(controller.manifests, 'one.yaml'), join(controller.manifests, 'renamed.yml'));
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(await status('uno.example'), 200, 'a rename keeps the objects');
    await controller.remove('renamed.yml');
    await applied(t, async () => assert.equal(await status('uno.example'), 404));
  });

  it('reads JSON files and List kinds', async (t) => {
    await writeFile(
      join(controller.manifests, 'list.json'),
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [route('l1', 'l1.example'), route('l2', 'l2.example')],
      }),
    );
    await applied(t, async () => {
      assert.equal(await status('l1.example'), 200);
      assert.equal(await status('l2.example'), 200);
    });
  });

  it('accepts an Ingress written for networking.k8s.io/v1beta1, as tutorials show it', async (t) => {
    await controller.writeRaw(
      'legacy.yaml',
      [
        'apiVersion: networking.k8s.io/v1beta1',
        'kind: Ingress',
        'metadata:',
        '  name: web-ingress',
        '  namespace: default',
        '  annotations:',
        '    kubernetes.io/ingress.class: haproxy',
        'spec:',
        '  rules:',
        '  - host: foo.bar',
        '    http:',
        '      paths:',
        '      - path: /',
        '        backend:',
        '          serviceName: files',
        '          servicePort: 80',
        '',
      ].join('\n'),
    );
    await applied(t, async () => assert.equal((await controller.get('foo.bar', '/')).pod, 'files-1'));
  });
});
