/**
 * The Grafana dashboard shipped in the chart (and in manifests/options/) asks only for what
 * exists: every metric its queries name is on the controller's /metrics or on HAProxy's
 * exporter (port 1024 /metrics) of a running controller, every label it groups by is on the
 * metric, and every label value it matches is one the metric takes, after real traffic and a
 * reload. Runs on every HAProxy the suite runs on: the exporter's names are HAProxy's.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { load } from 'js-yaml';
import { z } from 'zod';
import { TestController } from './harness/controller.ts';
import { httpGet } from './harness/http.ts';
import { ingress } from './harness/objects.ts';
import { type Exposition, parseExposition } from './harness/prometheus.ts';
import { Backends, expectRoute, SERVICE_PORT } from './harness/routing.ts';

const DASHBOARD = new URL(
  '../charts/haproxy-sidecar-ingress/dashboards/haproxy-sidecar-ingress.json',
  import.meta.url,
);
const MANIFEST = new URL('../manifests/options/grafana-dashboard.yaml', import.meta.url);

const Target = z.looseObject({ expr: z.string() });
type Panel = { type: string; title?: string; targets?: z.infer<typeof Target>[]; panels?: Panel[] };
const Panel: z.ZodType<Panel> = z.lazy(() =>
  z.looseObject({
    type: z.string(),
    title: z.string().optional(),
    targets: z.array(Target).optional(),
    panels: z.array(Panel).optional(),
  }),
);
const Dashboard = z.looseObject({
  uid: z.string(),
  panels: z.array(Panel),
  templating: z.object({
    list: z.array(
      z.looseObject({ name: z.string(), query: z.union([z.string(), z.object({ query: z.string() })]) }),
    ),
  }),
  annotations: z.object({ list: z.array(z.looseObject({ expr: z.string().optional() })) }),
});

/** Labels Prometheus adds from the scrape target (the ServiceMonitor's pods), not the exporters. */
const TARGET_LABELS = new Set(['namespace', 'pod']);
/** PromQL functions, aggregations and keywords the dashboard uses; anything else bare is a mistake. */
const PROMQL_WORDS = new Set([
  'sum',
  'max',
  'min',
  'avg',
  'by',
  'rate',
  'increase',
  'changes',
  'histogram_quantile',
  'label_values',
]);
/** Metrics that may have no series yet in this test: checked for being declared, not for samples. */
const DECLARED_ONLY = new Set([
  // Written in cluster mode only.
  'haproxy_sidecar_watch_failures_total',
  'haproxy_sidecar_watch_expired_total',
  // No series before the first garbage collection, which a short run may not see.
  'nodejs_gc_duration_seconds',
]);

interface Selector {
  metric: string;
  matchers: { label: string; op: string; value: string }[];
}

interface Query {
  where: string;
  expr: string;
  selectors: Selector[];
  /** Labels of `by (...)` and label_values(): they must be on the metrics of the query. */
  labels: string[];
}

/** The metric selectors and grouping labels of one PromQL expression (or a label_values() query). */
function parseQuery(where: string, expr: string): Query {
  const selectors: Selector[] = [];
  for (const [, metric = '', body = ''] of expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{([^}]*)\}/g)) {
    const matchers = [...body.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g)].map(
      ([, label = '', op = '', value = '']) => ({ label, op, value }),
    );
    selectors.push({ metric, matchers });
  }
  const labels = [...expr.matchAll(/\bby\s*\(([^)]*)\)/g)].flatMap(([, list = '']) =>
    list
      .split(',')
      .map((l) => l.trim())
      .filter(Boolean),
  );
  const valuesOf = /^label_values\(.*,\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)$/s.exec(expr.trim());
  if (valuesOf?.[1]) labels.push(valuesOf[1]);
  // What is left once selectors, ranges, groupings, strings and numbers are gone: functions only.
  const rest = expr
    .replace(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\bby\s*\([^)]*\)/g, ' by ')
    .replace(/,\s*[a-zA-Z_][a-zA-Z0-9_]*\s*\)\s*$/, ')')
    .replace(/"[^"]*"/g, ' ');
  const words = [...rest.matchAll(/[a-zA-Z_][a-zA-Z0-9_]*/g)].map(([w]) => w);
  const unknown = words.filter((w) => !PROMQL_WORDS.has(w));
  assert.deepEqual(
    unknown,
    [],
    `${where}: ${expr} names something that is neither a selector nor a function`,
  );
  return { where, expr, selectors, labels };
}

function queriesOf(dashboard: z.infer<typeof Dashboard>): Query[] {
  const queries: Query[] = [];
  const walk = (panels: Panel[]) => {
    for (const panel of panels) {
      for (const target of panel.targets ?? [])
        queries.push(parseQuery(`panel "${panel.title}"`, target.expr));
      walk(panel.panels ?? []);
    }
  };
  walk(dashboard.panels);
  for (const variable of dashboard.templating.list)
    if (variable.name !== 'datasource') {
      const query = typeof variable.query === 'string' ? variable.query : variable.query.query;
      queries.push(parseQuery(`variable $${variable.name}`, query));
    }
  for (const annotation of dashboard.annotations.list)
    if (annotation.expr) queries.push(parseQuery('annotation', annotation.expr));
  return queries;
}

/** The series of a sample name, each as its labels. */
function seriesOf(exposition: Exposition, name: string): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  for (const series of exposition.samples.keys()) {
    const brace = series.indexOf('{');
    if ((brace < 0 ? series : series.slice(0, brace)) !== name) continue;
    const labels: Record<string, string> = {};
    for (const [, k = '', v = ''] of series
      .slice(brace + 1)
      .matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[k] = v;
    out.push(labels);
  }
  return out;
}

