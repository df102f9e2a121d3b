/**
 * The objects of one `helm template` run, typed where the chart tests look into them, with
 * the cross-references every install must keep: the controller's flags name the ConfigMap,
 * IngressClass, Service and Lease that exist, and the RBAC grants exactly those names.
 */
import assert from 'node:assert/strict';
import { load } from 'js-yaml';
import { z } from 'zod';
import { parseOptions } from '../../controller/cli/options.ts';
import type { RenderedDocument } from './helm.ts';

const Labels = z.record(z.string(), z.string());
const Meta = z.object({
  name: z.string(),
  namespace: z.string().optional(),
  labels: Labels.optional(),
  annotations: Labels.optional(),
});
export const ChartObject = z.looseObject({
  apiVersion: z.string(),
  kind: z.string(),
  metadata: Meta,
  spec: z.record(z.string(), z.unknown()).optional(),
});
export type ChartObject = z.infer<typeof ChartObject>;

const PortRef = z.union([z.string(), z.number()]);
const SecurityContext = z.looseObject({
  runAsNonRoot: z.boolean().optional(),
  allowPrivilegeEscalation: z.boolean().optional(),
  readOnlyRootFilesystem: z.boolean().optional(),
  capabilities: z.unknown().optional(),
  seccompProfile: z.object({ type: z.string() }).optional(),
});
const Container = z.looseObject({
  name: z.string(),
  image: z.string(),
  imagePullPolicy: z.string(),
  args: z.array(z.string()).default([]),
  ports: z.array(z.object({ name: z.string(), containerPort: z.number(), protocol: z.string() })).default([]),
  resources: z.unknown(),
  securityContext: SecurityContext.optional(),
  readinessProbe: z.unknown().optional(),
  livenessProbe: z.unknown().optional(),
});
const PodSpec = z.looseObject({
  serviceAccountName: z.string(),
  terminationGracePeriodSeconds: z.number(),
  hostNetwork: z.boolean().optional(),
  hostPID: z.boolean().optional(),
  hostIPC: z.boolean().optional(),
  securityContext: SecurityContext.optional(),
  containers: z.array(Container),
  volumes: z.array(z.looseObject({ name: z.string(), emptyDir: z.looseObject({}).optional() })),
});
const Deployment = ChartObject.extend({
  spec: z.looseObject({
    replicas: z.number(),
    selector: z.object({ matchLabels: Labels }),
    template: z.object({ metadata: z.object({ labels: Labels }), spec: PodSpec }),
  }),
});
const Service = ChartObject.extend({
  spec: z.looseObject({
    type: z.string(),
    clusterIP: z.string().optional(),
    externalTrafficPolicy: z.string().optional(),
    loadBalancerSourceRanges: z.array(z.string()).optional(),
    selector: Labels,
    ports: z.array(
      z.strictObject({
        name: z.string(),
        port: z.number(),
        targetPort: PortRef,
        protocol: z.string(),
        nodePort: z.number().optional(),
      }),
    ),
  }),
});
export type Service = z.infer<typeof Service>;
const ServiceMonitor = ChartObject.extend({
  spec: z.looseObject({ selector: z.object({ matchLabels: Labels }), endpoints: z.array(z.unknown()) }),
});
const ConfigMap = ChartObject.extend({ data: z.record(z.string(), z.string()).optional() });
const Rule = z.strictObject({
  apiGroups: z.array(z.string()),
  resources: z.array(z.string()),
  resourceNames: z.array(z.string()).optional(),
  verbs: z.array(z.string()),
});
const Role = ChartObject.extend({ rules: z.array(Rule) });
const Binding = ChartObject.extend({
  roleRef: z.object({ kind: z.string(), name: z.string() }),
  subjects: z.array(z.object({ kind: z.string(), name: z.string(), namespace: z.string() })),
});

export interface Install {
  objects: ChartObject[];
  deployment: z.infer<typeof Deployment>;
  pod: z.infer<typeof PodSpec>;
  kinds(kind: string): ChartObject[];
  one(kind: string): ChartObject;
  container(name: string): z.infer<typeof Container>;
  /** The Service the controller publishes (--publish-service). */
  service(): Service;
  services(): Service[];
  serviceMonitor(): z.infer<typeof ServiceMonitor>;
  /** The controller's ConfigMap (--configmap). */
  configMap(): z.infer<typeof ConfigMap>;
  ingressClass(): ChartObject;
  /** A Service targetPort resolved through the pod's named container ports. */
  containerPort(targetPort: string | number): number | undefined;
  /** Asserts the flags, names, labels and RBAC agree with each other. */
  assertConsistent(): void;
}

