import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Metrics } from '../http/metrics.ts';
import { PendingChanges } from './pending-changes.ts';

const observed = async (metrics: Metrics, path: string) => {
  const line = (await metrics.render())
    .split('\n')
    .find((l) => l.startsWith(`haproxy_sidecar_change_to_served_seconds_count{path="${path}"}`));
  return Number(line?.split(' ').pop());
};

describe('PendingChanges', () => {
  it('observes a change once, by the path that applied it', async () => {
    const metrics = new Metrics();
    const changes = new PendingChanges(metrics.changeToServed);
    changes.mark();
    changes.mark();
    changes.served(changes.take(), 'runtime');
    changes.served(changes.take(), 'runtime');
    assert.equal(await observed(metrics, 'runtime'), 1, 'two events before one pass: one observation');
    changes.mark();
    changes.served(changes.take(), 'reload');
    assert.equal(await observed(metrics, 'reload'), 1);
  });

  it('does not count passes that changed nothing in HAProxy, nor the first start', async () => {
    const metrics = new Metrics();
    const changes = new PendingChanges(metrics.changeToServed);
    for (const outcome of ['unchanged', 'start'] as const) {
      changes.mark();
      changes.served(changes.take(), outcome);
    }
    assert.equal(await observed(metrics, 'runtime'), 0);
    assert.equal(await observed(metrics, 'reload'), 0);
  });

  it('keeps the oldest change of a failed pass for the retry', async () => {
    const metrics = new Metrics();
    const changes = new PendingChanges(metrics.changeToServed);
    changes.mark();
    const failed = changes.take();
    changes.mark(); // a change during the failed pass
    changes.putBack(failed);
    assert.equal(changes.take(), failed);
  });
});
