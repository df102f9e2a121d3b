/**
 * Files changed next to a Runtime API update (certificates, the crt-list):
 * each is written to a temporary file with its final mode and renamed into
 * place, so HAProxy never reads half a key and a key is never world-readable.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { RenderedFile } from '../config/render.ts';

export async function replaceFiles(dir: string, files: readonly RenderedFile[]): Promise<void> {
  for (const file of files) {
    const target = join(dir, file.path);
    const tmp = join(dirname(target), `.${randomBytes(6).toString('hex')}.tmp`);
    await mkdir(dirname(target), { recursive: true });
    try {
      await writeFile(tmp, file.content, { mode: file.mode, flag: 'wx' });
      await rename(tmp, target);
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
  }
}

export async function removeFiles(dir: string, paths: readonly string[]): Promise<void> {
  for (const path of paths) await rm(join(dir, path), { force: true });
}
