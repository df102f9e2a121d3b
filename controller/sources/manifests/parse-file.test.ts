import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dump } from 'js-yaml';
import { refLabel } from '../../store/problems.ts';
import { parseManifestFile } from './parse-file.ts';

const names = (contents: ReturnType<typeof parseManifestFile>) =>
  contents.objects.map((p) => `${p.kind} ${p.object.metadata.namespace}/${p.object.metadata.name}`);

const SERVICE_YAML = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
    - port: 80
`;

describe('parseManifestFile', () => {
  it('reads several YAML documents', () => {
    const text = `${SERVICE_YAML}---
apiVersion: v1
kind: ConfigMap
metadata:
  name: haproxy-configmap
  namespace: kube-system
data:
  maxconn: "100"
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  ingressClassName: haproxy
  rules:
    - host: a.example
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web
                port:
                  number: 80
`;
    const contents = parseManifestFile('site.yaml', text);
    assert.deepEqual(names(contents), [
      'Service default/web',
      'ConfigMap kube-system/haproxy-configmap',
      'Ingress default/web',
    ]);
    assert.deepEqual(contents.problems, []);
    assert.deepEqual(contents.rejected, []);
    assert.equal(contents.unreadable, false);
  });

  it('skips empty documents: a comment-only document, a leading or a trailing ---', () => {
    // Helm and kubectl output routinely end with `---` or carry comment-only documents.
    const other = SERVICE_YAML.replace('name: web', 'name: other');
    for (const [label, text] of [
      ['comment-only document', `${SERVICE_YAML}---\n# nothing here\n---\n${other}`],
      ['trailing ---', `${SERVICE_YAML}---\n${other}---\n`],
      ['leading ---', `---\n${SERVICE_YAML}---\n${other}`],
    ] as const) {
      const contents = parseManifestFile('helm.yaml', text);
      assert.deepEqual(contents.problems, [], label);
      assert.equal(contents.unreadable, false, label);
      assert.deepEqual(names(contents), ['Service default/web', 'Service default/other'], label);
    }
  });

  it('reads a JSON file', () => {
    const text = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'api', namespace: 'prod' },
      spec: { ports: [{ name: 'http', port: 8080 }] },
    });
    const contents = parseManifestFile('api.json', text);
    assert.deepEqual(names(contents), ['Service prod/api']);
    assert.deepEqual(contents.problems, []);
  });

  it('expands List kinds', () => {
    const text = JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        { apiVersion: 'v1', kind: 'Service', metadata: { name: 'one' }, spec: { ports: [{ port: 80 }] } },
        { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'ignored' } },
        { apiVersion: 'v1', kind: 'Service', metadata: { name: 'two' }, spec: { ports: [{ port: 0 }] } },
        { apiVersion: 'v1', kind: 'Service', metadata: { name: 'three' }, spec: { ports: [{ port: 81 }] } },
      ],
    });
    const contents = parseManifestFile('list.json', text);
    assert.deepEqual(names(contents), ['Service default/one', 'Service default/three']);
    assert.equal(contents.problems.length, 1);
    assert.equal(contents.problems[0] && refLabel(contents.problems[0].ref), 'Service default/two');
    assert.equal(contents.problems[0]?.field, 'list.json#0.items[2]');
    assert.deepEqual(contents.rejected, ['Service default/two']);
  });

  it('reports a YAML syntax error as unreadable, naming the file', () => {
    const contents = parseManifestFile('broken.yaml', `${SERVICE_YAML}---\nkind: [unclosed\n  name: x: y\n`);
    assert.equal(contents.unreadable, true);
    assert.deepEqual(contents.objects, []);
    assert.equal(contents.problems.length, 1);
    assert.equal(contents.problems[0] && refLabel(contents.problems[0].ref), 'broken.yaml');
    assert.equal(contents.problems[0]?.severity, 'error');
    assert.match(contents.problems[0]?.message ?? '', /cannot be parsed/);
  });

  it('reports a document failing validation with file#index and keeps the others', () => {
    const text = `${SERVICE_YAML}---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: broken
  namespace: shop
spec:
  rules:
    - http:
        paths:
          - path: no-leading-slash
            pathType: Prefix
            backend:
              service:
                name: web
                port:
                  number: 80
---
apiVersion: v1
kind: Service
metadata:
  name: other
spec:
  ports:
    - port: 81
`;
    const contents = parseManifestFile('mixed.yaml', text);
    assert.deepEqual(names(contents), ['Service default/web', 'Service default/other']);
    assert.equal(contents.unreadable, false);
    assert.equal(contents.problems.length, 1);
    const [problem] = contents.problems;
    assert.equal(problem && refLabel(problem.ref), 'Ingress shop/broken');
    assert.equal(problem?.field, 'mixed.yaml#1');
    assert.equal(problem?.severity, 'error');
    assert.match(problem?.message ?? '', /path/);
    assert.deepEqual(contents.rejected, ['Ingress shop/broken']);
  });

  it('silently ignores kinds the controller does not consume', () => {
    const text = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: "not even valid"
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: shop
---
${SERVICE_YAML}`;
    const contents = parseManifestFile('app.yaml', text);
    assert.deepEqual(names(contents), ['Service default/web']);
    assert.deepEqual(contents.problems, []);
    assert.deepEqual(contents.rejected, []);
  });

  it('reads the Gateway API kinds and Namespaces, cluster-scoped ones without namespace', () => {
    const text = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    team: shop
---
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata:
  name: haproxy
spec:
  controllerName: haproxy.org/gateway-controller
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: web
  namespace: shop
spec:
  gatewayClassName: haproxy
  listeners:
    - name: http
      port: 80
      protocol: HTTP
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: web
  namespace: shop
spec:
  parentRefs: [{ name: web }]
---
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata:
  name: rpc
  namespace: shop
spec:
  parentRefs: [{ name: web }]
---
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata:
  name: from-shop
  namespace: certs
spec:
  from: [{ group: gateway.networking.k8s.io, kind: Gateway, namespace: shop }]
  to: [{ group: "", kind: Secret }]
`;
    const contents = parseManifestFile('gateway.yaml', text);
    assert.deepEqual(contents.problems, []);
    assert.deepEqual(names(contents), [
      'Namespace /shop',
      'GatewayClass /haproxy',
      'Gateway shop/web',
      'HTTPRoute shop/web',
      'GRPCRoute shop/rpc',
      'ReferenceGrant certs/from-shop',
    ]);
  });

  it('an empty file gives nothing and no problem', () => {
    assert.deepEqual(parseManifestFile('empty.yaml', ''), {
      objects: [],
      problems: [],
      rejected: [],
      unreadable: false,
      chunks: new Map(),
    });
  });

  it('reads a file again from its unchanged chunks as it reads it afresh: documents, indexes, problems', () => {
    const bad = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: bad\nspec:\n  ports: nope\n';
    const texts = [
      `${SERVICE_YAML}---\n${bad}---\n# a comment only\n---\n${SERVICE_YAML.replace('web', 'c')}`,
      `--- |\n  a scalar document\n---\n${SERVICE_YAML}...\n---\n${bad}`,
      `${SERVICE_YAML}---\r\n${bad}--- \n${SERVICE_YAML.replace('web', 'd')}---\n`,
      `%YAML 1.2\n---\n${SERVICE_YAML}`,
    ];
    for (const text of texts) {
      const first = parseManifestFile('f.yaml', text);
      const again = parseManifestFile('f.yaml', text, first.chunks);
      const { chunks: _a, ...fresh } = parseManifestFile('f.yaml', text);
      const { chunks: _b, ...reread } = again;
      assert.deepEqual(reread, fresh, text);
      assert.ok(fresh.problems.length > 0 || fresh.objects.length > 0, text);
    }
  });

  it('gives a document read again unchanged back as the same object, and a changed one anew', () => {
    const other = SERVICE_YAML.replace('name: web', 'name: api');
    const first = parseManifestFile('f.yaml', `${SERVICE_YAML}\n---\n${other}`);
    assert.equal(first.objects.length, 2);
    const again = parseManifestFile(
      'f.yaml',
      `${SERVICE_YAML}\n---\n${other.replace('port: 80', 'port: 81')}`,
      first.chunks,
    );
    assert.equal(again.objects[0], first.objects[0]);
    assert.notEqual(again.objects[1], first.objects[1]);
    assert.deepEqual(
      again.objects[1],
      parseManifestFile('g.yaml', other.replace('port: 80', 'port: 81')).objects[0],
    );
  });
});

