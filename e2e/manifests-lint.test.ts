/**
 * The install manifests (manifests/*.yaml, applied in file-name order) and the
 * image they run, checked for what a reviewer looks for: hardened containers,
 * probes, least-privilege RBAC, names that agree across files, ports that agree
 * with the controller's flags, and an image that holds what the pod runs.
 * Validation against a real API server is the cluster suite's job.
 */
import assert from 'node:assert/strict';
import { accessSync, constants, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadAll } from 'js-yaml';
import { z } from 'zod';
import { FLAGS, parseOptions } from '../controller/cli/options.ts';
import { ALL_KEYS } from '../controller/model/settings/keys.ts';
import { readKey, type SettingKey } from '../controller/model/settings/registry.ts';
import type { Problem } from '../controller/store/problems.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MANIFESTS = join(ROOT, 'manifests');
const NAMESPACE = 'haproxy-controller';

const Meta = z.object({
  name: z.string(),
  namespace: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
});
const Obj = z.looseObject({ apiVersion: z.string(), kind: z.string(), metadata: Meta });
type Obj = z.infer<typeof Obj>;

const Port = z.object({ name: z.string().optional(), containerPort: z.number(), protocol: z.string() });
const Probe = z.looseObject({
  httpGet: z.object({ path: z.string(), port: z.union([z.string(), z.number()]) }).optional(),
  tcpSocket: z.object({ port: z.union([z.string(), z.number()]) }).optional(),
});
const SecurityContext = z.looseObject({
  runAsNonRoot: z.boolean().optional(),
  runAsUser: z.number().optional(),
  allowPrivilegeEscalation: z.boolean().optional(),
  readOnlyRootFilesystem: z.boolean().optional(),
  capabilities: z
    .object({ drop: z.array(z.string()).optional(), add: z.array(z.string()).optional() })
    .optional(),
  seccompProfile: z.object({ type: z.string() }).optional(),
});
const EnvVar = z.object({
  name: z.string(),
  value: z.string().optional(),
  valueFrom: z.object({ fieldRef: z.object({ fieldPath: z.string() }) }).optional(),
});
const Container = z.looseObject({
  name: z.string(),
  image: z.string(),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  env: z.array(EnvVar).default([]),
  ports: z.array(Port).default([]),
  readinessProbe: Probe.optional(),
  livenessProbe: Probe.optional(),
  lifecycle: z.object({ preStop: z.object({ exec: z.object({ command: z.array(z.string()) }) }) }).optional(),
  resources: z
    .object({
      requests: z.record(z.string(), z.string()).optional(),
      limits: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
  securityContext: SecurityContext.optional(),
  volumeMounts: z.array(z.object({ name: z.string(), mountPath: z.string() })).default([]),
});
type Container = z.infer<typeof Container>;
const PodSpec = z.looseObject({
  serviceAccountName: z.string(),
  terminationGracePeriodSeconds: z.number(),
  hostNetwork: z.boolean().optional(),
  hostPID: z.boolean().optional(),
  hostIPC: z.boolean().optional(),
  securityContext: SecurityContext.optional(),
  initContainers: z.array(Container).default([]),
  containers: z.array(Container),
  volumes: z.array(z.looseObject({ name: z.string(), emptyDir: z.object({}).loose().optional() })),
});
const Deployment = Obj.extend({
  spec: z.looseObject({
    selector: z.object({ matchLabels: z.record(z.string(), z.string()) }),
    template: z.object({
      metadata: z.object({ labels: z.record(z.string(), z.string()) }),
      spec: PodSpec,
    }),
  }),
});
const Service = Obj.extend({
  spec: z.looseObject({
    type: z.string(),
    selector: z.record(z.string(), z.string()),
    ports: z.array(
      z.object({
        name: z.string(),
        port: z.number(),
        targetPort: z.union([z.string(), z.number()]),
        protocol: z.string(),
      }),
    ),
  }),
});
const Rule = z.object({
  apiGroups: z.array(z.string()),
  resources: z.array(z.string()),
  resourceNames: z.array(z.string()).optional(),
  verbs: z.array(z.string()),
});
const RoleObj = Obj.extend({ rules: z.array(Rule) });
const Binding = Obj.extend({
  roleRef: z.object({ kind: z.string(), name: z.string() }),
  subjects: z.array(z.object({ kind: z.string(), name: z.string(), namespace: z.string().optional() })),
});

function loadFile(path: string): Obj[] {
  return loadAll(readFileSync(path, 'utf8'))
    .filter((doc) => doc != null)
    .map((doc) => Obj.parse(doc));
}

const files = readdirSync(MANIFESTS)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const objects = files.flatMap((f) => loadFile(join(MANIFESTS, f)).map((o) => ({ file: f, o })));
const all = objects.map((x) => x.o);
const only = (kind: string) => {
  const found = all.filter((o) => o.kind === kind);
  assert.equal(found.length, 1, `exactly one ${kind}`);
  return found[0] as Obj;
};
const deployment = Deployment.parse(only('Deployment'));
const roles = all.filter((o) => o.kind === 'Role').map((o) => RoleObj.parse(o));
const pod = deployment.spec.template.spec;
const containers = [...pod.initContainers, ...pod.containers];
const container = (name: string) => {
  const c = pod.containers.find((x) => x.name === name);
  assert.ok(c, `container ${name}`);
  return c;
};
const controller = container('controller');
const haproxy = container('haproxy');
const options = parseOptions(controller.args ?? []);
const env = (c: Container, name: string) => c.env.find((e) => e.name === name)?.value;
const mountOf = (c: Container, path: string) => c.volumeMounts.find((m) => m.mountPath === path)?.name;
/** A probe's or Service's port, resolved to a number through the container's named ports. */
const portNumber = (c: Container, port: string | number) =>
  typeof port === 'number' ? port : c.ports.find((p) => p.name === port)?.containerPort;
const flagDefault = (name: keyof typeof FLAGS) => FLAGS[name].schema.parse(undefined) as number;

describe('install manifests', () => {
  it('parse in file-name order with the Namespace first, everything else in it or cluster-scoped', () => {
    assert.ok(files.length >= 5, `manifest files: ${files.join(', ')}`);
    assert.equal(all[0]?.kind, 'Namespace');
    assert.equal(all[0]?.metadata.name, NAMESPACE);
    const clusterScoped = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'IngressClass']);
    for (const { file, o } of objects) {
      if (clusterScoped.has(o.kind)) assert.equal(o.metadata.namespace, undefined, `${file}: ${o.kind}`);
      else assert.equal(o.metadata.namespace, NAMESPACE, `${file}: ${o.kind} ${o.metadata.name}`);
    }
    const names = all.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    assert.equal(new Set(names).size, names.length, 'no object is defined twice');
  });

  it('runs every container non-root, read-only, without capabilities, under RuntimeDefault seccomp', () => {
    assert.ok(!pod.hostNetwork && !pod.hostPID && !pod.hostIPC, 'no host namespaces');
    for (const v of pod.volumes) assert.ok(v.emptyDir, `volume ${v.name} is an emptyDir`);
    for (const c of containers) {
      const sc = { ...pod.securityContext, ...c.securityContext };
      assert.equal(sc.runAsNonRoot, true, `${c.name}: runAsNonRoot`);
      assert.ok(sc.runAsUser !== undefined && sc.runAsUser !== 0, `${c.name}: numeric non-root user`);
      assert.equal(sc.allowPrivilegeEscalation, false, `${c.name}: allowPrivilegeEscalation`);
      assert.equal(sc.readOnlyRootFilesystem, true, `${c.name}: readOnlyRootFilesystem`);
      assert.deepEqual(sc.capabilities?.drop, ['ALL'], `${c.name}: drops all capabilities`);
      assert.equal(sc.capabilities?.add, undefined, `${c.name}: adds none`);
      assert.equal(sc.seccompProfile?.type, 'RuntimeDefault', `${c.name}: seccomp`);
      assert.ok(mountOf(c, '/tmp'), `${c.name}: a writable /tmp on the read-only root`);
      for (const kind of ['requests', 'limits'] as const)
        for (const r of ['cpu', 'memory'])
          assert.ok(c.resources?.[kind]?.[r], `${c.name}: resources.${kind}.${r}`);
    }
  });

  it('probes the controller on /readyz and /healthz and HAProxy on its health port', () => {
    for (const c of containers) {
      assert.ok(c.readinessProbe && c.livenessProbe, `${c.name}: readiness and liveness probes`);
      for (const probe of [c.readinessProbe, c.livenessProbe]) {
        const port = probe.httpGet?.port ?? probe.tcpSocket?.port;
        assert.ok(port !== undefined && portNumber(c, port), `${c.name}: probe port ${port} is declared`);
      }
    }
    const controllerPort = flagDefault('controller-port');
    assert.equal(controller.readinessProbe?.httpGet?.path, '/readyz');
    assert.equal(portNumber(controller, controller.readinessProbe?.httpGet?.port ?? ''), controllerPort);
    assert.equal(controller.livenessProbe?.httpGet?.path, '/healthz');
    assert.equal(portNumber(controller, controller.livenessProbe?.httpGet?.port ?? ''), controllerPort);

    // HAProxy's health frontend: monitor-uri in the generated config, 503 from the bootstrap config.
    const healthzPort = flagDefault('healthz-bind-port');
    const template = readFileSync(join(ROOT, 'templates', 'haproxy.cfg.hbs'), 'utf8');
    const monitorUri = /^\s*monitor-uri (\S+)$/m.exec(template)?.[1];
    assert.equal(haproxy.readinessProbe?.httpGet?.path, monitorUri);
    assert.equal(portNumber(haproxy, haproxy.readinessProbe?.httpGet?.port ?? ''), healthzPort);
    assert.equal(env(haproxy, 'HEALTHZ_PORT'), String(healthzPort));
    const bootstrap = readFileSync(join(ROOT, 'haproxy', 'bootstrap.cfg'), 'utf8');
    assert.match(bootstrap, /bind "\$\{HEALTHZ_ADDRESS\}:\$\{HEALTHZ_PORT\}"/);
  });

  it('shares the config and runtime emptyDirs between the containers at the paths the controller is given', () => {
    const configDir = options['config-dir'];
    const runtimeDir = options['runtime-dir'];
    assert.equal(options['haproxy-master-socket'], join(runtimeDir, 'master.sock'), 'sidecar mode');
    assert.equal(env(haproxy, 'CONFIG_DIR'), configDir);
    assert.equal(env(haproxy, 'RUNTIME_DIR'), runtimeDir);
    // The generated config names files by absolute path: both containers need the same mount paths.
    for (const dir of [configDir, runtimeDir]) {
      const volume = mountOf(controller, dir);
      assert.ok(volume, `controller mounts ${dir}`);
      assert.equal(mountOf(haproxy, dir), volume, `HAProxy mounts the same volume at ${dir}`);
    }
    assert.notEqual(mountOf(controller, '/tmp'), mountOf(haproxy, '/tmp'), 'each container has its own /tmp');
  });

  it('gives the controller the ConfigMap, IngressClass, Service, Lease and identity the manifests define', () => {
    const configMap = only('ConfigMap');
    assert.equal(options.configmap, `${configMap.metadata.namespace}/${configMap.metadata.name}`);
    const ingressClass = z
      .object({ metadata: Meta, spec: z.object({ controller: z.string() }) })
      .parse(only('IngressClass'));
    assert.equal(options['ingress.class'], ingressClass.metadata.name);
    assert.equal(ingressClass.spec.controller, 'haproxy.org/ingress-controller');
    const service = only('Service');
    assert.equal(options['publish-service'], `${service.metadata.namespace}/${service.metadata.name}`);
    const named = (resource: string) =>
      roles.flatMap((role) =>
        role.rules.filter((r) => r.resources.includes(resource)).flatMap((r) => r.resourceNames ?? []),
      );
    assert.deepEqual(named('leases'), [options['election-id']], 'a Role names the controller’s Lease');
    assert.deepEqual(
      named('configmaps'),
      [configMap.metadata.name],
      'a Role names the controller’s ConfigMap',
    );
    for (const [name, fieldPath] of [
      ['POD_NAME', 'metadata.name'],
      ['POD_NAMESPACE', 'metadata.namespace'],
    ])
      assert.equal(
        controller.env.find((e) => e.name === name)?.valueFrom?.fieldRef.fieldPath,
        fieldPath,
        `${name} from the Downward API`,
      );
    const sa = only('ServiceAccount');
    assert.equal(pod.serviceAccountName, sa.metadata.name);
    const bindings = all.filter((o) => o.kind.endsWith('Binding')).map((o) => Binding.parse(o));
    const bound = bindings.map((b) => `${b.roleRef.kind}/${b.roleRef.name}`).sort();
    const granting = all.filter((o) => o.kind.endsWith('Role')).map((o) => `${o.kind}/${o.metadata.name}`);
    assert.deepEqual(bound, granting.sort(), 'every Role and ClusterRole is bound, once');
    for (const binding of bindings)
      assert.deepEqual(binding.subjects, [
        { kind: 'ServiceAccount', name: sa.metadata.name, namespace: NAMESPACE },
      ]);
  });

  it('grants exactly the API access the controller uses: list and watch, Ingress and Gateway API status, Events, its Lease and ConfigMap', () => {
    const GATEWAY_KINDS = ['gatewayclasses', 'gateways', 'httproutes', 'grpcroutes', 'referencegrants'];
    const grants = (kind: string) =>
      all
        .filter((o) => o.kind === kind)
        .flatMap((o) => RoleObj.parse(o).rules)
        .flatMap((rule) =>
          rule.apiGroups.flatMap((group) =>
            rule.resources.flatMap((resource) =>
              rule.verbs.map(
                (verb) => `${group || 'core'} ${resource} ${verb}${rule.resourceNames ? ' (named)' : ''}`,
              ),
            ),
          ),
        )
        .sort();
    const cluster = grants('ClusterRole');
    const namespaced = grants('Role');
    for (const grant of [...cluster, ...namespaced]) assert.ok(!grant.includes('*'), `no wildcard: ${grant}`);
    // The reflectors list and watch; nothing reads a watched object by name.
    const read = (group: string, resources: string[]) =>
      resources.flatMap((r) => ['list', 'watch'].map((v) => `${group} ${r} ${v}`));
    assert.deepEqual(
      cluster,
      [
        ...read('core', ['secrets', 'services']),
        ...read('discovery.k8s.io', ['endpointslices']),
        ...read('networking.k8s.io', ['ingresses', 'ingressclasses']),
        // Ingress status is written with a merge patch.
        'networking.k8s.io ingresses/status patch',
        ...read('core', ['namespaces']),
        ...read('gateway.networking.k8s.io', GATEWAY_KINDS),
        // Gateway API status too: merge patches carrying the resourceVersion they were worked out from.
        ...GATEWAY_KINDS.filter((r) => r !== 'referencegrants').map(
          (r) => `gateway.networking.k8s.io ${r}/status patch`,
        ),
        'core events get',
        'core events create',
        'core events patch',
      ].sort(),
    );
    assert.deepEqual(
      namespaced,
      [
        'coordination.k8s.io leases create',
        'coordination.k8s.io leases get (named)',
        'coordination.k8s.io leases update (named)',
        // The global-settings ConfigMap, by name, in the controller's namespace only.
        'core configmaps list (named)',
        'core configmaps watch (named)',
      ].sort(),
    );
    for (const role of roles) assert.equal(role.metadata.namespace, NAMESPACE);
  });

  it('uses one image reference, tagged with the package version, for every container and in the docs', () => {
    const images = new Set(containers.map((c) => c.image));
    assert.equal(images.size, 1, `one image: ${[...images].join(', ')}`);
    const image = [...images][0] as string;
    const { version } = z
      .object({ version: z.string() })
      .parse(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')));
    assert.ok(image.endsWith(`:${version}`), `${image} is tagged ${version}`);
    for (const doc of ['Dockerfile', 'docs/install.md'])
      assert.ok(readFileSync(join(ROOT, doc), 'utf8').includes(image), `${doc} names ${image}`);
  });

  it('exposes HTTP and HTTPS on 80/443 through the HAProxy container’s bind ports, not the stats page', () => {
    const service = Service.parse(only('Service'));
    assert.equal(service.spec.type, 'NodePort');
    for (const [key, value] of Object.entries(service.spec.selector))
      assert.equal(deployment.spec.template.metadata.labels[key], value, `selector ${key}`);
    assert.deepEqual(deployment.spec.selector.matchLabels, service.spec.selector);
    const mapped = service.spec.ports.map((p) => [p.port, portNumber(haproxy, p.targetPort), p.protocol]);
    assert.deepEqual(mapped, [
      [80, flagDefault('http-bind-port'), 'TCP'],
      [443, flagDefault('https-bind-port'), 'TCP'],
    ]);
    assert.equal(portNumber(haproxy, 'stats'), flagDefault('stats-bind-port'), 'stats: port-forward only');

    const lb = Service.parse(loadFile(join(MANIFESTS, 'options', 'service-loadbalancer.yaml'))[0]);
    assert.equal(lb.spec.type, 'LoadBalancer');
    assert.deepEqual(lb.metadata, service.metadata, 'the option replaces the same Service');
    assert.deepEqual(lb.spec.selector, service.spec.selector);
    assert.equal(lb.spec.externalTrafficPolicy, 'Local', 'client source addresses are kept');
    assert.deepEqual(lb.spec.ports, service.spec.ports, 'public ports: 80 and 443');
  });

  it('ships a ConfigMap whose every key is a known ConfigMap setting with a valid value', () => {
    const configMap = z
      .object({ metadata: Meta, data: z.record(z.string(), z.string()) })
      .parse(only('ConfigMap'));
    const known: SettingKey<unknown>[] = Object.values(ALL_KEYS);
    for (const [name, value] of Object.entries(configMap.data)) {
      const key = known.find((k) => k.name === name || k.aliases?.includes(name));
      assert.ok(key, `${name} is a known key`);
      assert.ok(key.scopes.includes('configmap'), `${name} is a ConfigMap key`);
      const problems: Problem[] = [];
      const read = readKey(
        key,
        {
          scope: 'configmap',
          ref: { kind: 'ConfigMap', namespace: 'haproxy-controller', name: 'haproxy-configmap' },
          values: { [name]: value },
        },
        problems,
      );
      assert.deepEqual(problems, [], `${name}: ${value}`);
      assert.ok(read, `${name} is read`);
    }
  });

  it('lets voluntary evictions take one controller pod at a time, never blocking a node drain', () => {
    const pdb = z
      .object({
        spec: z.strictObject({
          maxUnavailable: z.number(),
          selector: z.object({ matchLabels: z.record(z.string(), z.string()) }),
        }),
      })
      .parse(only('PodDisruptionBudget'));
    assert.equal(pdb.spec.maxUnavailable, 1);
    assert.deepEqual(pdb.spec.selector.matchLabels, deployment.spec.selector.matchLabels);
  });

  it('drains on termination: HAProxy soft-stops in preStop, within the grace period', () => {
    assert.deepEqual(haproxy.lifecycle?.preStop.exec.command, ['/app/haproxy/entrypoint.sh', 'drain']);
    const delay = Number(env(haproxy, 'DRAIN_DELAY'));
    const timeout = Number(env(haproxy, 'DRAIN_TIMEOUT'));
    assert.ok(delay > 0 && timeout > 0, 'DRAIN_DELAY and DRAIN_TIMEOUT are set');
    assert.ok(pod.terminationGracePeriodSeconds > delay + timeout, 'SIGTERM comes only after the drain');
    // The controller keeps applying endpoint changes while HAProxy still takes requests.
    assert.deepEqual(controller.lifecycle?.preStop.exec.command, ['sleep', String(delay)]);
  });
});

describe('image', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const dockerignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
  const workdir = /^WORKDIR (\S+)$/m.exec(dockerfile.split(/^FROM .*$/m).at(-1) ?? '')?.[1];
  /** COPY instructions from the build context of the final stage: source → destination. */
  const copies = [
    ...(dockerfile.split(/^FROM .*$/m).at(-1) ?? '').matchAll(/^COPY (?!--from)(.+) (\S+)$/gm),
  ].flatMap((m) => (m[1] ?? '').split(' ').map((src) => ({ src, dest: m[2] ?? '' })));

  it('copies files that exist and that .dockerignore lets through', () => {
    assert.ok(copies.length > 0);
    for (const { src } of copies) {
      assert.ok(existsSync(join(ROOT, src)), `${src} exists`);
      assert.ok(
        dockerignore.includes(`!${src}`) || dockerignore.includes(`!${src}/`),
        `${src} is not ignored`,
      );
    }
  });

  it('holds the entrypoint and commands the Deployment runs, as the user the pod runs as', () => {
    /** Where an absolute path inside the image comes from in the repository, if it is copied. */
    const source = (path: string) => {
      for (const { src, dest } of copies) {
        const target = join(workdir ?? '/', dest);
        if (path === target || path.startsWith(`${target}/`))
          return join(ROOT, src, path.slice(target.length));
      }
      return undefined;
    };
    const entrypoint = source('/app/haproxy/entrypoint.sh');
    assert.ok(entrypoint, 'the HAProxy entrypoint is in the image');
    accessSync(entrypoint, constants.X_OK);
    for (const c of containers) {
      const command = c.command ?? [];
      const script = command.find((part) => part.startsWith('/app/'));
      if (script) assert.ok(source(script) && existsSync(source(script) as string), `${c.name}: ${script}`);
      if (command[0]) assert.match(dockerfile, new RegExp(`install .*\\b${command[0].split('/').pop()}\\b`));
    }
    // The controller is compiled in the build stage (tsconfig.build.json: controller/ → dist/controller/).
    assert.match(
      dockerfile,
      /^RUN npx tsc -p tsconfig\.build\.json$/m,
      'the build stage compiles the controller',
    );
    assert.match(dockerfile, /^COPY --from=build \/app\/dist\/controller \.\/controller$/m);
    const build = JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8'));
    assert.deepEqual([build.compilerOptions.rootDir, build.compilerOptions.outDir], ['.', 'dist']);
    assert.match(
      dockerfile,
      /"node", "\/app\/controller\/cli\/main\.js"\]/,
      'the entrypoint runs the compiled main',
    );
    assert.ok(existsSync(join(ROOT, 'controller/cli/main.ts')), 'the controller is in the image');
    const user = /^USER (\d+):(\d+)$/m.exec(dockerfile);
    assert.equal(Number(user?.[1]), pod.securityContext?.runAsUser, 'USER matches runAsUser');
  });
});
