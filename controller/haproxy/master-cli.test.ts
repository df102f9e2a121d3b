import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseShowProc } from './master-cli.ts';

/** `show proc` from HAProxy 2.6.12 (Debian 12), verbatim: trailing spaces on the header, an empty programs section. */
const SHOW_PROC_2_6 = [
  '#<PID>          <type>          <reloads>       <uptime>        <version>      ',
  '3079            master          2 [failed: 0]   0d00h10m05s     2.6.12-1+deb12u4',
  '# workers',
  '3082            worker          0               0d00h10m05s     2.6.12-1+deb12u4',
  '# old workers',
  '3050            worker          1               0d00h11m05s     2.6.12-1+deb12u4',
  '# programs',
  '',
  '',
].join('\n');

describe('parseShowProc', () => {
  it('reads the master, the current workers and the old workers of HAProxy 2.6', () => {
    assert.deepEqual(parseShowProc(SHOW_PROC_2_6), {
      master: { pid: 3079, reloads: 2, failed: 0 },
      workers: [{ pid: 3082, reloads: 0 }],
      oldWorkers: [{ pid: 3050, reloads: 1 }],
    });
  });

  it('reads a failed reload count', () => {
    const text = SHOW_PROC_2_6.replace('2 [failed: 0]', '5 [failed: 3]');
    assert.deepEqual(parseShowProc(text).master, { pid: 3079, reloads: 5, failed: 3 });
  });

  it('reads several workers and no old workers', () => {
    const text = [
      '#<PID>          <type>          <reloads>       <uptime>        <version>      ',
      '100             master          0 [failed: 0]   0d00h00m01s     2.8.5',
      '# workers',
      '101             worker          0               0d00h00m01s     2.8.5',
      '102             worker          0               0d00h00m01s     2.8.5',
      '# old workers',
      '# programs',
      '',
    ].join('\n');
    const list = parseShowProc(text);
    assert.deepEqual(
      list.workers.map((w) => w.pid),
      [101, 102],
    );
    assert.deepEqual(list.oldWorkers, []);
  });

  it('does not count programs as workers', () => {
    const text = `${SHOW_PROC_2_6.trimEnd()}\n4000            program         0               0d00h01m00s     -\n`;
    const list = parseShowProc(text);
    assert.deepEqual(list.workers, [{ pid: 3082, reloads: 0 }]);
    assert.deepEqual(list.oldWorkers, [{ pid: 3050, reloads: 1 }]);
  });

  it('accepts CRLF line endings', () => {
    assert.deepEqual(parseShowProc(SHOW_PROC_2_6.replaceAll('\n', '\r\n')), parseShowProc(SHOW_PROC_2_6));
  });
});
