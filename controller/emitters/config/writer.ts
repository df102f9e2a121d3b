/**
 * Writes a rendered config set safely: everything goes to a staging directory,
 * `haproxy -c` validates it there, and only a valid set is moved into place
 * (one atomic rename per file, haproxy.cfg last). A rejected candidate is kept
 * as haproxy.cfg.rejected for inspection and never reaches HAProxy.
 *
 * Config snippets are the exception to all-or-nothing: when the candidate fails
 * only because of snippets, the failing ones are dropped and reported, and the
 * config without them is installed.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import type { Snippet } from '../../model/types.ts';
import type { RenderedFile } from './render.ts';
import { findSnippets, groupSnippets, snippetsNamedIn, withoutSnippetIds } from './snippets.ts';
import type { SnippetOrigins } from './view.ts';

export class ConfigRejectedError extends Error {
  readonly output: string;
  constructor(output: string) {
    super(`haproxy -c rejected the candidate config: ${output}`);
    this.output = output;
  }
}

/** A snippet left out of the installed config because `haproxy -c` failed with it. */
export interface DroppedSnippet {
  /** As its marker names it, e.g. `haproxy.org/backend-config-snippet of Service default/web in backend …`. */
  origin: string;
  /** The key that set it, where the view said so. */
  source: Pick<Snippet, 'ref' | 'field'> | undefined;
  /** What `haproxy -c` said with the snippet in. */
  output: string;
}

/** A snippet that failed, by its id in the config. */
type FailedSnippet = Omit<DroppedSnippet, 'source'> & { id: string };

export interface InstallResult {
  droppedSnippets: DroppedSnippet[];
  /** `[WARNING]` lines of `haproxy -c` on the installed config. */
  warnings: string[];
}

const CONFIG = 'haproxy.cfg';

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
    return join(this.#configDir, CONFIG);
  }

  /**
   * Validates and installs a config set rendered for the config directory.
   * The staging copy has its paths pointed at the staging directory, so that
   * `haproxy -c` reads the candidate files, not the live ones.
   */
  async install(files: RenderedFile[], snippetOrigins: SnippetOrigins = new Map()): Promise<InstallResult> {
    const staging = join(this.#configDir, '.staging');
    const live = `${this.#configDir}/`;
    const toStaging = (content: string) => content.replaceAll(live, `${staging}/`);
    await rm(staging, { recursive: true, force: true });
    await writeAll(
      staging,
      files.map((f) => ({ ...f, content: toStaging(f.content) })),
    );
    const candidate = files.find((f) => f.path === CONFIG)?.content ?? '';
    const check = async (config: string) => {
      await writeFile(join(staging, CONFIG), toStaging(config), { mode: 0o644 });
      // Not -q: HAProxy 2.6 hides some parsing alerts (and their line numbers) with it.
      const result = await execa(this.#haproxyBin, ['-c', '-f', join(staging, CONFIG)], {
        reject: false,
        all: true,
      });
      const output = String(result.all ?? '')
        .split('\n')
        .filter((line) => !/^\[NOTICE\]|^Configuration file is valid/.test(line))
        .join('\n')
        .trim();
      return { ok: result.exitCode === 0, output };
    };
    const warningsOf = (output: string) =>
      output
        .split('\n')
        .filter((line) => line.startsWith('[WARNING]'))
        .map((line) => line.trim());

    const first = await check(candidate);
    let config = candidate;
    let warnings = warningsOf(first.output);
    const droppedSnippets: DroppedSnippet[] = [];
    if (!first.ok) {
      const recovered = await this.#withoutFailingSnippets(candidate, first.output, check);
      if (!recovered) {
        await writeFile(`${this.configPath}.rejected`, candidate, { mode: 0o644 });
        await rm(staging, { recursive: true, force: true });
        throw new ConfigRejectedError(first.output.slice(0, 4000));
      }
      config = recovered.config;
      warnings = warningsOf((await check(config)).output);
      droppedSnippets.push(
        ...recovered.dropped.map(({ id, ...d }) => ({ ...d, source: snippetOrigins.get(id) })),
      );
    }

    // Overwrite the staging copy with the final contents, then move file by file; haproxy.cfg goes last.
    const final = files.map((f) => (f.path === CONFIG ? { ...f, content: config } : f));
    await writeAll(staging, final);
    const ordered = [...final.filter((f) => f.path !== CONFIG), ...final.filter((f) => f.path === CONFIG)];
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
    return { droppedSnippets, warnings };
  }

  /**
   * Finds a valid config by leaving snippets out: none if the config fails even
   * without any snippet. The snippets haproxy names by line are tried first;
   * otherwise each group of snippets is added back one at a time and kept only
   * if the config still validates.
   */
  async #withoutFailingSnippets(
    candidate: string,
    output: string,
    check: (config: string) => Promise<{ ok: boolean; output: string }>,
  ): Promise<{ config: string; dropped: FailedSnippet[] } | undefined> {
    const snippets = findSnippets(candidate);
    if (snippets.length === 0) return undefined;
    const all = new Set(snippets.map((s) => s.id));
    const originOf = (id: string) => snippets.find((s) => s.id === id)?.origin ?? id;
    const report = (ids: Iterable<string>, out: string) =>
      [...ids].map((id) => ({ id, origin: originOf(id), output: out }));

    const named = snippetsNamedIn(output, snippets);
    if (named.size > 0) {
      const config = withoutSnippetIds(candidate, named);
      if ((await check(config)).ok) return { config, dropped: report(named, output) };
    }
    if (!(await check(withoutSnippetIds(candidate, all))).ok) return undefined;

    const kept = new Set<string>();
    const dropped: FailedSnippet[] = [];
    for (const group of groupSnippets(snippets)) {
      const trial = new Set([...kept, ...group]);
      const result = await check(
        withoutSnippetIds(candidate, new Set([...all].filter((id) => !trial.has(id)))),
      );
      if (result.ok) for (const id of group) kept.add(id);
      else dropped.push(...report(group, result.output));
    }
    const config = withoutSnippetIds(candidate, new Set([...all].filter((id) => !kept.has(id))));
    return { config, dropped };
  }
}

async function writeAll(dir: string, files: RenderedFile[]): Promise<void> {
  for (const file of files) {
    const path = join(dir, file.path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.content, { mode: file.mode });
  }
}
