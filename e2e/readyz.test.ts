/**
 * /readyz has the same shape in both modes: the state on the first line, then one line per
 * source of objects. Local mode names its directory and counts what it holds per kind, as
 * cluster mode counts each watched collection (and adds the leader).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestController } from './harness/controller.ts';
import { httpGet } from './harness/http.ts';
import { endpointSlice, ingress, service } from './harness/objects.ts';
import { eventually } from './harness/wait.ts';

describe('/readyz in local mode', () => {
  let controller: TestController;
  const body = async () => (await httpGet(controller.ports.controller, '/readyz')).body.trimEnd().split('\n');
  const route = (name: string) =>
    ingress(name, { rules: [{ host: `${name}.example`, paths: [{ path: '/', service: 'app', port: 80 }] }] });

  before(async () => {
    controller = await TestController.create({
      'app.yaml': [
        service('app', [{ port: 80 }]),
        endpointSlice('app', { port: 8080 }, [{ address: '127.0.0.1' }]),
        route('one'),
      ],
    });
    await controller.start();
  });

  after(async () => {
    await controller?.cleanup();
  });

  it('says it is ready, names the directory and counts the objects per kind', async () => {
    const lines = await body();
    assert.equal(lines[0], 'ok');
    assert.equal(lines[1], `manifests: ${controller.manifests}`);
    for (const line of [
      'Ingress: watching, 1 objects',
      'Service: watching, 1 objects',
      'Secret: watching, 0 objects',
    ])
      assert.ok(lines.includes(line), `${line} in\n${lines.join('\n')}`);
    assert.ok(
      lines.slice(2).every((l) => /^[A-Za-z]+: watching, \d+ objects$/.test(l)),
      lines.join('\n'),
    );
  });

  it('follows the directory', async () => {
    await controller.write('two.yaml', [route('two')]);
    await eventually(async () => assert.ok((await body()).includes('Ingress: watching, 2 objects')));
  });
});
