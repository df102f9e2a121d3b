/**
 * The reconcile loop is level-triggered: store changes only mark it dirty,
 * a short debounce coalesces bursts, and each pass works from the full current
 * snapshot, so a missed or duplicated event cannot leave HAProxy wrong.
 * Passes never overlap; a failed pass is retried with backoff.
 */
import type { Logger } from 'pino';
import { type Applier, ConfigLoadError } from '../emitters/applier.ts';
import { ConfigRejectedError } from '../emitters/config/writer.ts';
import type { Metrics } from '../http/metrics.ts';
import { buildModel, type ModelOptions } from '../model/build.ts';
import { ModelMemo } from '../model/memo.ts';
import type { DesiredState } from '../model/types.ts';
import {
  formatProblem,
  PROBLEM_REASONS,
  type Problem,
  type ProblemReason,
  refLabel,
} from '../store/problems.ts';
import type { Snapshot, Store } from '../store/store.ts';
import { EndpointTally } from './endpoint-tally.ts';
import { PendingChanges } from './pending-changes.ts';

export interface LoopOptions {
  /** Quiet time that ends a burst of changes. */
  debounceMs: number;
  /** Longest a change waits while changes keep coming. */
  maxDelayMs: number;
  /** Sees every model built, with the snapshot it came from (cluster mode: status and Events). */
  onModel?: (state: DesiredState, snapshot: Snapshot) => void;
  /** Told how long each pass took, failed ones included (the idle collector). */
  afterPass?: (seconds: number) => void;
  /** Told how long the model took, before its state is applied (the idle collector). */
  afterModel?: (seconds: number) => void;
}

export class ReconcileLoop {
  readonly #store: Store;
  readonly #model: ModelOptions;
  readonly #applier: Applier;
  readonly #metrics: Metrics;
  readonly #log: Logger;
  readonly #timing: LoopOptions;
  #dirtySince: number | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #failures = 0;
  #stopped = false;
  #served = false;
  #reportedProblems = new Set<string>();
  /** Set while HAProxy refuses the config the current input renders to. */
  #loadProblem: Problem | undefined;
  readonly #changes: PendingChanges;
  /** What earlier passes computed: a pass costs what changed. */
  readonly #memo = new ModelMemo();
  readonly #endpoints = new EndpointTally();

  constructor(
    store: Store,
    model: ModelOptions,
    applier: Applier,
    metrics: Metrics,
    log: Logger,
    timing: LoopOptions,
  ) {
    this.#store = store;
    this.#model = model;
    this.#applier = applier;
    this.#metrics = metrics;
    this.#changes = new PendingChanges(metrics.changeToServed);
    this.#log = log.child({ component: 'reconcile' });
    this.#timing = timing;
  }

  /** True once HAProxy serves a complete config built from a full load of the sources. */
  get served(): boolean {
    return this.#served;
  }

  start(): void {
    this.#store.on('change', () => this.#changes.mark());
    this.#store.on('change', () => this.markDirty());
    this.markDirty(0);
  }

