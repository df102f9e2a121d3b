/**
 * `render` and `lint`, the subcommands for CI: on a `kubectl get -o yaml` dump (a List, with
 * status, managedFields and the rest) and on `helm template` output as they are. render
 * writes exactly the files the controller applies for the same objects and flags; lint
 * reports every problem (typed, also as JSON), runs haproxy -c on the config and fails the
 * run when anything is wrong.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { TestController } from './harness/controller.ts';
import { HAPROXY_BIN } from './harness/haproxy-bin.ts';
import { CHART_DIR, helm } from './helm/helm.ts';
import { DEFAULT_RELEASE } from './helm/manifests.ts';

const BIN = fileURLToPath(new URL('../controller/cli/main.ts', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** What `kubectl get ingressclasses,ingresses,services,endpointslices,configmaps -A -o yaml` prints. */
const KUBECTL_DUMP = `apiVersion: v1
items:
- apiVersion: networking.k8s.io/v1
  kind: IngressClass
  metadata:
    annotations:
      kubectl.kubernetes.io/last-applied-configuration: |
        {"apiVersion":"networking.k8s.io/v1","kind":"IngressClass","metadata":{"annotations":{},"name":"haproxy"},"spec":{"controller":"haproxy.org/ingress-controller"}}
    creationTimestamp: "2026-01-05T10:00:00Z"
    generation: 1
    name: haproxy
    resourceVersion: "412"
    uid: 6d3c2a4e-0d0e-4a57-9a53-3c1c7a4a9b01
  spec:
    controller: haproxy.org/ingress-controller
- apiVersion: networking.k8s.io/v1
  kind: Ingress
  metadata:
    annotations:
      haproxy.org/timeout-server: 30s
    creationTimestamp: "2026-01-05T10:01:00Z"
    generation: 2
    managedFields:
    - apiVersion: networking.k8s.io/v1
      fieldsType: FieldsV1
      fieldsV1:
        f:metadata:
          f:annotations:
            .: {}
            f:haproxy.org/timeout-server: {}
        f:spec:
          f:ingressClassName: {}
          f:rules: {}
      manager: kubectl-client-side-apply
      operation: Update
      time: "2026-01-05T10:01:00Z"
    - apiVersion: networking.k8s.io/v1
      fieldsType: FieldsV1
      fieldsV1:
        f:status:
          f:loadBalancer:
            f:ingress: {}
      manager: haproxy-sidecar-ingress
      operation: Update
      subresource: status
      time: "2026-01-05T10:01:02Z"
    name: shop
    namespace: web
    resourceVersion: "1830"
    uid: 0b7f3f0e-5a35-4f0f-8d7c-2f5f1c0f5a11
  spec:
    ingressClassName: haproxy
    rules:
    - host: shop.example
      http:
        paths:
        - backend:
            service:
              name: shop
              port:
                name: http
          path: /
          pathType: Prefix
        - backend:
            service:
              name: shop
              port:
                number: 9000
          path: /admin
          pathType: Exact
  status:
    loadBalancer:
      ingress:
      - ip: 192.0.2.10
- apiVersion: v1
  kind: Service
  metadata:
    creationTimestamp: "2026-01-05T10:00:30Z"
    labels:
      app: shop
    name: shop
    namespace: web
    resourceVersion: "1201"
    uid: 2a0f2f52-6c44-4a3b-b1c4-7b5d0b0c1e22
  spec:
    clusterIP: 10.96.12.34
    clusterIPs:
    - 10.96.12.34
    internalTrafficPolicy: Cluster
    ipFamilies:
    - IPv4
    ipFamilyPolicy: SingleStack
    ports:
    - name: http
      port: 80
      protocol: TCP
      targetPort: 8080
    - name: admin
      port: 9000
      protocol: TCP
      targetPort: 9090
    selector:
      app: shop
    sessionAffinity: None
    type: ClusterIP
  status:
    loadBalancer: {}
- addressType: IPv4
  apiVersion: discovery.k8s.io/v1
  endpoints:
  - addresses:
    - 10.244.1.7
    conditions:
      ready: true
      serving: true
      terminating: false
    nodeName: node-1
    targetRef:
      kind: Pod
      name: shop-7d4b9c6f5-abcde
      namespace: web
      uid: 5f0c9f8e-1a2b-4c3d-8e9f-0a1b2c3d4e5f
    zone: zone-a
  - addresses:
    - 10.244.2.9
    conditions:
      ready: false
      serving: true
      terminating: true
    nodeName: node-2
    targetRef:
      kind: Pod
      name: shop-7d4b9c6f5-fghij
      namespace: web
      uid: 6a1d0a9f-2b3c-4d4e-9f0a-1b2c3d4e5f60
  kind: EndpointSlice
  metadata:
    annotations:
      endpoints.kubernetes.io/last-change-trigger-time: "2026-01-05T10:02:00Z"
    creationTimestamp: "2026-01-05T10:00:30Z"
    generateName: shop-
    generation: 4
    labels:
      endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io
      kubernetes.io/service-name: shop
    name: shop-x7k2p
    namespace: web
    ownerReferences:
    - apiVersion: v1
      blockOwnerDeletion: true
      controller: true
      kind: Service
      name: shop
      uid: 2a0f2f52-6c44-4a3b-b1c4-7b5d0b0c1e22
    resourceVersion: "1902"
    uid: 9c8b7a6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d
  ports:
  - name: http
    port: 8080
    protocol: TCP
  - name: admin
    port: 9090
    protocol: TCP
- apiVersion: v1
  data:
    timeout-client: 42s
  kind: ConfigMap
  metadata:
    creationTimestamp: "2026-01-05T09:59:00Z"
    name: haproxy-configmap
    namespace: default
    resourceVersion: "300"
    uid: 1e2d3c4b-5a69-4788-9a0b-1c2d3e4f5a6b
kind: List
metadata:
  resourceVersion: ""
`;

