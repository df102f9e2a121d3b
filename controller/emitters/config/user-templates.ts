/**
 * User templates (--templates DIR): each `NAME.hbs` there replaces the built-in partial
 * NAME (templates/partials/, listed in docs/templates.md). The directory is watched, so an
 * edit applies without a restart. A template that does not compile, fails to render, or
 * whose config `haproxy -c` refuses is reported, and the last good templates stay in use.
 */
import { EventEmitter } from 'node:events';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { type FSWatcher, watch } from 'chokidar';
import Handlebars from 'handlebars';
import type { Problem } from '../../store/problems.ts';
import {
  builtinPartials,
  builtinTemplate,
  type ConfigTemplate,
  compileTemplates,
  TEMPLATE_DIR,
  TemplateNameError,
} from './render.ts';
import { ConfigRejectedError } from './writer.ts';

/** One set of templates haproxy.cfg can be rendered with. */
export interface TemplateChoice {
  compiled: ConfigTemplate;
  /** The user files it was compiled with (`backend.hbs`); none for the built-in templates. */
  files: readonly string[];
}

let builtin: TemplateChoice | undefined;

/** The built-in templates, as a choice. */
export function builtinChoice(): TemplateChoice {
  builtin ??= { compiled: builtinTemplate(), files: [] };
  return builtin;
}

const PARTIAL_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** Partials a template includes by name (`{{> name}}`), from its syntax tree. */
export function includedPartials(source: string): Set<string> {
  const names = new Set<string>();
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    const n = node as { type?: string; name?: { original?: unknown } };
    if (
      (n.type === 'PartialStatement' || n.type === 'PartialBlockStatement') &&
      typeof n.name?.original === 'string'
    )
      names.add(n.name.original);
    for (const value of Object.values(node)) if (value && typeof value === 'object') visit(value);
  };
  visit(Handlebars.parse(source));
  return names;
}

export class UserTemplates extends EventEmitter<{ change: [] }> {
  readonly dir: string;
  /** The newest set of templates that compiled. */
  #newest: TemplateChoice = builtinChoice();
  /** The set the last installed config was rendered with. */
  #lastGood: TemplateChoice = builtinChoice();
  /** Files that do not compile, or that nothing includes. */
  #readProblems: Problem[] = [];
  /** Why the newest set was set aside, while it is the newest. */
  #rejected: { choice: TemplateChoice; problem: Problem } | undefined;
  #watcher: FSWatcher | undefined;
  #reading: Promise<void> | undefined;
  #readAgain = false;
  /** The sources the newest set was compiled from, by partial name. */
  #sources: ReadonlyMap<string, string> = new Map();

  constructor(dir: string) {
    super();
    this.dir = dir;
  }

