/** The snippets step: the ConfigMap's global, frontend and stats snippets, only when allowed. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { refLabel } from '../../store/problems.ts';
import { snippets } from './snippets.ts';
import { builderBefore, configMap } from './step-fixtures.ts';

const CONFIG = configMap({
  'global-config-snippet': 'tune.bufsize 32768',
  'stats-config-snippet': 'stats refresh 5s',
});

describe('snippets step', () => {
  it('without --allow-config-snippets there are none', () => {
    assert.deepEqual(snippets.run(builderBefore('snippets', [CONFIG])), {});
  });

  it('with it, each snippet the ConfigMap sets, with the key that set it', () => {
    const result = snippets.run(builderBefore('snippets', [CONFIG], { allowConfigSnippets: true }));
    assert.deepEqual(result.global?.lines, ['tune.bufsize 32768']);
    assert.equal(result.global?.field, 'global-config-snippet');
    assert.equal(result.global && refLabel(result.global.ref), 'ConfigMap default/haproxy-configmap');
    assert.equal(result.frontend, undefined);
    assert.deepEqual(result.stats?.lines, ['stats refresh 5s']);
  });

  it('with it but no ConfigMap, none is set', () => {
    assert.deepEqual(snippets.run(builderBefore('snippets', [], { allowConfigSnippets: true })), {
      global: undefined,
      frontend: undefined,
      stats: undefined,
    });
  });
});
