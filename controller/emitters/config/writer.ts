/**
 * Writes a rendered config set safely: everything goes to a staging directory,
 * `haproxy -c` validates it there, and only a valid set is moved into place
 * (one atomic rename per file, haproxy.cfg last). A rejected candidate is kept
 * as haproxy.cfg.rejected for inspection and never reaches HAProxy.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import type { RenderedFile } from './render.ts';

export class ConfigRejectedError extends Error {
  readonly output: string;
  constructor(output: string) {
    super(`haproxy -c rejected the candidate config: ${output}`);
    this.output = output;
  }
}

export class ConfigWriter {
  readonly #configDir: string;
  readonly #haproxyBin: string;
  /** Files written by the last commit, so that files no longer rendered can be removed. */
  #committed = new Set<string>();

  constructor(configDir: string, haproxyBin: string) {
    this.#configDir = configDir;
    this.#haproxyBin = haproxyBin;
  }

  get configPath(): string {
    return join(this.#configDir, 'haproxy.cfg');
  }

  /**
   * Validates and installs a config set rendered for the config directory.
   * The staging copy has its paths pointed at the staging directory, so that
   * `haproxy -c` reads the candidate files, not the live ones.
   */
  async install(files: RenderedFile[]): Promise<void> {
    const staging = join(this.#configDir, '.staging');
    const live = `${this.#configDir}/`;
    await rm(staging, { recursive: true, force: true });
    await writeAll(
      staging,
      files.map((f) => ({ ...f, content: f.content.replaceAll(live, `${staging}/`) })),
    );
    const check = await execa(this.#haproxyBin, ['-c', '-q', '-f', join(staging, 'haproxy.cfg')], {
      reject: false,
      all: true,
    });
    if (check.exitCode !== 0) {
      const candidate = files.find((f) => f.path === 'haproxy.cfg');
      if (candidate) await writeFile(`${this.configPath}.rejected`, candidate.content, { mode: 0o644 });
      await rm(staging, { recursive: true, force: true });
      throw new ConfigRejectedError(
        String(check.all ?? '')
          .trim()
          .slice(0, 4000),
      );
    }
    // Overwrite the staging copy with the final contents, then move file by file; haproxy.cfg goes last.
    await writeAll(staging, files);
    const ordered = [
      ...files.filter((f) => f.path !== 'haproxy.cfg'),
      ...files.filter((f) => f.path === 'haproxy.cfg'),
    ];
    for (const file of ordered) {
      const target = join(this.#configDir, file.path);
      await mkdir(dirname(target), { recursive: true });
      await rename(join(staging, file.path), target);
    }
    const written = new Set(files.map((f) => f.path));
    for (const old of this.#committed)
      if (!written.has(old)) await rm(join(this.#configDir, old), { force: true });
    this.#committed = written;
    await rm(staging, { recursive: true, force: true });
  }
}

async function writeAll(dir: string, files: RenderedFile[]): Promise<void> {
  for (const file of files) {
    const path = join(dir, file.path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.content, { mode: file.mode });
  }
}