const service = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default', creationTimestamp: '2026-01-02T03:04:05Z' },
  spec: { ports: [{ name: 'http', port: 80 }] },
});

const namesOf = (text: string, file = 'f') =>
  parseManifestFile(file, text).objects.map((o) => `${o.kind} ${o.object.metadata.name}`);

describe('parseManifestFile: JSON read as JSON, YAML values copied out of the file text', () => {
  const list = { apiVersion: 'v1', kind: 'List', items: [service('a'), service('b')] };

  it('reads a JSON file (kubectl get -o json) and the same objects written as YAML alike', () => {
    const fromJson = parseManifestFile('list.json', JSON.stringify(list, null, 2));
    const fromYaml = parseManifestFile('list.yaml', dump(list));
    assert.deepEqual(namesOf(JSON.stringify(list)), ['Service a', 'Service b']);
    assert.deepEqual(fromJson.objects, fromYaml.objects);
    assert.deepEqual(fromJson.problems, []);
  });

  it('reads JSON documents separated by --- (not one JSON value) as YAML', () => {
    const text = [service('a'), service('b')].map((o) => JSON.stringify(o)).join('\n---\n');
    assert.deepEqual(namesOf(text), ['Service a', 'Service b']);
  });

  it('reads a YAML flow mapping that is not JSON', () => {
    assert.deepEqual(
      namesOf(
        '{apiVersion: v1, kind: Service, metadata: {name: flow, namespace: default}, spec: {ports: [{port: 80}]}}',
      ),
      ['Service flow'],
    );
  });

  it('reports a file that is neither JSON nor YAML, with the YAML reason', () => {
    const contents = parseManifestFile('bad.json', '{"apiVersion": "v1", "kind": ');
    assert.equal(contents.unreadable, true);
    assert.equal(contents.problems[0]?.reason, 'InvalidObject');
    assert.match(contents.problems[0]?.message ?? '', /^cannot be parsed: /);
  });

  it('keeps YAML values as they were parsed (timestamps included)', () => {
    const contents = parseManifestFile(
      'svc.yaml',
      dump(service('y')).replace("'2026-01-02T03:04:05Z'", '2026-01-02T03:04:05Z'),
    );
    assert.equal(
      contents.objects[0]?.object.metadata.creationTimestamp?.toISOString(),
      '2026-01-02T03:04:05.000Z',
    );
  });
});
