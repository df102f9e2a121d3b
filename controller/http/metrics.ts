/**
 * The controller's Prometheus metrics, on prom-client: its own counters, gauges and
 * histograms, the build info, and prom-client's standard process and Node runtime metrics
 * (memory, CPU, event-loop lag, GC). Each Metrics object has its own registry, so tests can
 * create several. The wrappers keep one call shape for every call site: `inc(by, labels)`,
 * `set(value, labels)`, `observe(seconds, labels)`.
 */
import * as prom from 'prom-client';
import { VERSION } from '../version.ts';

type Labels<L extends string> = Partial<Record<L, string | number>>;

export class Counter<L extends string = never> {
  readonly #metric: prom.Counter<L>;
  constructor(registry: prom.Registry, name: string, help: string, labelNames: readonly L[] = []) {
    this.#metric = new prom.Counter({ name, help, labelNames, registers: [registry] });
  }
  inc(by = 1, labels: Labels<L> = {}): void {
    this.#metric.inc(labels, by);
  }
}

export class Gauge<L extends string = never> {
  readonly #metric: prom.Gauge<L>;
  constructor(registry: prom.Registry, name: string, help: string, labelNames: readonly L[] = []) {
    this.#metric = new prom.Gauge({ name, help, labelNames, registers: [registry] });
  }
  set(value: number, labels: Labels<L> = {}): void {
    this.#metric.set(labels, value);
  }
}

export class Histogram<L extends string = never> {
  readonly #metric: prom.Histogram<L>;
  constructor(
    registry: prom.Registry,
    name: string,
    help: string,
    buckets: number[],
    labels: { names: readonly L[]; known?: Labels<L>[] } = { names: [] },
  ) {
    this.#metric = new prom.Histogram({
      name,
      help,
      buckets,
      labelNames: labels.names,
      registers: [registry],
    });
    // Series that exist before their first observation graph as zero instead of as a gap.
    for (const known of labels.known ?? []) this.#metric.zero(known);
  }
  observe(seconds: number, labels: Labels<L> = {}): void {
    this.#metric.observe(labels, seconds);
  }
  /** Runs `work` and observes how long it took, whether it succeeded or not. */
  async time<T>(work: () => Promise<T>, labels: Labels<L> = {}): Promise<T> {
    const end = this.#metric.startTimer(labels);
    try {
      return await work();
    } finally {
      end();
    }
  }
}

/** Bucket bounds in seconds, from a Runtime API round trip (sub-millisecond) to a slow reload. */
const FAST = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];
const PASS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const SLOW = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export interface MetricDescription {
  name: string;
  type: string;
  help: string;
  labels: string[];
  /** prom-client's standard process and Node runtime metrics, as opposed to the controller's own. */
  standard: boolean;
}

export class Metrics {
  readonly registry = new prom.Registry();
  readonly #standard: Set<string>;

  readonly reloads: Counter<'reason'>;
  readonly runtimeCommands: Counter;
  readonly validationFailures: Counter;
  readonly reloadFailures: Counter;
  readonly reconciles: Counter<'outcome'>;
  readonly reconcileSeconds: Gauge;
  readonly reconcileDuration: Histogram;
  readonly changeToServed: Histogram<'path'>;
  readonly reloadDuration: Histogram;
  readonly runtimeRoundTrip: Histogram;
  readonly problems: Gauge<'severity' | 'reason'>;
  readonly backends: Gauge;
  readonly endpoints: Gauge<'state'>;
  readonly leader: Gauge;
  readonly watchFailures: Counter<'resource'>;
  readonly watchExpired: Counter<'resource'>;

  constructor() {
    const r = this.registry;
    prom.collectDefaultMetrics({ register: r });
    this.#standard = new Set(r.getMetricsAsArray().map((m) => m.name));

    new Gauge<'version'>(
      r,
      'haproxy_sidecar_build_info',
      'Always 1; the version label is the controller version.',
      ['version'],
    ).set(1, { version: VERSION });
    this.reloads = new Counter(
      r,
      'haproxy_reloads_total',
      'HAProxy reloads done by the controller, by reason.',
      ['reason'],
    );
    this.runtimeCommands = new Counter(
      r,
      'haproxy_sidecar_runtime_commands_total',
      'Runtime API commands applied instead of reloading.',
    );
    this.validationFailures = new Counter(
      r,
      'haproxy_sidecar_config_rejected_total',
      'Candidate configs that failed haproxy -c and were not loaded.',
    );
    this.reloadFailures = new Counter(
      r,
      'haproxy_sidecar_reload_failures_total',
      'Configs that passed haproxy -c but HAProxy refused to load; the last good config kept serving.',
    );
    this.reconciles = new Counter(r, 'haproxy_sidecar_reconciles_total', 'Reconcile passes, by outcome.', [
      'outcome',
    ]);
    this.reconcileSeconds = new Gauge(
      r,
      'haproxy_sidecar_last_reconcile_seconds',
      'Duration of the last reconcile pass (model, render, apply).',
    );
    this.reconcileDuration = new Histogram(
      r,
      'haproxy_sidecar_reconcile_duration_seconds',
      'Duration of reconcile passes (model, render, apply), failed ones included.',
      PASS,
    );
    this.changeToServed = new Histogram(
      r,
      'haproxy_sidecar_change_to_served_seconds',
      'From a source event reaching the controller to HAProxy applying it, by how it was applied (runtime: Runtime API, reload: new worker).',
      SLOW,
      { names: ['path'], known: [{ path: 'runtime' }, { path: 'reload' }] },
    );
    this.reloadDuration = new Histogram(
      r,
      'haproxy_sidecar_reload_duration_seconds',
      'From asking the HAProxy master to reload to a new worker running the new config.',
      SLOW,
    );
    this.runtimeRoundTrip = new Histogram(
      r,
      'haproxy_sidecar_runtime_api_round_trip_seconds',
      'One round trip on the Runtime API socket (a batch of commands on one connection).',
      FAST,
    );
    this.problems = new Gauge(
      r,
      'haproxy_sidecar_problems',
      'Problems found in the input, by severity and reason (the reasons of docs/problems.md).',
      ['severity', 'reason'],
    );
    this.backends = new Gauge(r, 'haproxy_sidecar_backends', 'Backends in the desired state.');
    this.endpoints = new Gauge(r, 'haproxy_sidecar_endpoints', 'Pods in the desired state, by state.', [
      'state',
    ]);
    this.leader = new Gauge(
      r,
      'haproxy_sidecar_leader',
      'Cluster mode: 1 while this replica holds the Lease and writes status and Events.',
    );
    this.watchFailures = new Counter(
      r,
      'haproxy_sidecar_watch_failures_total',
      'Cluster mode: list/watch failures that led to a relist, by resource.',
      ['resource'],
    );
    this.watchExpired = new Counter(
      r,
      'haproxy_sidecar_watch_expired_total',
      'Cluster mode: watches ended by the API server with 410 Gone (resourceVersion too old), each followed by a relist, by resource.',
      ['resource'],
    );
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition of every metric. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** Every metric this controller exposes, sorted by name: the reference for docs and dashboards. */
  describe(): MetricDescription[] {
    return this.registry
      .getMetricsAsArray()
      .map((m) => {
        const metric = m as unknown as { name: string; help: string; type: string; labelNames?: string[] };
        return {
          name: metric.name,
          type: metric.type,
          help: metric.help,
          labels: [...(metric.labelNames ?? [])],
          standard: this.#standard.has(metric.name),
        };
      })
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  }
}
