/** Header values read as HAProxy reads a `set-header` line, and the values refused with a reason. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseHeaderValue } from './header-values.ts';

describe('parseHeaderValue', () => {
  it('reads the reference examples: bare words, double quotes around commas', () => {
    assert.deepEqual(parseHeaderValue(' abcd123', 'request'), [{ text: 'abcd123' }]);
    assert.deepEqual(parseHeaderValue(' "no-store,no-cache,private"', 'response'), [
      { text: 'no-store,no-cache,private' },
    ]);
    assert.deepEqual(parseHeaderValue('"max-age=31536000"', 'response'), [{ text: 'max-age=31536000' }]);
  });

  it('keeps quotes of the other kind, #, and blanks inside quotes; joins bare words with one space', () => {
    assert.deepEqual(parseHeaderValue(`"default-src 'self'; img-src *"`, 'response'), [
      { text: "default-src 'self'; img-src *" },
    ]);
    assert.deepEqual(parseHeaderValue(`'say "hi"  #1'`, 'request'), [{ text: 'say "hi"  #1' }]);
    assert.deepEqual(parseHeaderValue('two   words', 'request'), [{ text: 'two words' }]);
    assert.deepEqual(parseHeaderValue(`a"b c"'d'`, 'request'), [{ text: 'ab cd' }]);
  });

  it('splits %[sample] parts from text; %% and a lone % are percent signs', () => {
    assert.deepEqual(parseHeaderValue('ip=%[src] host=%[req.hdr(host),lower]', 'request'), [
      { text: 'ip=' },
      { sample: 'src' },
      { text: ' host=' },
      { sample: 'req.hdr(host),lower' },
    ]);
    assert.deepEqual(parseHeaderValue('"%[status]"', 'response'), [{ sample: 'status' }]);
    assert.deepEqual(parseHeaderValue('100%% and 50% $HOME', 'request'), [{ text: '100% and 50% $HOME' }]);
  });

  it('refuses what it cannot read the way HAProxy would, saying why', () => {
    const refused: [string, RegExp][] = [
      ['"open', /unterminated double quote/],
      ["it's", /unterminated single quote/],
      ['a #comment', /"#" outside quotes/],
      ['"a\\"b"', /backslash/],
      ['a\\ b', /backslash/],
      ['%ci', /log-format variables/],
      ['%{+Q}[src]', /log-format variables/],
      ['%[src', /not closed/],
      ['%[env(HOME)]', /fetch "env" is not supported/],
      [
        '%[req.hdr(x),map(/etc/passwd)]',
        /converter "map\(\/etc\/passwd\)"|is not a converter|converter "map"/,
      ],
      ['%[lua.evil]', /fetch "lua.evil" is not supported/],
      ['%[hdr(a b)]', /is not a fetch|must be a name/],
      ['%[status]', /not available in request rules/],
      ['%[method,ipmask(24)]', /cannot take the meth output/],
      ['%[field(x,:)]', /is not supported|takes/],
      ['%[req.hdr(x),field(a,:)]', /argument 1 of field must be a non-negative integer/],
      ['caf\u00e9', /printable ASCII/],
      ['""', /empty/],
    ];
    for (const [value, reason] of refused) {
      const result = parseHeaderValue(value, 'request');
      assert.equal(typeof result, 'string', `${value} is refused`);
      assert.match(result as string, reason, value);
    }
  });
});
