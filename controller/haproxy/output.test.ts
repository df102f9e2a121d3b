import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { HAProxyOutput } from './output.ts';

describe('HAProxyOutput', () => {
  it('keeps one of each event HAProxy prints on stderr and sends to its stdout log, in either order', () => {
    const output = new HAProxyOutput();
    const seen = [
      output.accept('stderr', '[WARNING]  (12) : Proxy http stopped (cumulated conns: FE: 3, BE: 0).'),
      output.accept('stdout', 'Proxy http stopped (cumulated conns: FE: 3, BE: 0).'),
      output.accept('stdout', 'Server default_app_80/SRV_1 is DOWN, reason: Layer4 connection problem.'),
      output.accept(
        'stderr',
        '[WARNING]  (12) : Server default_app_80/SRV_1 is DOWN, reason: Layer4 connection problem.',
      ),
    ];
    assert.deepEqual(seen, [
      '[WARNING]  (12) : Proxy http stopped (cumulated conns: FE: 3, BE: 0).',
      undefined,
      'Server default_app_80/SRV_1 is DOWN, reason: Layer4 connection problem.',
      undefined,
    ]);
  });

  it('keeps the same event twice when it happened twice (two workers stopping)', () => {
    const output = new HAProxyOutput();
    const line = (pid: number) =>
      `[WARNING]  (${pid}) : Proxy stats stopped (cumulated conns: FE: 0, BE: 0).`;
    const echo = 'Proxy stats stopped (cumulated conns: FE: 0, BE: 0).';
    const kept = [
      output.accept('stderr', line(1)),
      output.accept('stdout', echo),
      output.accept('stderr', line(2)),
      output.accept('stdout', echo),
    ].filter(Boolean);
    assert.deepEqual(kept, [line(1), line(2)]);
  });

  it('reads streams line by line, and collects the alerts of a failed start', async () => {
    const output = new HAProxyOutput();
    const stderr = new PassThrough();
    const lines: string[] = [];
    output.attach(stderr, 'stderr', (line) => lines.push(line));
    stderr.write(
      '[NOTICE]   (7) : haproxy version is 2.6.12\n[ALERT]    (7) : Binding [cfg:48] for frontend http: ',
    );
    stderr.end('cannot bind socket (Address already in use) for [127.0.0.1:8080]\n\n');
    await new Promise((resolve) => stderr.once('end', resolve));
    assert.deepEqual(lines, [
      '[NOTICE]   (7) : haproxy version is 2.6.12',
      '[ALERT]    (7) : Binding [cfg:48] for frontend http: cannot bind socket (Address already in use) for [127.0.0.1:8080]',
    ]);
    assert.deepEqual(output.takeAlerts(), [
      'Binding [cfg:48] for frontend http: cannot bind socket (Address already in use) for [127.0.0.1:8080]',
    ]);
    assert.deepEqual(output.takeAlerts(), []);
  });
});
