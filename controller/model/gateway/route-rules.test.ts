import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { grpcRoute, httpRoute, ref, snapshotOf } from './gateway-fixtures.ts';
import { type AnyRoute, rulesOfRoute } from './route-rules.ts';

function rules(route: Record<string, unknown>) {
  const snapshot = snapshotOf([route]);
  const read = snapshot.httpRoutes[0]
    ? ({ ...snapshot.httpRoutes[0], kind: 'HTTPRoute' } as AnyRoute)
    : ({ ...snapshot.grpcRoutes[0], kind: 'GRPCRoute' } as AnyRoute);
  return rulesOfRoute(read);
}

describe('HTTPRoute rules', () => {
  it('matches become typed paths and conditions; the default match is PathPrefix /', () => {
    const [first, second] = rules(
      httpRoute('r', {
        rules: [
          { backendRefs: [ref('a')] },
          {
            matches: [
              {
                path: { type: 'Exact', value: '/one' },
                headers: [
                  { name: 'Version', value: 'two' },
                  { name: 'version', value: 'ignored: same name' },
                  { name: 'color', type: 'RegularExpression', value: '^(red|yellow)$' },
                ],
                queryParams: [{ name: 'q', value: '1' }],
                method: 'POST',
              },
              { path: { type: 'RegularExpression', value: '/v[0-9]+/.*' } },
            ],
            backendRefs: [ref('b')],
          },
        ],
      }),
    );
    assert.deepEqual(first?.matches, [{ path: '/', match: 'Prefix', conditions: [] }]);
    assert.deepEqual(second?.matches, [
      {
        path: '/one',
        match: 'Exact',
        conditions: [
          { kind: 'header', name: 'Version', type: 'Exact', value: 'two' },
          { kind: 'header', name: 'color', type: 'RegularExpression', value: '^(red|yellow)$' },
          { kind: 'query', name: 'q', type: 'Exact', value: '1' },
          { kind: 'method', method: 'POST' },
        ],
      },
      { path: '/v[0-9]+/.*', match: 'RegularExpression', conditions: [] },
    ]);
  });

  it('a regular expression that does not compile drops its match and says why', () => {
    const [rule] = rules(
      httpRoute('r', {
        rules: [
          {
            matches: [
              { path: { type: 'RegularExpression', value: '/(unclosed' } },
              { path: { value: '/ok' } },
            ],
            backendRefs: [ref('a')],
          },
        ],
      }),
    );
    assert.deepEqual(
      rule?.matches.map((m) => m.path),
      ['/ok'],
    );
    assert.match(
      rule?.problems[0] ?? '',
      /rule 0: a match is not served: path regular expression does not compile/,
    );
  });

  it('no backendRefs answers 500, a redirect needs none, unsupported filters answer 500', () => {
    const read = rules(
      httpRoute('r', {
        rules: [
          { matches: [{ path: { type: 'Exact', value: '/none' } }] },
          {
            matches: [{ path: { value: '/old' } }],
            filters: [
              {
                type: 'RequestRedirect',
                requestRedirect: {
                  hostname: 'example.org',
                  path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/new' },
                },
              },
            ],
          },
          {
            name: 'mirrored',
            filters: [{ type: 'RequestMirror', requestMirror: { backendRef: { name: 'm', port: 80 } } }],
            backendRefs: [ref('a')],
          },
        ],
      }),
    );
    assert.deepEqual(read[0]?.action, { kind: 'error', message: 'the rule has no backendRefs' });
    assert.deepEqual(read[1]?.action, {
      kind: 'policy',
      policy: {
        redirect: {
          code: 302,
          hostname: 'example.org',
          path: { kind: 'prefix', prefix: '/old', replacement: '/new' },
        },
      },
    });
    assert.equal(read[2]?.action.kind, 'error');
    assert.match(read[2]?.problems[0] ?? '', /^rule mirrored: RequestMirror is not supported/);
  });

  it('rule filters apply before backendRef filters; header edits merge', () => {
    const [rule] = rules(
      httpRoute('r', {
        rules: [
          {
            matches: [{ path: { value: '/prefix/one' } }],
            filters: [
              {
                type: 'RequestHeaderModifier',
                requestHeaderModifier: { set: [{ name: 'X-A', value: '1' }] },
              },
              {
                type: 'URLRewrite',
                urlRewrite: {
                  hostname: 'internal.example',
                  path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/one' },
                },
              },
            ],
            backendRefs: [
              ref('a', 80, {
                weight: 3,
                filters: [
                  {
                    type: 'RequestHeaderModifier',
                    requestHeaderModifier: { add: [{ name: 'X-B', value: '2' }], remove: ['X-C'] },
                  },
                ],
              }),
            ],
          },
        ],
      }),
    );
    assert.equal(rule?.action.kind, 'backends');
    if (rule?.action.kind !== 'backends') return;
    assert.deepEqual(rule.action.refs[0]?.policy, {
      requestHeaders: {
        set: [{ name: 'X-A', value: '1' }],
        add: [{ name: 'X-B', value: '2' }],
        remove: ['X-C'],
      },
      setHost: 'internal.example',
      pathReplace: { kind: 'prefix', prefix: '/prefix/one', replacement: '/one' },
    });
    assert.equal(rule.action.refs[0]?.weight, 3);
  });

  it('header values with control characters are refused', () => {
    const [rule] = rules(
      httpRoute('r', {
        rules: [
          {
            filters: [
              {
                type: 'ResponseHeaderModifier',
                responseHeaderModifier: { set: [{ name: 'X-A', value: 'a\u0001b' }] },
              },
            ],
            backendRefs: [ref('a')],
          },
        ],
      }),
    );
    assert.equal(rule?.action.kind, 'error');
  });
});

describe('GRPCRoute rules', () => {
  it('method matches become paths: exact, service prefix, method pattern', () => {
    const [rule] = rules(
      grpcRoute('g', {
        rules: [
          {
            matches: [
              { method: { service: 'foo.Bar', method: 'Get' } },
              { method: { service: 'foo.Bar' } },
              { method: { method: 'Get' }, headers: [{ name: 'x-v', value: '1' }] },
              { method: { type: 'RegularExpression', service: 'foo\\..*' } },
            ],
            backendRefs: [ref('a')],
          },
        ],
      }),
    );
    assert.deepEqual(
      rule?.matches.map((m) => [m.match, m.path, m.conditions.length]),
      [
        ['Exact', '/foo.Bar/Get', 0],
        ['Prefix', '/foo.Bar', 0],
        ['RegularExpression', '/[^/]+/Get', 1],
        ['RegularExpression', '/(?:foo\\..*)/(?:[^/]+)', 0],
      ],
    );
  });

  it('a route without rules takes every request', () => {
    const [rule] = rules(grpcRoute('g', {}));
    assert.deepEqual(rule?.matches, [{ path: '/', match: 'Prefix', conditions: [] }]);
    assert.equal(rule?.action.kind, 'error');
  });
});