/** The family a sample name belongs to: itself, or the histogram its _bucket/_sum/_count series are part of. */
function familyOf(exposition: Exposition, name: string): string | undefined {
  if (exposition.types.has(name)) return name;
  const base = name.replace(/_(bucket|sum|count)$/, '');
  return ['histogram', 'summary'].includes(exposition.types.get(base) ?? '') ? base : undefined;
}

describe('the Grafana dashboard', () => {
  let controller: TestController;
  let backends: Backends;
  let dashboard: z.infer<typeof Dashboard>;
  let endpoints: { name: string; exposition: Exposition }[];

  before(async () => {
    dashboard = Dashboard.parse(JSON.parse(await readFile(DASHBOARD, 'utf8')));
    backends = await Backends.start(['web', 'api']);
    const route = (name: string) =>
      ingress(name, {
        rules: [{ host: `${name}.example`, paths: [{ path: '/', service: name, port: SERVICE_PORT }] }],
      });
    controller = await TestController.create({ 'web.yaml': [...backends.manifests(), route('web')] });
    await controller.start();
    // Traffic, a 404 from the default backend, and a reload (a new backend).
    await expectRoute(controller, 'web.example', '/', 'web', 10_000);
    for (let i = 0; i < 20; i++) await controller.get('web.example', `/${i}`);
    await controller.get('nobody.example', '/');
    await controller.write('api.yaml', [route('api')]);
    await expectRoute(controller, 'api.example', '/', 'api', 10_000);
    for (let i = 0; i < 5; i++) await controller.get('api.example', '/');
    // The new worker can serve before the controller has counted its reload.
    assert.ok((await controller.reloads()) >= 1, 'a new backend reloaded HAProxy');
    endpoints = [
      { name: 'controller /metrics', exposition: parseExposition(await controller.metrics()) },
      {
        name: "HAProxy's exporter",
        exposition: parseExposition((await httpGet(controller.ports.stats, '/metrics')).body),
      },
    ];
  });

  after(async () => {
    await controller?.cleanup();
    await backends?.stop();
  });

  it('is the dashboard manifests/options/ ships', async () => {
    const configMap = z
      .object({
        metadata: z.object({ labels: z.record(z.string(), z.string()) }),
        data: z.record(z.string(), z.string()),
      })
      .parse(load(await readFile(MANIFEST, 'utf8')));
    assert.equal(configMap.metadata.labels.grafana_dashboard, '1');
    assert.deepEqual(
      JSON.parse(configMap.data['haproxy-sidecar-ingress.json'] ?? ''),
      JSON.parse(await readFile(DASHBOARD, 'utf8')),
    );
  });

  it('queries only metrics the two /metrics endpoints expose, with the labels and values it asks for', () => {
    const queries = queriesOf(dashboard);
    assert.ok(queries.length > 20, `${queries.length} queries`);
    const seen = new Set<string>();
    for (const query of queries) {
      const series: Record<string, string>[] = [];
      for (const { metric, matchers } of query.selectors) {
        seen.add(metric);
        const at = endpoints.find((e) => familyOf(e.exposition, metric));
        assert.ok(at, `${query.where}: ${metric} is on neither endpoint`);
        const family = familyOf(at.exposition, metric) as string;
        const samples = seriesOf(at.exposition, metric);
        if (DECLARED_ONLY.has(family)) continue;
        assert.ok(samples.length > 0, `${query.where}: ${metric} has no series on ${at.name}`);
        for (const { label, op, value } of matchers) {
          if (TARGET_LABELS.has(label) || value.includes('$')) continue;
          const takes = (v: string | undefined) =>
            op === '=' ? v === value : op === '=~' ? new RegExp(`^(?:${value})$`).test(v ?? '') : true;
          assert.ok(
            samples.some((s) => takes(s[label])),
            `${query.where}: no series of ${metric} has ${label}${op}"${value}" (${at.name})`,
          );
        }
        series.push(...samples);
      }
      for (const label of query.labels) {
        if (
          TARGET_LABELS.has(label) ||
          query.selectors.every((s) => DECLARED_ONLY.has(s.metric.replace(/_(bucket|sum|count)$/, '')))
        )
          continue;
        assert.ok(
          series.some((s) => label in s),
          `${query.where}: grouped by ${label}, which no series of ${query.selectors.map((s) => s.metric).join(', ')} has`,
        );
      }
    }
    // What the dashboard is for: per-backend traffic from HAProxy, and the controller's own figures.
    for (const metric of [
      'haproxy_backend_http_requests_total',
      'haproxy_backend_http_responses_total',
      'haproxy_backend_response_time_average_seconds',
      'haproxy_reloads_total',
      'haproxy_sidecar_runtime_commands_total',
      'haproxy_sidecar_problems',
      'haproxy_sidecar_reconcile_duration_seconds_bucket',
      'haproxy_sidecar_change_to_served_seconds_bucket',
      'haproxy_sidecar_reload_duration_seconds_bucket',
      'haproxy_sidecar_runtime_api_round_trip_seconds_bucket',
    ])
      assert.ok(seen.has(metric), `the dashboard shows ${metric}`);
  });

  it('takes the backends of the $backend variable from the series HAProxy exposes for them', () => {
    const haproxy = endpoints[1]?.exposition as Exposition;
    const proxies = new Set(seriesOf(haproxy, 'haproxy_backend_http_requests_total').map((s) => s.proxy));
    assert.ok(proxies.has('default_web_80') && proxies.has('default_api_80'), [...proxies].join(', '));
  });
});