export function installOf(documents: RenderedDocument[]): Install {
  const objects = documents.map((d) => ChartObject.parse(load(d.text)));
  const kinds = (kind: string) => objects.filter((o) => o.kind === kind);
  const one = (kind: string) => {
    const found = kinds(kind);
    assert.equal(found.length, 1, `exactly one ${kind}: ${found.map((o) => o.metadata.name).join(', ')}`);
    return found[0] as ChartObject;
  };
  const deployment = Deployment.parse(one('Deployment'));
  const pod = deployment.spec.template.spec;
  const container = (name: string) => {
    const found = pod.containers.find((c) => c.name === name);
    assert.ok(found, `container ${name}`);
    return found;
  };
  const options = () => parseOptions(container('controller').args);
  const named = (kind: string, reference: string) => {
    const [namespace, name] = reference.split('/');
    const found = kinds(kind).find((o) => o.metadata.namespace === namespace && o.metadata.name === name);
    assert.ok(found, `the ${kind} ${reference} the controller is given exists`);
    return found;
  };
  const services = () => kinds('Service').map((o) => Service.parse(o));
  const service = () => Service.parse(named('Service', options()['publish-service'] ?? ''));
  const configMap = () => ConfigMap.parse(named('ConfigMap', options().configmap));
  const ingressClass = () => one('IngressClass');
  const containerPort = (targetPort: string | number) =>
    typeof targetPort === 'number'
      ? targetPort
      : pod.containers.flatMap((c) => c.ports).find((p) => p.name === targetPort)?.containerPort;

  const assertConsistent = () => {
    const namespace = deployment.metadata.namespace;
    const clusterScoped = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'IngressClass']);
    for (const o of objects)
      assert.equal(
        o.metadata.namespace,
        clusterScoped.has(o.kind) ? undefined : namespace,
        `${o.kind} ${o.metadata.name}: namespace`,
      );
    const flags = options();
    assert.equal(flags['ingress.class'], ingressClass().metadata.name);
    assert.equal(configMap().metadata.namespace, namespace, 'the ConfigMap is in the release namespace');
    const publish = service();
    for (const [key, value] of Object.entries(publish.spec.selector))
      assert.equal(
        deployment.spec.template.metadata.labels[key],
        value,
        `the Service selects the pods: ${key}`,
      );
    assert.deepEqual(publish.spec.selector, deployment.spec.selector.matchLabels);
    for (const p of publish.spec.ports)
      assert.ok(containerPort(p.targetPort), `port ${p.name} targets the pod`);

    const roles = kinds('Role').map((o) => Role.parse(o));
    const namesOf = (resource: string) =>
      roles
        .flatMap((r) => r.rules.filter((rule) => rule.resources.includes(resource)))
        .flatMap((rule) => rule.resourceNames ?? []);
    assert.deepEqual(namesOf('leases'), [flags['election-id']], 'RBAC names the Lease');
    const extra = [
      flags['configmap-tcp-services'],
      flags['configmap-errorfiles'],
      flags['configmap-patternfiles'],
    ]
      .map((reference) => reference?.split('/')[1])
      .filter((name): name is string => name !== undefined);
    assert.deepEqual(
      namesOf('configmaps').sort(),
      [configMap().metadata.name, ...new Set(extra)].sort(),
      'RBAC names the ConfigMaps the controller reads',
    );
    const account = pod.serviceAccountName;
    assert.ok(
      kinds('ServiceAccount').some((sa) => sa.metadata.name === account),
      'the ServiceAccount exists',
    );
    const bindings = [...kinds('RoleBinding'), ...kinds('ClusterRoleBinding')].map((o) => Binding.parse(o));
    const granting = [...kinds('Role'), ...kinds('ClusterRole')].map((o) => `${o.kind}/${o.metadata.name}`);
    assert.deepEqual(
      bindings.map((b) => `${b.roleRef.kind}/${b.roleRef.name}`).sort(),
      granting.sort(),
      'every Role and ClusterRole is bound, once',
    );
    for (const b of bindings)
      assert.deepEqual(b.subjects, [{ kind: 'ServiceAccount', name: account, namespace }], b.metadata.name);
  };

  return {
    objects,
    deployment,
    pod,
    kinds,
    one,
    container,
    service,
    services,
    serviceMonitor: () => ServiceMonitor.parse(one('ServiceMonitor')),
    configMap,
    ingressClass,
    containerPort,
    assertConsistent,
  };
}
