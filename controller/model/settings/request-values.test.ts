/** Request-policy value schemas whose forms come from the reference controller: origins, path-rewrite rules. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { originList, pathRewrite } from './request-values.ts';

describe('request-policy values', () => {
  it('cors-allow-origin: *, a list of origins, or a regular expression starting with ^', () => {
    assert.equal(originList.parse('*'), '*');
    assert.deepEqual(originList.parse('https://A.example, http://b.example:3000'), [
      'https://a.example',
      'http://b.example:3000',
    ]);
    const regex = '^https://(.+\\.)?(example-1\\.com|example-2\\.com)(:\\d{1,5})?$';
    assert.deepEqual(originList.parse(regex), { regex });
  });

  it('cors-allow-origin: refuses regular expressions HAProxy could read otherwise, or not at all', () => {
    for (const bad of ["^a'b", '^a b', '^(open', '^a\\qb', '^a#b', '^(?<n>x)', 'https://a.example/path'])
      assert.equal(originList.safeParse(bad).success, false, bad);
  });

  it('path-rewrite: rules one per line, each a path or a regex and its replacement', () => {
    assert.deepEqual(pathRewrite.parse('/'), [{ match: '^.*$', replace: '/' }]);
    assert.deepEqual(pathRewrite.parse('/foo/(.*) /\\1\n\n  /bar/(.*) /baz/\\1 '), [
      { match: '/foo/(.*)', replace: '/\\1' },
      { match: '/bar/(.*)', replace: '/baz/\\1' },
    ]);
    for (const bad of ['relative', '(a) /b /c', '/a\n(unclosed /b', Array(17).fill('/x').join('\n')])
      assert.equal(pathRewrite.safeParse(bad).success, false, bad);
  });
});