  stop(): Promise<void> | undefined {
    this.#stopped = true;
    clearTimeout(this.#timer);
    return this.#running;
  }

  markDirty(delay = this.#timing.debounceMs): void {
    if (this.#stopped) return;
    const now = Date.now();
    this.#dirtySince ??= now;
    clearTimeout(this.#timer);
    const wait = Math.max(0, Math.min(delay, this.#dirtySince + this.#timing.maxDelayMs - now));
    this.#timer = setTimeout(() => void this.#kick(), wait);
  }

  /** Backoff after a failure: not shortened by the max-delay window, only by a new change. */
  #retry(delayMs: number): void {
    if (this.#stopped) return;
    this.#dirtySince = undefined;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#kick(), delayMs);
  }

  async #kick(): Promise<void> {
    if (this.#running) {
      // A pass is under way; run again right after it with whatever changed meanwhile.
      await this.#running;
      if (this.#dirtySince !== undefined) this.markDirty(0);
      return;
    }
    this.#dirtySince = undefined;
    this.#running = this.#pass().finally(() => {
      this.#running = undefined;
    });
    await this.#running;
  }

  async #pass(): Promise<void> {
    const started = performance.now();
    const changes = this.#changes.take();
    try {
      const snapshot = this.#store.snapshot();
      const modelStarted = performance.now();
      const state = buildModel(snapshot, this.#model, this.#memo);
      const modelMs = performance.now() - modelStarted;
      this.#timing.afterModel?.(modelMs / 1000);
      this.#metrics.backends.set(state.backends.length);
      const { ready, drain } = this.#endpoints.count(state.backends);
      this.#metrics.endpoints.set(ready, { state: 'ready' });
      this.#metrics.endpoints.set(drain, { state: 'drain' });
      // The model's problems, what the installed config said (dropped snippets, warnings)
      // and a config HAProxy refused: each logged once while it lasts.
      const allProblems = () => [
        ...state.problems,
        ...this.#applier.problems(),
        ...(this.#loadProblem ? [this.#loadProblem] : []),
      ];
      this.#reportProblems(allProblems());
      let outcome: Awaited<ReturnType<Applier['apply']>>;
      try {
        outcome = await this.#applier.apply(state);
      } catch (error) {
        if (error instanceof ConfigLoadError) {
          this.#loadProblem = loadProblemOf(error);
          this.#reportProblems(allProblems());
        }
        throw error;
      }
      this.#loadProblem = undefined;
      const problems = allProblems();
      this.#reportProblems(problems);
      // Status and Events describe what HAProxy now serves.
      this.#timing.onModel?.({ ...state, problems }, snapshot);
      this.#changes.served(changes, outcome);
      this.#log.debug(
        {
          outcome,
          snapshotMs: Math.round(modelStarted - started),
          modelMs: Math.round(modelMs),
          applyMs: Math.round(performance.now() - modelStarted - modelMs),
          problems: problems.length,
        },
        'reconcile pass',
      );
      this.#metrics.reconciles.inc(1, { outcome });
      this.#failures = 0;
      this.#served = true;
    } catch (error) {
      this.#failures++;
      this.#metrics.reconciles.inc(1, { outcome: 'error' });
      if (error instanceof ConfigRejectedError) {
        this.#metrics.validationFailures.inc();
        this.#log.error(
          { haproxy: error.output },
          'candidate config rejected by haproxy -c; HAProxy keeps the last good config',
        );
        // The input is at fault: retrying the same snapshot cannot help, the next change will.
        return;
      }
      if (error instanceof ConfigLoadError) {
        // Same cause: only a change of input can help; nothing is retried until then.
        return;
      }
      const retryMs = Math.min(30_000, 200 * 2 ** Math.min(this.#failures, 8));
      this.#log.error({ err: error, retryMs }, 'reconcile failed; retrying');
      this.#changes.putBack(changes);
      this.#retry(retryMs);
    } finally {
      const seconds = (performance.now() - started) / 1000;
      this.#metrics.reconcileSeconds.set(seconds);
      this.#metrics.reconcileDuration.observe(seconds);
      this.#timing.afterPass?.(seconds);
    }
  }

  /** Logs each problem once while it lasts, instead of on every pass. */
  #reportProblems(problems: readonly Problem[]): void {
    const current = new Set<string>();
    const counts = new Map<string, number>();
    for (const problem of problems) {
      const message = formatProblem(problem);
      current.add(message);
      const series = `${problem.severity}\u0000${problem.reason}`;
      counts.set(series, (counts.get(series) ?? 0) + 1);
      if (this.#reportedProblems.has(message)) continue;
      const fields = { object: refLabel(problem.ref), field: problem.field, reason: problem.reason };
      if (problem.severity === 'error') this.#log.error(fields, message);
      else this.#log.warn(fields, message);
    }
    this.#reportedProblems = current;
    for (const severity of ['error', 'warning'] as const)
      for (const reason of Object.keys(PROBLEM_REASONS) as ProblemReason[])
        this.#metrics.problems.set(counts.get(`${severity}\u0000${reason}`) ?? 0, { severity, reason });
  }
}

/** A refused config as a problem: logged once while it lasts, counted, with HAProxy's own lines. */
function loadProblemOf(error: ConfigLoadError): Problem {
  const said = error.output
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' | ');
  return {
    ref: { file: 'haproxy.cfg' },
    reason: 'ConfigNotLoaded',
    message: `HAProxy refused to load the config for the current input (${error.reason}); the last good config keeps serving until the input changes: ${said}`,
    severity: 'error',
  };
}
