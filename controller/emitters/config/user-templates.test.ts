import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_DEFAULTS, DEFAULT_GLOBAL, endpoint, makeBackend } from '../../model/fixtures.ts';
import type { DesiredState } from '../../model/types.ts';
import { planSlots } from '../runtime/slots.ts';
import { renderFiles, TEMPLATE_DIR } from './render.ts';
import {
  builtinChoice,
  includedPartials,
  type TemplateChoice,
  UserTemplates,
  withTemplates,
} from './user-templates.ts';
import { buildView } from './view.ts';
import { ConfigRejectedError } from './writer.ts';

const STATE: DesiredState = {
  global: DEFAULT_GLOBAL,
  defaults: DEFAULT_DEFAULTS,
  snippets: {},
  routing: { vhosts: [], routes: [], defaultBackend: 'default_backend_404', passthrough: [] },
  backends: [makeBackend('default_web_80', [endpoint('10.0.0.1')])],
  tls: {
    certificates: [],
    defaultCertificate: undefined,
    frontend: { alpn: 'h2,http/1.1', strictSni: false, clientVerify: undefined, proxyProtocol: undefined },
    files: [],
  },
  problems: [],
};

/** haproxy.cfg as rendered with `choice`. */
function render(choice: TemplateChoice): string {
  const slots = new Map(STATE.backends.map((b) => [b.name, planSlots(b, undefined)]));
  const view = buildView(
    STATE,
    slots,
    {
      ipv4Address: '127.0.0.1',
      ipv6Address: undefined,
      httpPort: 80,
      httpsPort: 443,
      statsPort: 1024,
      healthzPort: 1042,
    },
    { configDir: '/etc/hsi', statsSocket: '/run/hsi/admin.sock' },
  );
  return renderFiles(STATE, view, '/etc/hsi', 'PEM\n', choice.compiled).find((f) => f.path === 'haproxy.cfg')
    ?.content as string;
}

const builtinBackend = () => readFile(join(TEMPLATE_DIR, 'partials', 'backend.hbs'), 'utf8');
/** The built-in backend partial with one more line after `backend NAME`. */
const backendWith = async (line: string) =>
  (await builtinBackend()).replace(/^(backend .*\n)/, `$1  ${line}\n`);

describe('user templates', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hsi-user-templates-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('a file replaces the built-in partial of the same name; the others stay', async () => {
    await writeFile(join(dir, 'backend.hbs'), await backendWith('http-response set-header X-Mine yes'));
    const templates = new UserTemplates(dir);
    await templates.read();
    const [newest, ...rest] = templates.choices();
    assert.deepEqual(newest?.files, ['backend.hbs']);
    assert.deepEqual(rest, [builtinChoice()], 'the last good (built-in) templates come next');
    const config = render(newest as TemplateChoice);
    assert.match(config, /^backend default_web_80\n {2}http-response set-header X-Mine yes\n/m);
    assert.equal(config.replace('  http-response set-header X-Mine yes\n', ''), render(builtinChoice()));
    assert.deepEqual(templates.problems(), []);
  });

  it('a file that does not compile is reported and the last good templates stay', async () => {
    const templates = new UserTemplates(dir);
    await templates.read();
    const good = templates.choices()[0];
    templates.accept(good as TemplateChoice);
    await writeFile(join(dir, 'backend.hbs'), '{{#each servers}}\n  server {{name}}\n');
    await templates.read();
    assert.deepEqual(templates.choices(), [good]);
    const [problem, ...rest] = templates.problems();
    assert.equal(rest.length, 0);
    assert.deepEqual(problem?.ref, { file: join(dir, 'backend.hbs') });
    assert.equal(problem?.reason, 'InvalidTemplate');
    assert.match(
      problem?.message ?? '',
      /^does not compile: .*line 3.*; the last good templates stay in use$/,
    );
  });

  it('an extra partial is there for overrides to include; one nothing includes is reported', async () => {
    await writeFile(join(dir, 'backend.hbs'), await backendWith('{{> my-headers}}'));
    await writeFile(join(dir, 'my-headers.hbs'), 'http-response set-header X-Extra {{name}}');
    await writeFile(join(dir, 'backends.hbs'), 'misspelt');
    const templates = new UserTemplates(dir);
    await templates.read();
    assert.match(render(templates.choices()[0] as TemplateChoice), /X-Extra default_web_80/);
    assert.deepEqual(
      templates.problems().map((p) => [p.ref, p.reason]),
      [[{ file: join(dir, 'backends.hbs') }, 'Unused']],
    );
    await rm(join(dir, 'my-headers.hbs'));
    await rm(join(dir, 'backends.hbs'));
  });

  it('a file whose name is no partial name is reported, and the others apply', async () => {
    await writeFile(join(dir, 'backend.hbs'), await backendWith('http-response set-header X-Named ok'));
    await writeFile(join(dir, 'my backend.hbs'), 'anything');
    const templates = new UserTemplates(dir);
    await templates.read();
    assert.match(render(templates.choices()[0] as TemplateChoice), /X-Named ok/);
    assert.deepEqual(
      templates.problems().map((p) => [p.ref, p.reason]),
      [[{ file: join(dir, 'my backend.hbs') }, 'InvalidTemplate']],
    );
    await rm(join(dir, 'my backend.hbs'));
  });

  it('is read again when a file changes', async () => {
    await writeFile(join(dir, 'backend.hbs'), await backendWith('http-response set-header X-Version 1'));
    const templates = new UserTemplates(dir);
    await templates.read();
    await templates.watch();
    try {
      const changed = once(templates, 'change');
      await writeFile(join(dir, 'backend.hbs'), await backendWith('http-response set-header X-Version 2'));
      await changed;
      assert.match(render(templates.choices()[0] as TemplateChoice), /X-Version 2/);
    } finally {
      await templates.close();
    }
  });

  it('lists the partials a template includes', () => {
    assert.deepEqual(
      [...includedPartials('{{> a}}{{#each x}}{{> b}}{{/each}}{{#if y}}{{#> c}}{{/c}}{{/if}}')],
      ['a', 'b', 'c'],
    );
  });
});

