/** The embedded default: `--demo` serves the demo resources with its own demo backends. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestController } from './harness/controller.ts';
import { eventually } from './harness/wait.ts';

describe('demo mode', () => {
  let controller: TestController;

  before(async () => {
    controller = await TestController.create();
    await controller.start(['--demo']);
  });

  after(async () => {
    await controller?.cleanup();
  });

  it('routes the walk-through host to both demo pods, /api to the api pods, and unknown hosts to 404', async () => {
    await eventually(async () => {
      const seen = new Set<string>();
      for (let i = 0; i < 4; i++) seen.add(String((await controller.get('foo.bar', '/')).pod));
      assert.deepEqual([...seen].sort(), ['app-1', 'app-2']);
    });
    assert.match(String((await controller.get('foo.bar', '/api/users')).pod), /^api-[123]$/);
    assert.match(String((await controller.get('x.demo.local', '/')).pod), /^app-[12]$/);
    assert.equal((await controller.get('unknown.example', '/')).status, 404);
  });
});
