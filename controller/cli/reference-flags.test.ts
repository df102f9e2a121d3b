import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseOptions, UsageError } from './options.ts';

describe("reference controller's flags", () => {
  it('map onto ours unless ours are given', () => {
    const mapped = parseOptions(['--sync-period=5s', '--cache-resync-period=10m', '--program=/opt/haproxy']);
    assert.equal(mapped['sync-debounce'], 5000);
    assert.equal(mapped['resync-period'], 600_000);
    assert.equal(mapped['haproxy-bin'], '/opt/haproxy');
    const ours = parseOptions([
      '--sync-period=5s',
      '--sync-debounce=20ms',
      '--program=/opt/haproxy',
      '--haproxy-bin=/bin/h',
    ]);
    assert.equal(ours['sync-debounce'], 20);
    assert.equal(ours['haproxy-bin'], '/bin/h');
    assert.equal(parseOptions(['--sync-period=1m'])['sync-debounce'], 10_000, 'at most 10s');
  });

  it('--disable-config-snippets turns snippets off', () => {
    assert.equal(
      parseOptions(['--allow-config-snippets', '--disable-config-snippets'])['allow-config-snippets'],
      false,
    );
  });

  it('bad values are usage errors', () => {
    assert.throws(() => parseOptions(['--sync-period=soon']), UsageError);
    assert.throws(() => parseOptions(['--default-backend-port=70000']), UsageError);
  });
});
