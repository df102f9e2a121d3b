/**
 * manifests/ is what the chart renders with its default values (e2e/helm/manifests.ts):
 * a chart change without `npm run manifests`, or a hand edit of a generated file, fails here.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { GENERATED_DIRS, MANIFESTS_DIR, renderManifests } from './helm/manifests.ts';

async function committedYaml(): Promise<string[]> {
  const paths: string[] = [];
  for (const dir of GENERATED_DIRS)
    for (const entry of await readdir(join(MANIFESTS_DIR, dir), { withFileTypes: true }))
      if (entry.isFile() && /\.ya?ml$/.test(entry.name)) paths.push(join(dir, entry.name));
  return paths.sort();
}

describe('manifests/ generated from the chart', () => {
  it('holds exactly the files the chart renders, each as rendered (run `npm run manifests` after a chart change)', async () => {
    const rendered = await renderManifests();
    assert.deepEqual(await committedYaml(), [...rendered.keys()].sort(), 'the same files');
    for (const [path, content] of rendered)
      assert.equal(
        await readFile(join(MANIFESTS_DIR, path), 'utf8'),
        content,
        `manifests/${path} differs from the chart's output: edit the chart, then run \`npm run manifests\``,
      );
  });
});
