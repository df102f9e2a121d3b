/**
 * Snippet fallback: snippets are found by their markers, the ones that make
 * the real `haproxy -c` fail are dropped and reported, the rest is installed;
 * a config that fails without any snippet is still rejected.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findSnippets, groupSnippets, snippetsNamedIn, withoutSnippetIds } from './snippets.ts';
import { ConfigRejectedError, ConfigWriter } from './writer.ts';

const block = (id: number, origin: string, lines: string[]) => [
  `  # config snippet ${id} begin: ${origin}`,
  ...lines.map((l) => `  ${l}`),
  `  # config snippet ${id} end`,
];

function config(backendA: string[], backendB: string[], extra = ''): string {
  return [
    'global',
    ...block(1, 'global-config-snippet (ConfigMap)', ['tune.bufsize 32768']),
    'defaults',
    '  mode http',
    '  timeout connect 1s',
    '  timeout client 1s',
    '  timeout server 1s',
    extra,
    'frontend f',
    '  bind 127.0.0.1:65000',
    '  default_backend a',
    'backend a',
    ...block(2, 'backend-config-snippet of backend a (Service default/a)', backendA),
    '  server s1 127.0.0.1:1 disabled',
    'backend b',
    ...block(3, 'backend-config-snippet of backend b (Service default/b)', backendB),
    '  server s1 127.0.0.1:1 disabled',
    '',
  ].join('\n');
}

describe('snippet markers', () => {
  const text = config(['http-response set-header A a'], ['http-response set-header A a']);

  it('finds each snippet with its origin and lines', () => {
    const found = findSnippets(text);
    assert.deepEqual(
      found.map((s) => [s.id, s.origin, s.text]),
      [
        ['1', 'global-config-snippet (ConfigMap)', 'tune.bufsize 32768'],
        ['2', 'backend-config-snippet of backend a (Service default/a)', 'http-response set-header A a'],
        ['3', 'backend-config-snippet of backend b (Service default/b)', 'http-response set-header A a'],
      ],
    );
  });

  it('removes chosen snippets with their markers and nothing else', () => {
    const out = withoutSnippetIds(text, new Set(['2']));
    assert.ok(!out.includes('config snippet 2'));
    assert.equal(out.split('\n').length, text.split('\n').length - 3);
    assert.ok(out.includes('config snippet 3 begin'));
  });

  it('maps haproxy line numbers to snippets, and groups identical snippets of one key', () => {
    const found = findSnippets(text);
    const line = text.split('\n').indexOf('  tune.bufsize 32768') + 1;
    assert.deepEqual([...snippetsNamedIn(`parsing [/x/haproxy.cfg:${line}] : oops`, found)], ['1']);
    assert.deepEqual(groupSnippets(found), [['1'], ['2', '3']]);
  });
});

describe('config writer with snippets (real haproxy -c)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hsi-snippets-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  const install = (content: string) =>
    new ConfigWriter(dir, 'haproxy').install([{ path: 'haproxy.cfg', content, mode: 0o644 }]);

  it('installs a valid config untouched', async () => {
    const content = config(['http-response set-header A a'], ['http-response set-header B b']);
    assert.deepEqual((await install(content)).droppedSnippets, []);
    assert.equal(await readFile(join(dir, 'haproxy.cfg'), 'utf8'), content);
  });

  it('drops only the failing snippet and reports where it came from', async () => {
    const result = await install(config(['no-such-keyword here'], ['http-response set-header B b']));
    assert.deepEqual(
      result.droppedSnippets.map((d) => d.origin),
      ['backend-config-snippet of backend a (Service default/a)'],
    );
    assert.match(result.droppedSnippets[0]?.output ?? '', /no-such-keyword/);
    const installed = await readFile(join(dir, 'haproxy.cfg'), 'utf8');
    assert.ok(!installed.includes('no-such-keyword'));
    assert.ok(installed.includes('http-response set-header B b'));
    assert.ok(installed.includes('tune.bufsize 32768'));
  });

  it('finds a snippet that fails without a line number by trying them one by one', async () => {
    // Valid on its own line, but names a backend that does not exist: reported for the proxy, not a line.
    const result = await install(config(['http-response set-header A a'], ['use-server nowhere if TRUE']));
    assert.deepEqual(
      result.droppedSnippets.map((d) => d.origin),
      ['backend-config-snippet of backend b (Service default/b)'],
    );
    assert.ok((await readFile(join(dir, 'haproxy.cfg'), 'utf8')).includes('http-response set-header A a'));
  });

  it('still rejects a config that fails without any snippet', async () => {
    const before = await readFile(join(dir, 'haproxy.cfg'), 'utf8');
    await assert.rejects(
      install(config(['http-response set-header A a'], [], '  this-breaks-defaults 1')),
      ConfigRejectedError,
    );
    assert.equal(await readFile(join(dir, 'haproxy.cfg'), 'utf8'), before);
  });
});
