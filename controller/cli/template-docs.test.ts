import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { partialInclusions, templatesDoc } from './template-docs.ts';

it('docs/templates.md lists every partial and its view (run `npm run docs` after changing templates or the view)', () => {
  assert.equal(readFileSync(new URL('../../docs/templates.md', import.meta.url), 'utf8'), templatesDoc());
});

it('follows #each, #with, @root and ../ to the context each partial gets', () => {
  const main = [
    '{{> top}}',
    '{{#each backends}}{{> backend}}{{/each}}',
    '{{#with tls.passthrough}}{{> passthrough}}{{else}}{{> nothing}}{{/with}}',
    '{{#if x}}{{> top}}{{/if}}',
  ].join('\n');
  const partials = new Map([
    [
      'backend',
      '{{#each servers}}{{> server}}{{/each}}{{#with @root.snippets.global}}{{> snippet}}{{/with}}',
    ],
    ['server', '{{#with ../snippet}}{{> snippet}}{{/with}}'],
    ['top', ''],
  ]);
  const found = partialInclusions(main, partials).map((i) => `${i.partial} ${i.from} ${i.context.join('.')}`);
  assert.deepEqual(found, [
    'top haproxy.cfg.hbs ',
    'backend haproxy.cfg.hbs backends.[]',
    'server backend.hbs backends.[].servers.[]',
    'snippet server.hbs backends.[].snippet.!',
    'snippet backend.hbs snippets.global.!',
    'passthrough haproxy.cfg.hbs tls.passthrough.!',
    'nothing haproxy.cfg.hbs ',
    'top haproxy.cfg.hbs ',
  ]);
});
