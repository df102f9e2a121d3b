import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { intersectHostnames, vhostCovers, vhostOf, wildcardCovers } from './hostnames.ts';

describe('Gateway API hostnames', () => {
  it('a wildcard covers one or more extra labels, never its own suffix', () => {
    assert.equal(wildcardCovers('*.example.com', 'a.example.com'), true);
    assert.equal(wildcardCovers('*.example.com', 'a.b.example.com'), true);
    assert.equal(wildcardCovers('*.example.com', 'example.com'), false);
    assert.equal(wildcardCovers('*.example.com', 'aexample.com'), false);
  });

  it('intersects listener and route hostnames as the spec tables do', () => {
    // Listener without hostname: the route's hostnames; neither side: any host.
    assert.deepEqual(intersectHostnames(undefined, []), [undefined]);
    assert.deepEqual(intersectHostnames(undefined, ['a.com', '*.b.com']), ['a.com', '*.b.com']);
    // Route without hostnames: the listener's.
    assert.deepEqual(intersectHostnames('very.specific.com', []), ['very.specific.com']);
    // Specific route host on a specific listener host.
    assert.deepEqual(intersectHostnames('very.specific.com', ['non.matching.com', 'very.specific.com']), [
      'very.specific.com',
    ]);
    // Specific route hosts under a wildcard listener: the route's, at any depth.
    assert.deepEqual(
      intersectHostnames('*.wildcard.io', [
        'non.matching.com',
        'wildcard.io',
        'foo.wildcard.io',
        'foo.bar.wildcard.io',
      ]),
      ['foo.wildcard.io', 'foo.bar.wildcard.io'],
    );
    // Wildcard route host over a specific listener host: the listener's.
    assert.deepEqual(intersectHostnames('very.specific.com', ['*.specific.com']), ['very.specific.com']);
    // Two wildcards: the more specific one, if it lies inside the other.
    assert.deepEqual(intersectHostnames('*.anotherwildcard.io', ['*.anotherwildcard.io']), [
      '*.anotherwildcard.io',
    ]);
    assert.deepEqual(intersectHostnames('*.example.com', ['*.foo.example.com']), ['*.foo.example.com']);
    assert.deepEqual(intersectHostnames('*.foo.example.com', ['*.example.com']), ['*.foo.example.com']);
    assert.deepEqual(intersectHostnames('*.a.com', ['*.b.com', 'x.c.com']), []);
  });

  it('wildcards become suffix vhosts, distinct from Ingress one-label wildcards', () => {
    assert.equal(vhostOf(undefined), '*');
    assert.equal(vhostOf('a.com'), 'a.com');
    assert.equal(vhostOf('*.a.com'), '**.a.com');
    assert.equal(vhostCovers('**.a.com', 'x.y.a.com'), true);
    assert.equal(vhostCovers('*.a.com', 'x.y.a.com'), false);
    assert.equal(vhostCovers('*.a.com', 'x.a.com'), true);
    assert.equal(vhostCovers('a.com', 'a.com'), true);
    assert.equal(vhostCovers('*', 'anything'), true);
  });
});
