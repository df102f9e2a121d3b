/**
 * A newcomer copies the objects of the HAProxy blog's "Dissecting the HAProxy Kubernetes
 * Ingress Controller" into a directory and runs the controller on it. Its Ingress has no
 * class and the directory no IngressClass: in local mode it is served as written. What
 * cannot work says so (a Service without endpoints: requests get 503), and once the
 * directory holds an IngressClass, an Ingress that is not ours says why, once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestController } from './harness/controller.ts';
import { endpointSlice, ingressClass } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { eventually } from './harness/wait.ts';

/** The blog's 1.ingress.yaml, as written (the Deployment is ignored: local mode has no pods). */
const BLOG_INGRESS = `apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    run: app
  name: app
spec:
  replicas: 2
  selector:
    matchLabels:
      run: app
  template:
    metadata:
      labels:
        run: app
    spec:
      containers:
      - name: app
        image: jmalloc/echo-server
        ports:
        - containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  labels:
    run: app
  name: app
  annotations:
    haproxy.org/check: "enabled"
    haproxy.org/forwarded-for: "enabled"
    haproxy.org/load-balance: "roundrobin"
spec:
  selector:
    run: app
  ports:
  - name: port-1
    port: 80
    protocol: TCP
    targetPort: 8080
---
apiVersion: networking.k8s.io/v1beta1
kind: Ingress
metadata:
  name: web-ingress
  namespace: default
spec:
  rules:
  - host: foo.bar
    http:
      paths:
      - path: /
        backend:
          serviceName: app
          servicePort: 80
`;

/** The blog's 2.configmap.yaml, as written. */
const BLOG_CONFIGMAP = `apiVersion: v1
kind: ConfigMap
metadata:
  name: haproxy-configmap
  namespace: default
data:
  servers-increment: "42"
  ssl-redirect: "OFF"
`;

interface LogLine {
  msg: string;
  object?: string;
  reason?: string;
  level?: number;
}

describe("the blog's objects in local mode", () => {
  let controller: TestController;
  let pods: Pods;
  const lines = async (): Promise<LogLine[]> =>
    (await controller.log())
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as LogLine);
  const problemsMetric = async (reason: string) => {
    const line = (await controller.metrics())
      .split('\n')
      .find(
        (l) =>
          l.startsWith('haproxy_sidecar_problems{') &&
          l.includes(`reason="${reason}"`) &&
          l.includes('severity="warning"'),
      );
    return Number(line?.split(' ').pop());
  };

  before(async () => {
    pods = await startPods('app', 2);
    controller = await TestController.create();
    await controller.writeRaw('1.ingress.yaml', BLOG_INGRESS);
    await controller.writeRaw('2.configmap.yaml', BLOG_CONFIGMAP);
    await controller.start();
  });

  after(async () => {
    await controller?.cleanup();
    await pods?.stop();
  });

  it('routes foo.bar to the Service, which says why it answers 503 while no EndpointSlice gives it a pod', async () => {
    await eventually(async () => assert.equal((await controller.get('foo.bar', '/')).status, 503));
    const warnings = (await lines()).filter((l) => l.object === 'Service default/app');
    assert.equal(warnings.length, 1, JSON.stringify(warnings));
    assert.match(warnings[0]?.msg ?? '', /no ready endpoints.*requests get 503/);
    assert.equal(warnings[0]?.reason, 'Unused');
  });

  it('serves the Ingress as written once the pods are listed', async () => {
    await controller.write('endpoints.yaml', [
      endpointSlice(
        'app',
        { name: 'port-1', port: pods.port },
        pods.addresses.map((address, i) => ({ address, name: pods.names[i] })),
      ),
    ]);
    const answered = new Set<string>();
    await eventually(async () => {
      const reply = await controller.get('foo.bar', '/');
      assert.equal(reply.status, 200);
      answered.add(reply.pod ?? '');
      assert.equal(answered.size, 2, 'both pods answer (round robin)');
    });
    assert.equal(await problemsMetric('Unused'), 0, 'the 503 warning is gone');
    assert.equal(await problemsMetric('IngressIgnored'), 0);
  });

  it('says once why the Ingress is ignored when the directory gets an IngressClass that is not the default', async () => {
    await controller.write('class.yaml', [ingressClass('haproxy', false)]);
    await eventually(async () => assert.equal((await controller.get('foo.bar', '/')).status, 404));
    await eventually(async () => assert.equal(await problemsMetric('IngressIgnored'), 1));
    // More passes (another change) do not log it again.
    await controller.write('other-class.yaml', [ingressClass('nginx', false, 'k8s.io/ingress-nginx')]);
    await controller.writeRaw(
      'theirs.yaml',
      BLOG_INGRESS.split('---\n')[2]
        ?.replace('name: web-ingress', 'name: theirs')
        .replace('spec:\n', 'spec:\n  ingressClassName: nginx\n') ?? '',
    );
    await eventually(async () => assert.equal(await problemsMetric('IngressIgnored'), 2));
    const ignored = (await lines()).filter((l) => l.reason === 'IngressIgnored');
    assert.deepEqual(
      ignored.map((l) => l.object),
      ['Ingress default/web-ingress', 'Ingress default/theirs'],
    );
    assert.match(
      ignored[0]?.msg ?? '',
      /no class, and no IngressClass of controller haproxy.org\/ingress-controller is the default/,
    );
    assert.match(ignored[1]?.msg ?? '', /class "nginx" belongs to controller k8s.io\/ingress-nginx/);
  });
});