/** The flags the test controller runs with (e2e/harness/controller.ts): render takes the same. */
const controllerFlags = (controller: TestController) => [
  '--config-dir',
  controller.configDir,
  '--runtime-dir',
  controller.runtimeDir,
  '--ipv4-bind-address',
  '127.0.0.1',
  '--disable-ipv6',
  '--http-bind-port',
  String(controller.ports.http),
  '--https-bind-port',
  String(controller.ports.https),
  '--stats-bind-port',
  String(controller.ports.stats),
  '--healthz-bind-port',
  String(controller.ports.healthz),
  '--haproxy-bin',
  HAPROXY_BIN,
];

/** Files under `dir` (relative paths) that are readable by others: what render may write. */
async function publicFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if (((await stat(path)).mode & 0o044) !== 0) out.push(relative(dir, path));
  }
  return out.sort();
}

describe('render', () => {
  let controller: TestController;
  let out: string;

  before(async () => {
    controller = await TestController.create();
    await controller.writeRaw('cluster.yaml', KUBECTL_DUMP);
    await controller.start();
    out = await mkdtemp(join(tmpdir(), 'hsi-render-'));
  });

  after(async () => {
    await controller?.cleanup();
    await rm(out, { recursive: true, force: true });
  });

  it('writes exactly the haproxy.cfg, maps and crt-list the controller applied for a kubectl dump', async () => {
    const run = await cli([
      'render',
      '--manifests',
      controller.manifests,
      '--out',
      out,
      ...controllerFlags(controller),
    ]);
    assert.equal(run.code, 0, run.stderr);
    const written = await publicFiles(out);
    const applied = (await publicFiles(controller.configDir)).filter((f) => !f.startsWith('fallback/'));
    assert.deepEqual(written, applied);
    assert.ok(written.includes('haproxy.cfg') && written.includes('certs/crt-list.txt'), written.join(', '));
    for (const file of written)
      assert.equal(
        await readFile(join(out, file), 'utf8'),
        await readFile(join(controller.configDir, file), 'utf8'),
        file,
      );
    const config = await readFile(join(out, 'haproxy.cfg'), 'utf8');
    // The dump's objects are all in: the ConfigMap, the Service's two ports, the draining pod.
    assert.match(config, /timeout client 42s/);
    assert.match(config, /^backend web_shop_http$/m);
    assert.match(config, /^backend web_shop_9000$/m);
    assert.match(config, /server SRV_1 10\.244\.1\.7:8080 enabled/);
    assert.match(config, /server SRV_2 10\.244\.2\.9:8080 disabled/);
    assert.match(run.stderr, /not written \(they hold keys\): certs\/default-selfsigned\.pem/);
  });

  it('prints haproxy.cfg without --out, and everything as JSON with --output json', async () => {
    const text = await cli(['render', '--manifests', controller.manifests, ...controllerFlags(controller)]);
    assert.equal(text.code, 0, text.stderr);
    assert.equal(text.stdout, await controller.config());
    const json = await cli([
      'render',
      '--manifests',
      controller.manifests,
      '--output',
      'json',
      ...controllerFlags(controller),
    ]);
    const report = JSON.parse(json.stdout) as {
      files: { path: string; content: string }[];
      withheld: string[];
    };
    assert.equal(report.files.find((f) => f.path === 'haproxy.cfg')?.content, await controller.config());
    assert.deepEqual(report.withheld, ['certs/default-selfsigned.pem']);
  });
});

