import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { pino } from 'pino';
import { EXPENSIVE_PASS_SECONDS, IdleCollector } from './idle-gc.ts';

const QUIET = 1_000;
const log = pino({ level: 'silent' });

describe('IdleCollector', () => {
  const setup = () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    let collections = 0;
    const collector = new IdleCollector(log, () => collections++, QUIET);
    return { collector, collections: () => collections };
  };

  it('collects once, a quiet period after an expensive pass', (t) => {
    t.after(() => mock.timers.reset());
    const { collector, collections } = setup();
    collector.passDone(EXPENSIVE_PASS_SECONDS);
    mock.timers.tick(QUIET - 1);
    assert.equal(collections(), 0);
    mock.timers.tick(1);
    assert.equal(collections(), 1);
    mock.timers.tick(QUIET * 10);
    assert.equal(collections(), 1, 'not again without another expensive pass');
  });

  it('never after cheap passes only', (t) => {
    t.after(() => mock.timers.reset());
    const { collector, collections } = setup();
    for (let i = 0; i < 5; i++) collector.passDone(0.01);
    mock.timers.tick(QUIET * 10);
    assert.equal(collections(), 0);
  });

  it('waits while passes keep coming, cheap ones included', (t) => {
    t.after(() => mock.timers.reset());
    const { collector, collections } = setup();
    collector.passDone(1);
    for (let i = 0; i < 5; i++) {
      mock.timers.tick(QUIET / 2);
      collector.passDone(0.01);
    }
    assert.equal(collections(), 0);
    mock.timers.tick(QUIET);
    assert.equal(collections(), 1);
  });

  it('collects after an expensive model build and after its render, not after cheap ones', (t) => {
    t.after(() => mock.timers.reset());
    const { collector, collections } = setup();
    collector.modelBuilt(0.01);
    collector.rendered();
    assert.equal(collections(), 0, 'a cheap pass is left alone');
    collector.passDone(0.01);
    collector.modelBuilt(EXPENSIVE_PASS_SECONDS);
    assert.equal(collections(), 1);
    collector.rendered();
    assert.equal(collections(), 2);
    collector.passDone(3);
    collector.rendered();
    assert.equal(collections(), 2, 'a render after the pass ended is not the expensive pass any more');
  });

  it('does nothing without a gc function (no --expose-gc), and stop() cancels', (t) => {
    t.after(() => mock.timers.reset());
    mock.timers.enable({ apis: ['setTimeout'] });
    new IdleCollector(log, undefined, QUIET).passDone(5);
    let collections = 0;
    const stopped = new IdleCollector(log, () => collections++, QUIET);
    stopped.passDone(5);
    stopped.stop();
    mock.timers.tick(QUIET * 2);
    assert.equal(collections, 0);
  });
});
