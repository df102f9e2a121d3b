/**
 * Lines for Gateway API filters and matches: what HAProxy is told, quoting
 * included. Values come from route objects, where quotes, `#`, `%` and `$`
 * are legal: none may end a quoted argument, start a comment or be read as a
 * sample; a line break never reaches a line.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RequestCondition } from '../../model/request-conditions.ts';
import { pathReplaceLines, redirectLines, requestEditLines, responseEditLines } from './edit-lines.ts';
import { policyLines } from './policy-lines.ts';
import { conditionAcl, pathRegexAcl, UnprintableConditionError } from './route-acls.ts';

describe('header edits', () => {
  it('set, add and remove, in that order; values quoted with quotes escaped and % doubled', () => {
    assert.deepEqual(
      requestEditLines({
        requestHeaderEdits: {
          set: [{ name: 'X-Set', value: "it's #1 at 100% $HOME" }],
          add: [{ name: 'X-Add', value: 'more' }],
          remove: ['X-Gone', 'X-Odd#Name'],
        },
      }),
      [
        "http-request set-header X-Set 'it'\\''s #1 at 100%% $HOME'",
        "http-request add-header X-Add 'more'",
        'http-request del-header X-Gone',
        "http-request del-header 'X-Odd#Name'",
      ],
    );
    assert.deepEqual(
      responseEditLines({ responseHeaderEdits: { set: [], add: [{ name: 'X-R', value: 'v' }], remove: [] } }),
      ["http-response add-header X-R 'v'"],
    );
  });

  it('a line break never reaches a line', () => {
    assert.throws(
      () =>
        requestEditLines({
          requestHeaderEdits: { set: [{ name: 'X', value: 'a\nhttp-request deny' }], add: [], remove: [] },
        }),
      UnprintableConditionError,
    );
  });

  it('are part of the backend policy lines, after the request rewrites, responses at the end', () => {
    const lines = policyLines({
      setHost: 'internal.example',
      requestHeaderEdits: { set: [{ name: 'X-A', value: '1' }], add: [], remove: [] },
      responseHeaderEdits: { set: [], add: [], remove: ['Server'] },
    });
    assert.deepEqual(lines, [
      "http-request set-header Host 'internal.example'",
      "http-request set-header X-A '1'",
      'http-response del-header Server',
    ]);
  });
});

describe('path replacement', () => {
  it('the whole path, or the matched prefix element-wise (escaped in the expression)', () => {
    assert.deepEqual(pathReplaceLines({ kind: 'full', path: '/one%20two' }), [
      "http-request set-path '/one%%20two'",
    ]);
    assert.deepEqual(pathReplaceLines({ kind: 'prefix', prefix: '/v1.0', replacement: '/v2' }), [
      "http-request replace-path '^/v1\\.0(/.*)?$' '/v2\\1'",
    ]);
    // Replaced by `/`: the prefix alone becomes `/`, what is below keeps its own `/`.
    assert.deepEqual(pathReplaceLines({ kind: 'prefix', prefix: "/it's", replacement: '/' }), [
      "http-request replace-path '^/it'\\''s$' '/'",
      "http-request replace-path '^/it'\\''s(/.*)$' '\\1'",
    ]);
  });
});

describe('redirects', () => {
  const location = (line: string) => /location '([^']*)'/.exec(line)?.[1];

  it('a given scheme takes its own port unless another is given; the own port is left out', () => {
    assert.deepEqual(redirectLines({ scheme: 'https', code: 301 }), [
      "http-request redirect location 'https://%[req.hdr(host),field(1,:)]%[pathq]' code 301",
    ]);
    assert.equal(
      location(redirectLines({ scheme: 'https', port: 8443, hostname: 'example.org', code: 302 })[0] ?? ''),
      'https://example.org:8443%[pathq]',
    );
    assert.equal(
      location(redirectLines({ scheme: 'http', port: 80, code: 302 })[0] ?? ''),
      'http://%[req.hdr(host),field(1,:)]%[pathq]',
    );
  });

  it('without a scheme the request’s is kept (TLS or not); without a port the listener’s declared port', () => {
    assert.deepEqual(redirectLines({ port: 443, code: 302 }), [
      "http-request redirect location 'https://%[req.hdr(host),field(1,:)]%[pathq]' code 302 if { ssl_fc }",
      "http-request redirect location 'http://%[req.hdr(host),field(1,:)]:443%[pathq]' code 302 unless { ssl_fc }",
    ]);
    assert.deepEqual(redirectLines({ code: 307 }).map(location), [
      'https://%[req.hdr(host),field(1,:)]%[var(txn.port_suffix)]%[pathq]',
      'http://%[req.hdr(host),field(1,:)]%[var(txn.port_suffix)]%[pathq]',
    ]);
  });

  it('a new path is set before the redirect is sent', () => {
    assert.deepEqual(
      redirectLines({
        path: { kind: 'full', path: '/new' },
        hostname: 'example.org',
        scheme: 'https',
        code: 302,
      }),
      [
        "http-request set-path '/new'",
        "http-request redirect location 'https://example.org%[pathq]' code 302",
      ],
    );
  });
});

describe('request conditions as ACLs', () => {
  const acl = (c: RequestCondition) => conditionAcl(c);

  it('headers and query parameters, exact or by a whole-value regular expression; methods', () => {
    assert.equal(
      acl({ kind: 'header', name: 'version', type: 'Exact', value: 'two' }),
      "{ 'req.hdr(version)' -m str 'two' }",
    );
    assert.equal(
      acl({ kind: 'header', name: 'X-Odd#$', type: 'RegularExpression', value: 'a|b' }),
      "{ 'req.hdr(X-Odd#$)' -m reg '^(?:a|b)$' }",
    );
    assert.equal(
      acl({ kind: 'query', name: 'animal', type: 'Exact', value: "it's" }),
      "{ 'url_param(animal)' -m str 'it'\\''s' }",
    );
    assert.equal(acl({ kind: 'method', method: 'PATCH' }), '{ method PATCH }');
    assert.equal(pathRegexAcl('/v[0-9]+/.*'), "{ path -m reg '^(?:/v[0-9]+/.*)$' }");
  });

  it('refuses what cannot be printed', () => {
    assert.throws(
      () => acl({ kind: 'header', name: "x'y", type: 'Exact', value: 'v' }),
      UnprintableConditionError,
    );
    assert.throws(
      () => acl({ kind: 'header', name: 'x', type: 'Exact', value: 'a\nb' }),
      UnprintableConditionError,
    );
    assert.throws(() => acl({ kind: 'method', method: 'GET }' }), UnprintableConditionError);
  });
});
