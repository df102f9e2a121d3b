import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import {
  annotationsDoc,
  flagsDoc,
  metricsDoc,
  migrateFromIngressNginxDoc,
  problemsDoc,
} from './reference-docs.ts';

const doc = (name: string) => readFileSync(new URL(`../../docs/${name}`, import.meta.url), 'utf8');

it('docs/flags.md matches --help (run `npm run docs` after changing flags)', () => {
  assert.equal(doc('flags.md'), flagsDoc());
});

it('docs/annotations.md matches the settings registry (run `npm run docs` after changing keys)', () => {
  assert.equal(doc('annotations.md'), annotationsDoc());
});

// The standard process metrics differ by platform; the page lists Linux's, where the controller runs.
it('docs/metrics.md lists every controller metric (run `npm run docs` after changing metrics)', {
  skip: process.platform !== 'linux' && 'the page lists the metrics of Linux',
}, () => {
  assert.equal(doc('metrics.md'), metricsDoc());
});

it('docs/migrate-from-ingress-nginx.md lists every ingress-nginx annotation (run `npm run docs` after changing them)', () => {
  assert.equal(doc('migrate-from-ingress-nginx.md'), migrateFromIngressNginxDoc());
});

it('docs/problems.md lists every problem reason (run `npm run docs` after changing them)', () => {
  assert.equal(doc('problems.md'), problemsDoc());
});
