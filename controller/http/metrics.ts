/** A minimal Prometheus registry: counters and gauges with labels, text exposition format. */

type Labels = Record<string, string>;

const labelKey = (labels: Labels): string =>
  Object.keys(labels)
    .sort()
    .map((k) => `${k}="${String(labels[k]).replace(/["\\\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`))}"`)
    .join(',');

class Series {
  readonly #values = new Map<string, number>();
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge';
  constructor(name: string, help: string, type: 'counter' | 'gauge') {
    this.name = name;
    this.help = help;
    this.type = type;
  }

  protected add(delta: number, labels: Labels): void {
    const key = labelKey(labels);
    this.#values.set(key, (this.#values.get(key) ?? 0) + delta);
  }

  protected put(value: number, labels: Labels): void {
    this.#values.set(labelKey(labels), value);
  }

  get(labels: Labels = {}): number {
    return this.#values.get(labelKey(labels)) ?? 0;
  }

  total(): number {
    let sum = 0;
    for (const v of this.#values.values()) sum += v;
    return sum;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`];
    if (this.#values.size === 0 && this.type === 'counter') lines.push(`${this.name} 0`);
    for (const [key, value] of this.#values) lines.push(`${this.name}${key ? `{${key}}` : ''} ${value}`);
    return lines.join('\n');
  }
}

export class Counter extends Series {
  constructor(name: string, help: string) {
    super(name, help, 'counter');
  }
  inc(by = 1, labels: Labels = {}): void {
    this.add(by, labels);
  }
}

export class Gauge extends Series {
  constructor(name: string, help: string) {
    super(name, help, 'gauge');
  }
  set(value: number, labels: Labels = {}): void {
    this.put(value, labels);
  }
}

export class Metrics {
  readonly reloads = new Counter(
    'haproxy_reloads_total',
    'HAProxy reloads done by the controller, by reason.',
  );
  readonly runtimeCommands = new Counter(
    'haproxy_sidecar_runtime_commands_total',
    'Runtime API commands applied instead of reloading.',
  );
  readonly validationFailures = new Counter(
    'haproxy_sidecar_config_rejected_total',
    'Candidate configs that failed haproxy -c and were not loaded.',
  );
  readonly reconciles = new Counter('haproxy_sidecar_reconciles_total', 'Reconcile passes, by outcome.');
  readonly reconcileSeconds = new Gauge(
    'haproxy_sidecar_last_reconcile_seconds',
    'Duration of the last reconcile pass (model, render, apply).',
  );
  readonly problems = new Gauge('haproxy_sidecar_problems', 'Problems found in the input, by severity.');
  readonly backends = new Gauge('haproxy_sidecar_backends', 'Backends in the desired state.');
  readonly endpoints = new Gauge('haproxy_sidecar_endpoints', 'Pods in the desired state, by state.');
  readonly leader = new Gauge(
    'haproxy_sidecar_leader',
    'Cluster mode: 1 while this replica holds the Lease and writes status and Events.',
  );
  readonly watchFailures = new Counter(
    'haproxy_sidecar_watch_failures_total',
    'Cluster mode: list/watch failures that led to a relist, by resource.',
  );

  render(): string {
    const series = [
      this.reloads,
      this.runtimeCommands,
      this.validationFailures,
      this.reconciles,
      this.reconcileSeconds,
      this.problems,
      this.backends,
      this.endpoints,
      this.leader,
      this.watchFailures,
    ];
    const memory = process.memoryUsage();
    return `${[
      ...series.map((s) => s.render()),
      '# HELP process_resident_memory_bytes Resident memory size in bytes.',
      '# TYPE process_resident_memory_bytes gauge',
      `process_resident_memory_bytes ${memory.rss}`,
      '# HELP nodejs_heap_used_bytes V8 heap in use.',
      '# TYPE nodejs_heap_used_bytes gauge',
      `nodejs_heap_used_bytes ${memory.heapUsed}`,
    ].join('\n')}\n`;
  }
}
