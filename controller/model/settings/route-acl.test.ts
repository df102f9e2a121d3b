import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { routeAcl, routeAclProblem } from './route-acl.ts';

describe('route-acl', () => {
  it('takes the reference controller examples and other plain ACLs', () => {
    for (const expression of [
      'rand(100) lt 25',
      'cookie(staging) -m found',
      'req.hdr(x-canary) -m str yes',
      'req.hdr(x-canary) -i -m str yes',
      'path -m beg /beta/ /preview/',
      'src 10.0.0.0/8 192.168.1.1',
      'req.hdr(user-agent) -m reg ^curl/[0-9.]+$',
      'url_param(v),lower -m str 2',
    ])
      assert.equal(routeAclProblem(expression), undefined, expression);
  });

  it('refuses anything that could leave the ACL or reach past the allowlist', () => {
    for (const [expression, reason] of [
      ['', /empty/],
      ['rand(100) lt 25 }', /takes one integer/],
      ['path -m beg /a }', /refuses/],
      ['rand(100) lt 25 } or { always_true', /takes one integer/],
      ['cookie(a) -m str "x y"', /refuses/],
      ["cookie(a) -m str 'x'", /refuses/],
      ['cookie(a) -m str x#comment', /refuses/],
      ['cookie(a) -m str x\\y', /refuses/],
      ['cookie(a) -f /etc/passwd', /not a flag/],
      ['cookie(a) -m regex x', /match method/],
      ['cookie(a) -m found x', /takes no pattern/],
      ['cookie(a)', /needs a pattern/],
      ['lua.evil(1) -m found', /./],
      ['status eq 200', /./],
      ['rand(100) lt many', /takes one integer/],
      ['path -m reg ^(unclosed$', /not a regular expression/],
      ['rand(100) lt 25\nhttp-request deny', /one line/],
    ] as const)
      assert.match(routeAclProblem(expression) ?? 'accepted', reason, JSON.stringify(expression));
  });

  it('the schema prints the expression on one line with single spaces, or refuses it', () => {
    assert.equal(routeAcl.parse('  rand(100)   lt 25 '), 'rand(100) lt 25');
    assert.equal(routeAcl.safeParse('rand(100) lt 25\n}').success, false);
  });
});
