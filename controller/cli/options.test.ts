import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { helpText, parseOptions, UsageError } from './options.ts';

const BIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const run = (...args: string[]) => promisify(execFile)(process.execPath, [BIN, ...args]);

describe('time flags', () => {
  it('take a unit as annotations do, and a bare number as milliseconds', () => {
    const options = parseOptions([
      '--stop-timeout',
      '10s',
      '--sync-debounce',
      '500ms',
      '--watch-timeout',
      '2m',
      '--resync-period',
      '1h',
      '--election-lease-duration',
      '20000',
    ]);
    assert.equal(options['stop-timeout'], 10_000);
    assert.equal(options['sync-debounce'], 500);
    assert.equal(options['watch-timeout'], 120_000);
    assert.equal(options['resync-period'], 3_600_000);
    assert.equal(options['election-lease-duration'], 20_000);
  });

  it('keep their defaults, shown with a unit in --help', () => {
    const options = parseOptions([]);
    assert.equal(options['stop-timeout'], 10_000);
    assert.equal(options['sync-debounce'], 10);
    assert.match(helpText(), /--stop-timeout TIME +How long .*\(default: 10s\)/);
    assert.match(helpText(), /--watch-timeout TIME +.*\(default: 1m\)/);
  });

  it('reject a value that is not a time, or out of range, naming the flag', () => {
    assert.throws(
      () => parseOptions(['--stop-timeout', '10 seconds']),
      (error) =>
        error instanceof UsageError && /^--stop-timeout: must be a time such as 500ms/.test(error.message),
    );
    assert.throws(() => parseOptions(['--sync-debounce', '11s']), /--sync-debounce: must be at most 10s/);
    assert.throws(() => parseOptions(['--watch-timeout', '500ms']), /--watch-timeout: must be at least 1s/);
  });
});

describe('--version', () => {
  it("prints package.json's version and exits 0", async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    const { stdout } = await run('--version');
    assert.equal(stdout, `${version}\n`);
  });

  it('is listed by --help', async () => {
    const { stdout } = await run('--help');
    assert.match(stdout, /^ {2}--version +Print the version and exit\.$/m);
  });
});
