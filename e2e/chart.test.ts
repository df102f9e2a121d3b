/**
 * The Helm chart, through the helm CLI built from pinned Go modules: `helm lint`, and
 * `helm template` with the default values and with the two values files in the chart's ci/
 * folder, checked for what each value must change and for what no value may weaken (hardened
 * containers, names the controller's flags and its RBAC agree on). Creating the rendered
 * objects in a real API server: chart-cluster.test.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { load } from 'js-yaml';
import { z } from 'zod';
import { parseOptions } from '../controller/cli/options.ts';
import { CHART_DIR, helm, type TemplateOptions, template } from './helm/helm.ts';
import { DEFAULT_CLASS_VALUES, LOAD_BALANCER_VALUES, RELEASES, type ReleaseName } from './helm/releases.ts';
import { type Install, installOf, type Service } from './helm/rendered.ts';

const render = async (options: TemplateOptions) => installOf(await template(options));
/** helm's error output for values it refuses to render. */
const refusal = (options: TemplateOptions) =>
  template(options).then(
    () => assert.fail('helm rendered the chart'),
    (error: Error) => error.message,
  );

const packageVersion = z
  .object({ version: z.string() })
  .parse(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))).version;

/** The flags manifests/ passed before the chart existed: the default render passes the same. */
const MANIFEST_FLAGS = [
  '--configmap=haproxy-controller/haproxy-configmap',
  '--ingress.class=haproxy',
  '--publish-service=haproxy-controller/haproxy-ingress',
  '--election-id=haproxy-sidecar-ingress-leader',
  '--config-dir=/var/run/haproxy/config',
  '--runtime-dir=/var/run/haproxy/run',
  '--haproxy-master-socket=/var/run/haproxy/run/master.sock',
];

