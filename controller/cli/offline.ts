/**
 * The controller's pipeline run once, without a cluster or a running HAProxy: for `render`
 * and `lint`. A manifests directory (or file) is read as local mode reads it, the model is
 * built with the controller's flags, and the config is rendered as the controller renders
 * a fresh HAProxy's (every backend sized to its pods).
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Logger, pino } from 'pino';
import { z } from 'zod';
import { type RenderedFile, renderFiles } from '../emitters/config/render.ts';
import { type TemplateChoice, UserTemplates } from '../emitters/config/user-templates.ts';
import { buildView, type Paths, type SnippetOrigins } from '../emitters/config/view.ts';
import { planSlots } from '../emitters/runtime/slots.ts';
import { buildModel } from '../model/build.ts';
import type { DesiredState } from '../model/types.ts';
import { ManifestsSource } from '../sources/manifests/manifests-source.ts';
import { formatProblem, type Problem } from '../store/problems.ts';
import { type Snapshot, Store } from '../store/store.ts';
import { listenOf, modelOptionsOf } from './model-options.ts';
import { helpText, type Options, parseOptions, UsageError } from './options.ts';

/** A subcommand's own flags, on top of the controller's. */
export interface SubcommandFlag {
  arg?: string;
  schema: z.ZodType;
  help: string;
}

export const OUTPUT_FLAG = {
  arg: 'text|json',
  schema: z.enum(['text', 'json'], { message: 'must be text or json' }).default('text'),
  help: 'How to print the report: text for people, json for tools.',
} satisfies SubcommandFlag;

/**
 * Splits `argv` into the subcommand's own flags (`--name VALUE` or `--name=VALUE`) and the
 * controller's, which are parsed as the controller parses them. `--manifests` is required.
 */
export function parseSubcommand<F extends Record<string, SubcommandFlag>>(
  argv: readonly string[],
  own: F,
): { options: Options; own: { [K in keyof F]: z.infer<F[K]['schema']> } } {
  const rest: string[] = [];
  const values: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [flag = '', inline] = arg.split(/=(.*)/s, 2);
    const name = flag.replace(/^--/, '');
    if (!flag.startsWith('--') || !(name in own)) {
      rest.push(arg);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    values[name] = value;
  }
  const parsed: Record<string, unknown> = {};
  for (const [name, flag] of Object.entries(own)) {
    const result = flag.schema.safeParse(values[name]);
    if (!result.success)
      throw new UsageError(`--${name}: ${result.error.issues[0]?.message ?? 'invalid value'}`);
    parsed[name] = result.data;
  }
  const options = parseOptions(rest);
  if (!options.help && !options.manifests) throw new UsageError('--manifests DIR is required');
  return { options, own: parsed as { [K in keyof F]: z.infer<F[K]['schema']> } };
}

/** A subcommand's --help: its usage, its own flags, then the controller's. */
export function subcommandHelp(usage: string, own: Record<string, SubcommandFlag>): string {
  const rows = Object.entries(own).map(
    ([name, flag]) => `${`  --${name}${flag.arg ? ` ${flag.arg}` : ''}`.padEnd(36)} ${flag.help}`,
  );
  const controller = helpText().split('\n');
  const flagsAt = controller.findIndex((line) => line.startsWith('Flags'));
  return [usage.trimEnd(), '', 'Flags of this command:', ...rows, '', ...controller.slice(flagsAt)].join(
    '\n',
  );
}

/** Logs of the sources and the writer go to stderr: stdout is the command's output. */
export function stderrLogger(level: Options['log']): Logger {
  return pino({ level, base: undefined }, pino.destination(2));
}

/** Reads the manifests as local mode does (every .yaml, .yml and .json file, List kinds, several documents a file). */
export async function loadManifests(path: string, log: Logger): Promise<Snapshot> {
  const found = await stat(path).catch(() => undefined);
  if (!found) throw new UsageError(`--manifests ${path}: no such file or directory`);
  const store = new Store();
  const source = new ManifestsSource(path, log);
  try {
    await source.start(store);
  } finally {
    await source.stop();
  }
  return store.snapshot();
}

export function buildOnce(snapshot: Snapshot, options: Options): DesiredState {
  return buildModel(snapshot, modelOptionsOf(options, true));
}

/** The controller's paths, from its flags: what the rendered files name. */
/** What render and lint both start from: the manifests, the user templates (read), and the model built once. */
export async function offlineInputs(
  options: Options,
): Promise<{ templates: UserTemplates | undefined; state: DesiredState }> {
  const snapshot = await loadManifests(options.manifests ?? '', stderrLogger(options.log));
  const templates = options.templates ? new UserTemplates(options.templates) : undefined;
  await templates?.read().catch((error: Error) => {
    throw new UsageError(`--templates ${options.templates}: ${error.message}`);
  });
  return { templates, state: buildOnce(snapshot, options) };
}

export function pathsOf(options: Options, configDir = options['config-dir']): Paths {
  return { configDir, statsSocket: join(options['runtime-dir'], 'haproxy.sock') };
}

/** Renders the files of a fresh HAProxy's config (every backend sized to its pods). */
export function renderOnce(
  state: DesiredState,
  options: Options,
  paths: Paths,
  fallbackPem: string,
  template: TemplateChoice,
): { files: RenderedFile[]; snippetOrigins: SnippetOrigins } {
  const slots = new Map(state.backends.map((b) => [b.name, planSlots(b, undefined)]));
  const snippetOrigins: SnippetOrigins = new Map();
  const view = buildView(state, slots, listenOf(options), paths, snippetOrigins);
  return { files: renderFiles(state, view, paths.configDir, fallbackPem, template.compiled), snippetOrigins };
}

/** One problem as a line of text: severity, reason, where, what. */
export const problemLine = (p: Problem): string =>
  `${p.severity.padEnd(7)} ${p.reason.padEnd(19)} ${formatProblem(p)}`;

export const problemCounts = (problems: readonly Problem[]) => ({
  errors: problems.filter((p) => p.severity === 'error').length,
  warnings: problems.filter((p) => p.severity === 'warning').length,
});