describe('lint', () => {
  let dir: string;
  const write = async (name: string, text: string) => {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, name), text);
  };
  const lint = (...args: string[]) =>
    cli(['lint', '--manifests', dir, '--haproxy-bin', HAPROXY_BIN, ...args]);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hsi-lint-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('passes a clean kubectl dump, after haproxy -c', async () => {
    await write('cluster.yaml', KUBECTL_DUMP);
    const run = await lint();
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /^haproxy -c \(HAProxy \d+\.\d+[^)]*\): the config is valid$/m);
    assert.match(run.stdout, /^0 errors, 0 warnings$/m);
  });

  it('reports every problem with its object, field and reason, and fails', async () => {
    await write(
      'more.yaml',
      `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: slow
  namespace: web
  annotations:
    haproxy.org/timeout-server: ten seconds
spec:
  ingressClassName: haproxy
  rules:
  - host: slow.example
    http:
      paths:
      - path: /
        pathType: Prefix
        backend: {service: {name: shop, port: {number: 80}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: theirs, namespace: web}
spec:
  ingressClassName: nginx
  rules: [{host: theirs.example}]
`,
    );
    await write('broken.yaml', 'kind: Service\nmetadata: [unclosed\n');
    const run = await lint('--output', 'json');
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout) as {
      problems: { ref: unknown; field?: string; reason: string; severity: string }[];
      haproxy: { check: string };
      errors: number;
      warnings: number;
      ok: boolean;
    };
    const brief = report.problems.map(({ ref, field, reason, severity }) => ({
      ref,
      field,
      reason,
      severity,
    }));
    assert.deepEqual(brief, [
      { ref: { file: 'broken.yaml' }, field: undefined, reason: 'InvalidObject', severity: 'error' },
      {
        ref: { kind: 'Ingress', namespace: 'web', name: 'theirs' },
        field: 'spec.ingressClassName',
        reason: 'IngressIgnored',
        severity: 'warning',
      },
      {
        ref: { kind: 'Ingress', namespace: 'web', name: 'slow' },
        field: 'haproxy.org/timeout-server',
        reason: 'InvalidValue',
        severity: 'error',
      },
    ]);
    assert.equal(report.haproxy.check, 'passed');
    assert.deepEqual([report.errors, report.warnings, report.ok], [2, 1, false]);

    const text = await lint();
    assert.equal(text.code, 1);
    assert.match(
      text.stdout,
      /^warning IngressIgnored +Ingress web\/theirs spec\.ingressClassName: class "nginx"/m,
    );
    assert.match(text.stdout, /^error +InvalidValue +Ingress web\/slow haproxy\.org\/timeout-server: /m);
    assert.match(text.stdout, /^2 errors, 1 warning: lint failed$/m);
    await rm(join(dir, 'more.yaml'));
    await rm(join(dir, 'broken.yaml'));
  });

  it('fails on warnings unless --fail-on error', async () => {
    await write(
      'theirs.yaml',
      'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: theirs, namespace: web}\n',
    );
    assert.equal((await lint()).code, 1);
    const run = await lint('--fail-on', 'error');
    assert.equal(run.code, 0, run.stdout);
    assert.match(run.stdout, /^0 errors, 1 warning$/m);
    await rm(join(dir, 'theirs.yaml'));
  });

  it('fails when haproxy -c refuses the config, with what HAProxy said', async () => {
    await write(
      'cluster.yaml',
      KUBECTL_DUMP.replace(
        '    timeout-client: 42s\n',
        '    timeout-client: 42s\n    log-format: "%[no_such_fetch]"\n',
      ),
    );
    const run = await lint('--output', 'json');
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout) as {
      haproxy: { check: string; output: string };
      problems: unknown[];
    };
    assert.deepEqual(report.problems, []);
    assert.equal(report.haproxy.check, 'failed');
    // The config's path as the controller writes it, not the scratch copy lint checked.
    assert.match(
      report.haproxy.output,
      /\/tmp\/haproxy-sidecar-ingress\/config\/haproxy\.cfg:\d+.*unknown fetch method 'no_such_fetch'/,
    );
    await write('cluster.yaml', KUBECTL_DUMP);
  });

  it('says it skipped haproxy -c without an HAProxy binary', async () => {
    const run = await cli(['lint', '--manifests', dir, '--haproxy-bin', join(dir, 'no-haproxy-here')]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(
      run.stdout,
      /^haproxy -c: skipped, no HAProxy binary: .*no-haproxy-here.*; pass --haproxy-bin PATH to check$/m,
    );
    const json = JSON.parse(
      (await cli(['lint', '--manifests', dir, '--haproxy-bin', join(dir, 'none'), '--output', 'json']))
        .stdout,
    );
    assert.equal(json.haproxy.check, 'skipped');
  });

  it('checks user templates: one whose config haproxy -c refuses fails the lint', async () => {
    const templates = await mkdtemp(join(tmpdir(), 'hsi-lint-templates-'));
    const backend = await readFile(new URL('../templates/partials/backend.hbs', import.meta.url), 'utf8');
    await writeFile(
      join(templates, 'backend.hbs'),
      backend.replace(/^(backend .*\n)/, '$1  not-a-keyword\n'),
    );
    const run = await lint('--templates', templates);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(
      run.stdout,
      /^error +InvalidTemplate +.*backend\.hbs: haproxy -c refuses the config they render: .*not-a-keyword/m,
    );
    await writeFile(
      join(templates, 'backend.hbs'),
      backend.replace(/^(backend .*\n)/, '$1  http-response set-header X-Linted yes\n'),
    );
    assert.equal((await lint('--templates', templates)).code, 0);
    await rm(templates, { recursive: true, force: true });
  });

  it('refuses a missing --manifests and unknown options with exit code 2', async () => {
    assert.equal((await cli(['lint'])).code, 2);
    assert.equal((await cli(['lint', '--manifests', dir, '--output', 'xml'])).code, 2);
    assert.equal((await cli(['render', '--manifests', join(dir, 'missing')])).code, 2);
    assert.match(
      (await cli(['lint', '--help'])).stdout,
      /^Usage: haproxy-sidecar-ingress lint --manifests DIR/,
    );
  });
});