describe('helm chart', () => {
  const installs = {} as Record<ReleaseName, Install>;

  before(async () => {
    for (const [name, options] of Object.entries(RELEASES))
      installs[name as ReleaseName] = await render(options);
  });

  it('passes helm lint --strict with the default values and with each values file', async () => {
    for (const files of [[], [LOAD_BALANCER_VALUES], [DEFAULT_CLASS_VALUES]]) {
      const { stdout } = await helm([
        'lint',
        '--strict',
        CHART_DIR,
        ...files.flatMap((f) => ['--values', f]),
      ]);
      assert.match(stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
    }
    await assert.rejects(
      helm(['lint', '--strict', CHART_DIR, '--set', 'service.type=External']),
      /service\/type.*must be one of/,
    );
  });

  it('follows package.json: chart version, appVersion and the default image tag', () => {
    const chart = z
      .object({ version: z.string(), appVersion: z.string() })
      .parse(load(readFileSync(join(CHART_DIR, 'Chart.yaml'), 'utf8')));
    assert.equal(chart.version, packageVersion);
    assert.equal(chart.appVersion, packageVersion);
    const { pod } = installs.defaults;
    for (const c of pod.containers)
      assert.equal(c.image, `ghcr.io/haproxy-sidecar-ingress/haproxy-sidecar-ingress:${packageVersion}`);
  });

  it('renders, by default, the install of manifests/: same flags, NodePort without stats, a PDB, no ServiceMonitor', () => {
    const install = installs.defaults;
    assert.deepEqual(install.container('controller').args, MANIFEST_FLAGS);
    assert.equal(install.deployment.spec.replicas, 2);
    const service = install.service();
    assert.equal(service.spec.type, 'NodePort');
    assert.deepEqual(
      service.spec.ports.map((p) => [p.name, p.port, p.targetPort, p.nodePort]),
      [
        ['http', 80, 'http', undefined],
        ['https', 443, 'https', undefined],
      ],
      'the stats page (it lists every pod address) is not on every node',
    );
    assert.equal(service.spec.externalTrafficPolicy, undefined);
    const pdb = install.one('PodDisruptionBudget');
    assert.deepEqual(pdb.spec, { maxUnavailable: 1, selector: install.deployment.spec.selector });
    assert.deepEqual(install.kinds('ServiceMonitor'), []);
    assert.equal(install.ingressClass().metadata.annotations, undefined, 'not the default class');
    assert.equal(install.one('Namespace').metadata.name, 'haproxy-controller');
  });

  it('leaves the Namespace to `helm install --create-namespace` unless namespace.create is set', async () => {
    const install = await render({ release: 'haproxy', namespace: 'haproxy-controller' });
    assert.deepEqual(install.kinds('Namespace'), []);
    assert.equal(install.objects.length, installs.defaults.objects.length - 1);
  });

  it('keeps every container hardened and every name the flags use consistent, whatever the values', () => {
    for (const [name, install] of Object.entries(installs)) {
      const { pod } = install;
      assert.equal(pod.terminationGracePeriodSeconds, 60, `${name}: grace period`);
      assert.ok(!pod.hostNetwork && !pod.hostPID && !pod.hostIPC, `${name}: no host namespaces`);
      for (const v of pod.volumes) assert.ok(v.emptyDir, `${name}: volume ${v.name} is an emptyDir`);
      for (const c of pod.containers) {
        const sc = { ...pod.securityContext, ...c.securityContext };
        assert.equal(sc.runAsNonRoot, true, `${name}/${c.name}: runAsNonRoot`);
        assert.equal(sc.readOnlyRootFilesystem, true, `${name}/${c.name}: readOnlyRootFilesystem`);
        assert.equal(sc.allowPrivilegeEscalation, false, `${name}/${c.name}: allowPrivilegeEscalation`);
        assert.deepEqual(sc.capabilities, { drop: ['ALL'] }, `${name}/${c.name}: capabilities`);
        assert.equal(sc.seccompProfile?.type, 'RuntimeDefault', `${name}/${c.name}: seccomp`);
        assert.ok(c.readinessProbe && c.livenessProbe, `${name}/${c.name}: probes`);
      }
      install.assertConsistent();
    }
  });

  it('LoadBalancer values: Service, PDB, ServiceMonitor, extra flags, resources, image and settings', () => {
    const install = installs.loadBalancer;
    const service = install.service();
    assert.equal(service.spec.type, 'LoadBalancer');
    assert.equal(service.spec.externalTrafficPolicy, 'Local');
    assert.deepEqual(service.spec.loadBalancerSourceRanges, ['203.0.113.0/24']);
    assert.deepEqual(service.metadata.annotations, {
      'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb',
    });
    assert.deepEqual(
      service.spec.ports.map((p) => [p.name, p.port, p.nodePort]),
      [
        ['http', 80, 30080],
        ['https', 443, 30443],
      ],
    );
    assert.deepEqual(install.one('PodDisruptionBudget').spec, {
      minAvailable: 2,
      selector: install.deployment.spec.selector,
    });

    const controller = install.container('controller');
    assert.deepEqual(controller.args.slice(-3), [
      '--allow-config-snippets',
      '--sync-debounce=200',
      '--namespace-blacklist=kube-system',
    ]);
    const options = parseOptions(controller.args);
    assert.equal(options['allow-config-snippets'], true);
    assert.deepEqual(options['namespace-blacklist'], ['kube-system']);
    assert.deepEqual(controller.resources, {
      requests: { cpu: '250m', memory: '256Mi' },
      limits: { cpu: '2', memory: '1Gi' },
    });
    assert.deepEqual(install.container('haproxy').resources, {
      requests: { cpu: '1', memory: '512Mi' },
      limits: { cpu: '4', memory: '2Gi' },
    });
    for (const c of install.pod.containers) {
      assert.equal(c.image, 'registry.example.com/ingress/haproxy-sidecar-ingress:0.1.0-rc.1');
      assert.equal(c.imagePullPolicy, 'Always');
    }
    assert.equal(install.deployment.spec.replicas, 3);
    // Maps merge with the defaults; numbers become the strings a ConfigMap holds.
    assert.deepEqual(install.configMap().data, {
      maxconn: '20000',
      nbthread: '4',
      'timeout-client': '30s',
      'timeout-connect': '5s',
      'timeout-server': '50s',
    });
  });

  it('LoadBalancer values: the ServiceMonitor scrapes HAProxy and the controller through an in-cluster Service', () => {
    const install = installs.loadBalancer;
    const monitor = install.serviceMonitor();
    assert.equal(monitor.apiVersion, 'monitoring.coreos.com/v1');
    assert.equal(monitor.metadata.labels?.release, 'prometheus');
    const scraped = install
      .services()
      .filter((s) =>
        Object.entries(monitor.spec.selector.matchLabels).every(([k, v]) => s.metadata.labels?.[k] === v),
      );
    assert.equal(scraped.length, 1, 'the ServiceMonitor selects one Service');
    const metrics = scraped[0] as Service;
    assert.notEqual(metrics.metadata.name, install.service().metadata.name, 'not the public Service');
    assert.equal(metrics.spec.type, 'ClusterIP');
    assert.equal(metrics.spec.clusterIP, 'None');
    assert.deepEqual(metrics.spec.selector, install.deployment.spec.selector.matchLabels);
    const endpoints = z
      .array(z.strictObject({ port: z.string(), path: z.string(), interval: z.string() }))
      .parse(monitor.spec.endpoints);
    const targets = endpoints.map((e) => {
      const port = metrics.spec.ports.find((p) => p.name === e.port);
      assert.ok(port, `the metrics Service has port ${e.port}`);
      return [e.path, e.interval, install.containerPort(port.targetPort)];
    });
    const options = parseOptions(install.container('controller').args);
    assert.deepEqual(targets, [
      ['/metrics', '15s', options['stats-bind-port']],
      ['/metrics', '15s', options['controller-port']],
    ]);
  });

  it("LoadBalancer values: the Grafana dashboard in a ConfigMap that Grafana's dashboard sidecar loads", () => {
    const dashboards = (install: Install) =>
      install.kinds('ConfigMap').filter((c) => c.metadata.labels?.grafana_dashboard === '1');
    assert.deepEqual(dashboards(installs.defaults), [], 'off by default');
    const [configMap, ...more] = dashboards(installs.loadBalancer);
    assert.equal(more.length, 0);
    assert.deepEqual(configMap?.metadata.annotations, { grafana_folder: 'Ingress' });
    const data = z.record(z.string(), z.string()).parse(configMap?.data);
    const shipped = readFileSync(join(CHART_DIR, 'dashboards', 'haproxy-sidecar-ingress.json'), 'utf8');
    assert.deepEqual(Object.keys(data), ['haproxy-sidecar-ingress.json']);
    assert.deepEqual(JSON.parse(data['haproxy-sidecar-ingress.json'] ?? ''), JSON.parse(shipped));
  });

  it('default-class values: its own IngressClass as the default, one replica, stats on a ClusterIP Service, no PDB', () => {
    const install = installs.defaultClass;
    const ingressClass = install.ingressClass();
    assert.equal(ingressClass.metadata.name, 'internal');
    assert.deepEqual(ingressClass.metadata.annotations, {
      'ingressclass.kubernetes.io/is-default-class': 'true',
    });
    assert.equal(parseOptions(install.container('controller').args)['ingress.class'], 'internal');
    assert.equal(install.deployment.spec.replicas, 1);
    assert.deepEqual(install.kinds('PodDisruptionBudget'), []);
    const service = install.service();
    assert.equal(service.spec.type, 'ClusterIP');
    assert.deepEqual(
      service.spec.ports.map((p) => [p.name, p.port, install.containerPort(p.targetPort), p.nodePort]),
      [
        ['http', 8080, 8080, undefined],
        ['https', 8443, 8443, undefined],
        ['stats', 1024, 1024, undefined],
      ],
    );
    assert.equal(install.configMap().data?.['timeout-client'], '42s');
  });

  it('refuses values that would break the install, with the reason', async () => {
    const base = { release: 'haproxy', namespace: 'haproxy-controller' };
    assert.match(
      await refusal({ ...base, set: { 'controller.extraArgs': '{--election-id=other}' } }),
      /controller\.extraArgs: --election-id=other is set by the chart/,
    );
    assert.match(
      await refusal({ ...base, set: { 'controller.extraArgs': '{--stats-bind-port=9000}' } }),
      /--stats-bind-port=9000 is set by the chart/,
    );
    assert.match(
      await refusal({ ...base, set: { replica: '3' } }),
      /additional properties 'replica' not allowed/,
    );
    assert.match(
      await refusal({ ...base, set: { 'ingressClass.name': 'Not_A_Name' } }),
      /ingressClass\/name/,
    );
  });
});
