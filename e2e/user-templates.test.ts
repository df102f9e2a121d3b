/**
 * --templates DIR: a partial there replaces the built-in one of the same name, applies
 * while the controller runs, and a template that does not compile, or whose config
 * haproxy -c refuses, is reported while the last good templates keep serving.
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { TestController } from './harness/controller.ts';
import { ingress } from './harness/objects.ts';
import { Backends, SERVICE_PORT } from './harness/routing.ts';
import { eventually } from './harness/wait.ts';

const BUILTIN_BACKEND = fileURLToPath(new URL('../templates/partials/backend.hbs', import.meta.url));

interface LogLine {
  msg: string;
  object?: string;
  reason?: string;
}

describe('user templates (--templates)', () => {
  let controller: TestController;
  let backends: Backends;
  let templates: string;

  /** The built-in backend partial with one more line after `backend NAME`. */
  const backendWith = async (line: string) =>
    (await readFile(BUILTIN_BACKEND, 'utf8')).replace(/^(backend .*\n)/, `$1  ${line}\n`);
  /** Replaces a template the way editors save: a temporary file renamed into place. */
  const save = async (name: string, content: string) => {
    await writeFile(join(templates, `.${name}.tmp`), content);
    await rename(join(templates, `.${name}.tmp`), join(templates, name));
  };
  const header = async () => (await controller.get('web.example', '/')).headers['x-template'];
  const templateProblems = async (): Promise<LogLine[]> =>
    (await controller.log())
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as LogLine)
      .filter((l) => l.reason === 'InvalidTemplate');

  before(async () => {
    backends = await Backends.start(['web']);
    controller = await TestController.create({
      'web.yaml': [
        ...backends.manifests(),
        ingress('web', {
          rules: [{ host: 'web.example', paths: [{ path: '/', service: 'web', port: SERVICE_PORT }] }],
        }),
      ],
    });
    templates = join(controller.dir, 'templates');
    await mkdir(templates);
    await save('backend.hbs', await backendWith('http-response set-header X-Template v1'));
    await controller.start(['--templates', templates]);
  });

  after(async () => {
    await controller?.cleanup();
    await backends?.stop();
  });

  it('serves with the partial that replaces the built-in one', async () => {
    assert.equal(await header(), 'v1');
    assert.match(await controller.config(), /^ {2}http-response set-header X-Template v1$/m);
  });

  it('applies an edited template while running, with one reload', async () => {
    const before = await controller.reloads();
    await save('backend.hbs', await backendWith('http-response set-header X-Template v2'));
    await eventually(async () => assert.equal(await header(), 'v2'), 5_000);
    // The new worker can serve a moment before the controller has confirmed and counted the reload.
    await eventually(async () => assert.equal(await controller.reloads(), before + 1), 5_000);
  });

  it('reports a template that does not compile and keeps serving the last good one', async () => {
    await save(
      'backend.hbs',
      `${await backendWith('http-response set-header X-Template v3')}{{#each servers}}\n`,
    );
    await eventually(async () => assert.equal((await templateProblems()).length, 1), 5_000);
    const [problem] = await templateProblems();
    assert.equal(problem?.object, join(templates, 'backend.hbs'));
    assert.match(problem?.msg ?? '', /does not compile: .*the last good templates stay in use/);
    assert.equal(await header(), 'v2');
  });

  it('reports a template whose config haproxy -c refuses and keeps serving the last good one', async () => {
    const reloads = await controller.reloads();
    await save('backend.hbs', await backendWith('no-such-directive here'));
    await eventually(async () => assert.equal((await templateProblems()).length, 2), 5_000);
    const problem = (await templateProblems())[1];
    assert.equal(problem?.object, templates);
    assert.ok(
      problem?.msg.startsWith(`${templates}: backend.hbs: haproxy -c refuses the config they render: `),
      problem?.msg,
    );
    assert.match(problem?.msg ?? '', /unknown keyword 'no-such-directive'/);
    assert.match(problem?.msg ?? '', /the last good templates stay in use \(backend\.hbs\)/);
    assert.equal(await header(), 'v2');
    assert.doesNotMatch(await controller.config(), /no-such-directive/);
    assert.ok(
      (await controller.reloads()) <= reloads + 1,
      'at most the reload that put the last good config back',
    );
  });

  it('takes a fixed template again', async () => {
    await save('backend.hbs', await backendWith('http-response set-header X-Template v4'));
    await eventually(async () => assert.equal(await header(), 'v4'), 5_000);
  });
});
