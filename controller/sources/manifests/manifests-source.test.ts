import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { Store } from '../../store/store.ts';
import { ManifestsSource } from './manifests-source.ts';

const service = (name: string) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: default\nspec:\n  ports:\n    - port: 80\n`;

describe('ManifestsSource', () => {
  it('reads manifests below the directory, and skips hidden files and directories', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'hsi-manifests-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    await mkdir(join(dir, 'sub'));
    await mkdir(join(dir, '.git'));
    await writeFile(join(dir, 'a.yaml'), service('web'));
    await writeFile(join(dir, 'sub', 'b.yml'), service('below'));
    await writeFile(join(dir, '.a.yaml.swp'), service('swap'));
    await writeFile(join(dir, '.hidden.yaml'), service('hidden'));
    await writeFile(join(dir, '.git', 'c.yaml'), service('git'));
    await writeFile(join(dir, 'notes.txt'), service('text'));
    const store = new Store();
    const source = new ManifestsSource(dir, pino({ level: 'silent' }));
    await source.start(store);
    t.after(() => source.stop());
    assert.deepEqual([...store.snapshot().services.keys()].sort(), ['default/below', 'default/web']);
  });
});
