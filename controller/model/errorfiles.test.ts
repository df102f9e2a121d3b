import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorfileProblem } from './errorfiles.ts';
import { modelOf } from './model-fixtures.ts';

describe('errorfiles', () => {
  it('takes a raw HTTP response with LF or CRLF line ends, with or without a body', () => {
    assert.equal(
      errorfileProblem('HTTP/1.1 503 Service Unavailable\nContent-Type: text/html\n\n<h1>down</h1>'),
      undefined,
    );
    assert.equal(errorfileProblem('HTTP/1.0 403 Forbidden\r\nContent-Length: 2\r\n\r\nno'), undefined);
    assert.equal(errorfileProblem('HTTP/1.1 200\n\n'), undefined);
  });

  it('refuses what HAProxy would refuse to load', () => {
    for (const [content, reason] of [
      ['hello', /blank line/],
      ['HTTP/1.1 503 Down\nContent-Type: text/plain\n', /blank line/],
      ['HTTP/2 503\n\n', /status line/],
      ['<html>503</html>\n\n', /status line/],
      ['HTTP/1.1 503 Down\nBad Header\n\n', /not a header line/],
      ['HTTP/1.1 503 Down\nContent-Length: 10\n\nshort', /does not match/],
      ['HTTP/1.1 503 Down\nTransfer-Encoding: chunked\n\n0\r\n\r\n', /Transfer-Encoding/],
      [`HTTP/1.1 503 Down\n\n${'x'.repeat(9000)}`, /longer than/],
      ['HTTP/1.1 503 Down\nX: a\0b\n\n', /NUL/],
    ] as const)
      assert.match(errorfileProblem(content) ?? 'accepted', reason, JSON.stringify(content.slice(0, 40)));
  });

  it('keeps the valid codes, sorted; reports the others under their key', () => {
    const state = modelOf(
      [
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'errors', namespace: 'ingress' },
          data: {
            '503': 'HTTP/1.1 503 x\n\n',
            '403': 'HTTP/1.1 403 x\n\n',
            '302': 'HTTP/1.1 302 x\n\n',
            x: '',
          },
        },
      ],
      { errorfilesConfigMap: 'ingress/errors' },
    );
    assert.deepEqual(
      state.errorfiles?.map((e) => e.code),
      [403, 503],
    );
    assert.deepEqual(
      state.problems.filter((p) => p.reason === 'InvalidValue').map((p) => p.field),
      ['302', 'x'],
    );
  });
});
