import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { endpoint, makeBackend } from '../model/fixtures.ts';
import type { Backend } from '../model/types.ts';
import { EndpointTally } from './endpoint-tally.ts';

const full = (backends: readonly Backend[]) => {
  let ready = 0;
  let drain = 0;
  for (const b of backends) for (const e of b.endpoints) e.state === 'ready' ? ready++ : drain++;
  return { ready, drain };
};

describe('EndpointTally', () => {
  it('counts what a full count counts, through changes of some backends and of the list', () => {
    const tally = new EndpointTally();
    let backends: Backend[] = Array.from({ length: 20 }, (_, i) =>
      makeBackend(`b${i}`, [endpoint(`10.0.0.${i}`), endpoint(`10.0.1.${i}`, i % 3 ? 'ready' : 'drain')]),
    );
    assert.deepEqual(tally.count(backends), full(backends));
    for (let step = 0; step < 30; step++) {
      backends = [...backends];
      const i = (step * 7) % backends.length;
      const b = backends[i] as Backend;
      backends[i] = {
        ...b,
        endpoints: step % 2 ? [] : [...b.endpoints, endpoint(`10.9.${step}.1`, 'drain')],
      };
      if (step % 10 === 9) backends.push(makeBackend(`n${step}`, [endpoint('10.8.0.1')]));
      assert.deepEqual(tally.count(backends), full(backends), `step ${step}`);
    }
  });
});