  /** Reads the directory: the newest set becomes what compiles of it now. */
  async read(): Promise<void> {
    const names = (await readdir(this.dir, { withFileTypes: true }))
      .filter((entry) => entry.isFile() && entry.name.endsWith('.hbs'))
      .map((entry) => entry.name)
      .sort();
    const builtins = builtinPartials(TEMPLATE_DIR);
    const problems: Problem[] = [];
    /** A file that cannot be read or compiled holds the whole set back: the last good one stays. */
    let failed = false;
    const overlay = new Map<string, string>();
    const included = new Set<string>(
      [...builtins.values()].flatMap((source) => [...includedPartials(source)]),
    );
    for (const file of names) {
      const name = basename(file, '.hbs');
      const ref = { file: join(this.dir, file) };
      const source = await readFile(join(this.dir, file), 'utf8').catch((error: Error) => error);
      if (source instanceof Error) {
        failed = true;
        problems.push({
          ref,
          reason: 'InvalidTemplate',
          message: `cannot be read: ${source.message}`,
          severity: 'error',
        });
        continue;
      }
      if (!PARTIAL_NAME.test(name)) {
        problems.push({
          ref,
          reason: 'InvalidTemplate',
          message: 'a partial name has letters, digits, "-" and "_" only; ignored',
          severity: 'error',
        });
        continue;
      }
      try {
        for (const partial of includedPartials(source)) included.add(partial);
      } catch (error) {
        failed = true;
        problems.push({
          ref,
          reason: 'InvalidTemplate',
          message: `does not compile: ${oneLine((error as Error).message)}; the last good templates stay in use`,
          severity: 'error',
        });
        continue;
      }
      overlay.set(name, source);
    }
    for (const name of overlay.keys())
      if (!builtins.has(name) && !included.has(name))
        problems.push({
          ref: { file: join(this.dir, `${name}.hbs`) },
          reason: 'Unused',
          message: `no built-in partial is named ${name} and no template includes it; ignored (partials: ${[...builtins.keys()].join(', ')})`,
          severity: 'warning',
        });
    this.#readProblems = problems;
    if (failed) return;
    const files = [...overlay.keys()].map((name) => `${name}.hbs`);
    if (sameFiles(files, this.#newest.files) && sameSources(overlay, this.#sources)) return;
    this.#newest =
      overlay.size === 0 ? builtinChoice() : { compiled: compileTemplates(TEMPLATE_DIR, overlay), files };
    this.#sources = overlay;
  }

  /** Watches the directory; every change is read and announced with `change`. */
  watch(): Promise<void> {
    return new Promise((resolve) => {
      this.#watcher = watch(this.dir, { ignoreInitial: true, depth: 0, atomic: true });
      const changed = () => void this.#reread();
      this.#watcher.on('add', changed).on('change', changed).on('unlink', changed);
      this.#watcher.once('ready', () => resolve());
    });
  }

  async close(): Promise<void> {
    await this.#watcher?.close();
    await this.#reading;
  }

  async #reread(): Promise<void> {
    if (this.#reading) {
      this.#readAgain = true;
      return;
    }
    this.#reading = (async () => {
      do {
        this.#readAgain = false;
        await this.read().catch((error: Error) => {
          this.#readProblems = [
            {
              ref: { file: this.dir },
              reason: 'InvalidTemplate',
              message: `cannot be read: ${error.message}`,
              severity: 'error',
            },
          ];
        });
      } while (this.#readAgain);
    })().finally(() => {
      this.#reading = undefined;
    });
    await this.#reading;
    this.emit('change');
  }

  /** The templates to try, in order: the newest that compiled, then the last good. */
  choices(): TemplateChoice[] {
    if (this.#rejected?.choice === this.#newest || this.#newest === this.#lastGood) return [this.#lastGood];
    return [this.#newest, this.#lastGood];
  }

  /** A config rendered with `choice` was installed. */
  accept(choice: TemplateChoice): void {
    this.#lastGood = choice;
  }

  /** `choice` failed where the last good templates did not: set aside until the files change. */
  reject(choice: TemplateChoice, why: string): void {
    if (choice !== this.#newest) return;
    this.#rejected = {
      choice,
      problem: {
        ref: { file: this.dir },
        reason: 'InvalidTemplate',
        message: `${choice.files.join(', ')}: ${why}; the last good templates stay in use (${this.#lastGood.files.length > 0 ? this.#lastGood.files.join(', ') : 'the built-in ones'})`,
        severity: 'error',
      },
    };
  }

  problems(): Problem[] {
    const rejected = this.#rejected?.choice === this.#newest ? [this.#rejected.problem] : [];
    return [...this.#readProblems, ...rejected];
  }
}

const sameSources = (a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>) =>
  a.size === b.size && [...a].every(([name, source]) => b.get(name) === source);

const sameFiles = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((file, i) => file === b[i]);

const oneLine = (text: string): string =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' | ');

/** A render error the templates caused (a name the view lacks, a missing partial), not the input. */
function isRenderFault(error: unknown): boolean {
  return error instanceof TemplateNameError || error instanceof Handlebars.Exception;
}

/**
 * Renders and installs (`attempt`) with the newest templates, falling back to the last good
 * ones: templates that fail to render, or whose config fails `haproxy -c` where the last good
 * templates' passes, are reported and set aside. When every choice fails, the newest's error
 * is thrown: the input is at fault.
 */
export async function withTemplates<T>(
  templates: UserTemplates | undefined,
  attempt: (choice: TemplateChoice) => Promise<T>,
): Promise<{ result: T; choice: TemplateChoice }> {
  const choices = templates?.choices() ?? [builtinChoice()];
  let blame: { choice: TemplateChoice; why: string; error: unknown } | undefined;
  for (const [i, choice] of choices.entries()) {
    const last = i === choices.length - 1;
    try {
      const result = await attempt(choice);
      templates?.accept(choice);
      if (blame) templates?.reject(blame.choice, blame.why);
      return { result, choice };
    } catch (error) {
      if (isRenderFault(error) && !last) {
        templates?.reject(choice, `fail to render: ${oneLine((error as Error).message)}`);
        continue;
      }
      if (error instanceof ConfigRejectedError && !last) {
        blame = {
          choice,
          why: `haproxy -c refuses the config they render: ${oneLine(error.output).slice(0, 1000)}`,
          error,
        };
        continue;
      }
      throw blame?.error ?? error;
    }
  }
  throw new Error('no templates to render with');
}
