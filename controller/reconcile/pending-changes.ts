/**
 * Change-to-served latency: the time from the oldest source event not yet applied
 * to the HAProxy change that applied it. A pass serves every change that came before
 * it read its snapshot; changes that arrive during a pass wait for the next one.
 */
import type { ApplyOutcome } from '../emitters/applier.ts';
import type { Histogram } from '../http/metrics.ts';

export class PendingChanges {
  readonly #histogram: Histogram<'path'>;
  /** performance.now() of the oldest change not yet served. */
  #since: number | undefined;

  constructor(histogram: Histogram<'path'>) {
    this.#histogram = histogram;
  }

  /** A source event changed the store. */
  mark(): void {
    this.#since ??= performance.now();
  }

  /** A pass reads the snapshot: it covers every change so far. */
  take(): number | undefined {
    const since = this.#since;
    this.#since = undefined;
    return since;
  }

  /** The pass failed and will be retried: its changes are still waiting. */
  putBack(since: number | undefined): void {
    if (since !== undefined && (this.#since === undefined || since < this.#since)) this.#since = since;
  }

  /** The pass applied its changes; only those that changed HAProxy (Runtime API or reload) count. */
  served(since: number | undefined, outcome: ApplyOutcome): void {
    if (since === undefined || (outcome !== 'runtime' && outcome !== 'reload')) return;
    this.#histogram.observe((performance.now() - since) / 1000, { path: outcome });
  }
}
