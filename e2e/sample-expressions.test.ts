/**
 * The sample expressions annotations may use are exactly the ones HAProxy
 * accepts: every expression the allowlist takes passes `haproxy -c` in its
 * direction (so a validated annotation never breaks the config), and the
 * ones it refuses for their direction or for the type one step hands to the
 * next are refused by HAProxy too (so the checks are not stricter than needed).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import {
  type SampleDirection,
  sampleExpressionExamples,
} from '../controller/model/settings/sample-expressions.ts';
import { HAPROXY_BIN } from './harness/haproxy-bin.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'hsi-samples-'));

/** `haproxy -c` on a frontend that sets one header per expression; true when HAProxy accepts it. */
async function accepted(lines: { expression: string; direction: SampleDirection }[], name: string) {
  const file = join(dir, `${name}.cfg`);
  const rules = lines.map((l, i) => `  http-${l.direction} set-header X-S${i} '%[${l.expression}]'`);
  writeFileSync(
    file,
    [
      'defaults',
      '  mode http',
      '  timeout client 1s',
      '  timeout server 1s',
      '  timeout connect 1s',
      'frontend samples',
      '  bind 127.0.0.1:1',
      ...rules,
      '',
    ].join('\n'),
  );
  try {
    await run(HAPROXY_BIN, ['-c', '-q', '-f', file]);
    return true;
  } catch {
    return false;
  }
}

describe('sample expressions', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));
  const examples = sampleExpressionExamples();

  it('every accepted expression passes haproxy -c', async (t) => {
    const ok = examples.filter((e) => e.accepted);
    t.diagnostic(`${ok.length} accepted expressions`);
    assert.ok(ok.length > 300);
    if (await accepted(ok, 'all')) return;
    // Name the ones HAProxy refuses.
    const refused: string[] = [];
    for (const [i, e] of ok.entries())
      if (!(await accepted([e], `one-${i}`))) refused.push(`${e.direction}: ${e.expression}`);
    assert.deepEqual(refused, []);
  });

  it('the refused ones are refused by haproxy -c as well', async (t) => {
    // One per distinct reason: each fetch in a direction it lacks, and each type mismatch.
    const refused = examples.filter((e) => !e.accepted);
    // An address into http_date is refused because HAProxy 3.0 refuses it, though 2.6 takes it.
    const addressIntoHttpDate = /^(src|dst),http_date|,ipmask\([^)]*\),http_date/;
    const sample = refused.filter(
      (e) =>
        (!e.expression.includes(',') || /,(http_date|ipmask)/.test(e.expression)) &&
        !addressIntoHttpDate.test(e.expression),
    );
    t.diagnostic(`${refused.length} refused expressions, ${sample.length} checked one by one`);
    const acceptedByHaproxy: string[] = [];
    for (const [i, e] of sample.entries())
      if (await accepted([e], `refused-${i}`)) acceptedByHaproxy.push(`${e.direction}: ${e.expression}`);
    assert.deepEqual(acceptedByHaproxy, []);
  });
});