describe('lint and render on helm template output', () => {
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hsi-helm-'));
    const { stdout } = await helm([
      'template',
      DEFAULT_RELEASE.release,
      CHART_DIR,
      '--namespace',
      DEFAULT_RELEASE.namespace,
      '--set',
      'namespace.create=true',
    ]);
    await writeFile(join(dir, 'chart.yaml'), stdout);
    await writeFile(
      join(dir, 'app.yaml'),
      KUBECTL_DUMP.replace(
        /- apiVersion: networking.k8s.io\/v1\n {2}kind: IngressClass[\s\S]*?(?=- apiVersion: networking.k8s.io\/v1\n {2}kind: Ingress\n)/,
        '',
      ),
    );
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const chartFlags = [
    '--configmap',
    `${DEFAULT_RELEASE.namespace}/haproxy-configmap`,
    '--haproxy-bin',
    HAPROXY_BIN,
  ];

  it("reads the chart's objects: its IngressClass serves the Ingress and its ConfigMap sets the globals", async () => {
    const run = await cli(['lint', '--manifests', dir, ...chartFlags]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const config = await cli(['render', '--manifests', dir, ...chartFlags]);
    assert.match(config.stdout, /^ {2}nbthread 2$/m);
    assert.match(config.stdout, /^backend web_shop_http$/m);
  });
});