describe('withTemplates', () => {
  let dir: string;
  let templates: UserTemplates;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hsi-user-templates-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const use = async (line: string) => {
    await writeFile(join(dir, 'backend.hbs'), await backendWith(line));
    templates = new UserTemplates(dir);
    await templates.read();
  };
  /** Installs what renders; refuses a config that holds `bad` the way haproxy -c does. */
  const install = (bad: RegExp) => async (choice: TemplateChoice) => {
    const config = render(choice);
    if (bad.test(config))
      throw new ConfigRejectedError(`[ALERT] parsing [haproxy.cfg:12]: unknown keyword '${bad.source}'`);
    return config;
  };

  it('installs with the newest templates, which become the last good', async () => {
    await use('http-response set-header X-A 1');
    const { result, choice } = await withTemplates(templates, install(/nothing/));
    assert.match(result, /X-A 1/);
    assert.deepEqual(templates.choices(), [choice]);
    assert.deepEqual(templates.problems(), []);
  });

  it('falls back to the last good templates when haproxy -c refuses the newest, and reports them', async () => {
    await use('bogus-directive');
    const { result, choice } = await withTemplates(templates, install(/bogus-directive/));
    assert.equal(choice, builtinChoice());
    assert.doesNotMatch(result, /bogus/);
    const [problem] = templates.problems();
    assert.equal(problem?.reason, 'InvalidTemplate');
    assert.match(
      problem?.message ?? '',
      /^backend\.hbs: haproxy -c refuses the config they render: .*unknown keyword/,
    );
    // Set aside until the files change: the next pass goes straight to the last good ones.
    assert.deepEqual(templates.choices(), [builtinChoice()]);
  });

  it('falls back when the newest fail to render (a name the view lacks)', async () => {
    await use('http-response set-header X-Name {{nmae}}');
    const { choice } = await withTemplates(templates, install(/nothing/));
    assert.equal(choice, builtinChoice());
    assert.match(templates.problems()[0]?.message ?? '', /^backend\.hbs: fail to render: "nmae" not defined/);
  });

  it('blames the input, not the templates, when the last good templates fail too', async () => {
    await use('http-response set-header X-B 1');
    await assert.rejects(withTemplates(templates, install(/backend default_web_80/)), ConfigRejectedError);
    assert.deepEqual(templates.problems(), []);
    assert.equal(templates.choices().length, 2, 'the newest are tried again with the next input');
  });

  it('without user templates, one attempt with the built-in ones', async () => {
    let attempts = 0;
    await assert.rejects(
      withTemplates(undefined, async (choice) => {
        attempts++;
        assert.equal(choice, builtinChoice());
        throw new ConfigRejectedError('no');
      }),
      ConfigRejectedError,
    );
    assert.equal(attempts, 1);
  });
});
