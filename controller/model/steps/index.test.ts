/** The build steps run in the order docs/architecture.md gives, each from its own module. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { STEP_ORDER } from './builder.ts';
import { BUILD_STEPS } from './index.ts';
import { builderBefore, ingress, service } from './step-fixtures.ts';

const DOCS = new URL('../../../docs/architecture.md', import.meta.url);

/** The step modules the model section lists, in its order (`1. \`steps/classes.ts\`: …`). */
function documentedSteps(): string[] {
  const text = readFileSync(DOCS, 'utf8');
  const section = text.slice(
    text.indexOf('## The model'),
    text.indexOf('\n## ', text.indexOf('## The model') + 1),
  );
  return [...section.matchAll(/^\d+\. `steps\/([a-z-]+)\.ts`/gm)].map((m) => m[1] ?? '');
}

describe('build steps', () => {
  it('run in the order the architecture document lists', () => {
    assert.deepEqual(
      BUILD_STEPS.map((step) => step.name),
      documentedSteps(),
    );
  });

  it('are classes → routes → backends → tls → policies → snippets → state', () => {
    assert.deepEqual(
      [...STEP_ORDER],
      ['classes', 'routes', 'backends', 'tls', 'policies', 'snippets', 'state'],
    );
    assert.deepEqual(
      BUILD_STEPS.map((step) => step.name),
      [...STEP_ORDER],
    );
  });

  it('each step lives in the module of its name', async () => {
    for (const step of BUILD_STEPS) {
      const module: Record<string, unknown> = await import(`./${step.name}.ts`);
      assert.equal(module[step.name], step, step.name);
    }
  });

  it('each finds the results of the steps before it, under their names, and no other', () => {
    const objects = [service('web'), ingress('web', { host: 'web.example', service: 'web' })];
    for (const [i, name] of STEP_ORDER.entries())
      assert.deepEqual(
        Object.keys(builderBefore(name, objects)),
        ['snapshot', 'options', 'memo', 'problems', ...STEP_ORDER.slice(0, i)],
        name,
      );
  });
});
