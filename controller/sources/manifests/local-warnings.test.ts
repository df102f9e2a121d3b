import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { meantKind } from './local-warnings.ts';
import { parseManifestFile } from './parse-file.ts';

const warnings = (text: string) =>
  parseManifestFile('app.yaml', text).problems.filter((p) => p.severity === 'warning');

describe('local-mode warnings', () => {
  it('names the kind a misspelt kind meant, and the document is not used', () => {
    const contents = parseManifestFile(
      'app.yaml',
      'apiVersion: networking.k8s.io/v1\nkind: Ingres\nmetadata:\n  name: web\n  namespace: shop\n',
    );
    assert.deepEqual(contents.objects, []);
    assert.deepEqual(contents.problems, [
      {
        ref: { kind: 'Ingres', namespace: 'shop', name: 'web' },
        field: 'app.yaml#0',
        reason: 'Unused',
        message: 'unknown kind "Ingres" (did you mean Ingress?); ignored',
        severity: 'warning',
      },
    ]);
  });

  it('says nothing about kinds of other APIs found in a kubectl dump', () => {
    const text = ['Deployment', 'ServiceAccount', 'Endpoints', 'Pod', 'Certificate', 'Role']
      .map((kind) => `apiVersion: v1\nkind: ${kind}\nmetadata:\n  name: x\n`)
      .join('---\n');
    assert.deepEqual(warnings(text), []);
  });

  it('matches misspellings by case and by a letter or two', () => {
    assert.equal(meantKind('ingress'), 'Ingress');
    assert.equal(meantKind('Ingresses'), 'Ingress');
    assert.equal(meantKind('Sevice'), 'Service');
    assert.equal(meantKind('EndpointSlices'), 'EndpointSlice');
    assert.equal(meantKind('Deployment'), undefined);
    assert.equal(meantKind('Ingress'), undefined, 'an Ingress of another apiVersion is not a misspelling');
  });

  it('warns about a document without a kind', () => {
    assert.match(warnings('apiVersion: v1\nmetadata:\n  name: x\n')[0]?.message ?? '', /has no kind/);
  });

  it('warns about an EndpointSlice without the kubernetes.io/service-name label, which no Service uses', () => {
    const slice = (labels: string) => `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: web-1
${labels}addressType: IPv4
ports: [{ port: 8080 }]
endpoints: [{ addresses: ["127.0.0.1"] }]
`;
    const contents = parseManifestFile('slice.yaml', slice(''));
    assert.equal(contents.objects.length, 1, 'the slice is still read');
    assert.deepEqual(contents.problems, [
      {
        ref: { kind: 'EndpointSlice', namespace: 'default', name: 'web-1' },
        reason: 'Unused',
        field: 'metadata.labels["kubernetes.io/service-name"]',
        message:
          'missing: no Service uses the endpoints of a slice without the kubernetes.io/service-name label',
        severity: 'warning',
      },
    ]);
    assert.deepEqual(warnings(slice('  labels: { kubernetes.io/service-name: web }\n')), []);
  });
});
