/**
 * `haproxy-sidecar-ingress lint --manifests DIR [flags]`: every problem the controller would
 * report for the objects in DIR (typed: object, field, reason), then `haproxy -c` on the config
 * it would apply, validated as the controller validates it (a staging directory, snippets
 * that fail dropped and reported). Exits 1 when anything is wrong, for CI.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { z } from 'zod';
import { installProblemsOf } from '../emitters/applier.ts';
import { selfSignedCertificate } from '../emitters/config/self-signed.ts';
import { type UserTemplates, withTemplates } from '../emitters/config/user-templates.ts';
import { ConfigRejectedError, ConfigWriter } from '../emitters/config/writer.ts';
import type { DesiredState } from '../model/types.ts';
import type { Problem } from '../store/problems.ts';
import {
  OUTPUT_FLAG,
  offlineInputs,
  parseSubcommand,
  pathsOf,
  problemCounts,
  problemLine,
  renderOnce,
  subcommandHelp,
} from './offline.ts';
import type { Options } from './options.ts';
import { UsageError } from './options.ts';

const USAGE = `Usage: haproxy-sidecar-ingress lint --manifests DIR [--output text|json] [--fail-on warning|error] [flags]

Reports every problem the controller would find in the objects in DIR (.yaml, .yml, .json
files, several documents a file, List kinds: kubectl get -o yaml and helm template output as
they are), each with its object, field and reason, taking the controller's flags (--templates
included). Then checks the config the controller would apply with haproxy -c (--haproxy-bin);
without an HAProxy binary it says that it skipped the check. Exits 1 when anything is wrong (a
problem of --fail-on severity or worse, or a config haproxy -c refuses), 0 otherwise, 2 on a
usage error.
`;

const FLAGS = {
  output: OUTPUT_FLAG,
  'fail-on': {
    arg: 'warning|error',
    schema: z.enum(['warning', 'error'], { message: 'must be warning or error' }).default('warning'),
    help: 'Least severity of problem that fails the lint: warning (anything wrong), or error (objects or values not used).',
  },
};

/** What `haproxy -c` said, or why it was not asked. */
export type HAProxyCheck =
  | { check: 'passed' | 'failed'; binary: string; version: string; output: string }
  | { check: 'skipped'; binary: string; reason: string };

export interface LintReport {
  problems: Problem[];
  haproxy: HAProxyCheck;
  errors: number;
  warnings: number;
  /** Nothing wrong at the --fail-on level, and haproxy -c passed or was skipped. */
  ok: boolean;
}

/** The version of the HAProxy binary, or why it cannot run. */
async function haproxyVersion(binary: string): Promise<{ version: string } | { missing: string }> {
  const result = await execa(binary, ['-v'], { reject: false });
  if (result.failed && result.exitCode === undefined)
    return { missing: `${binary} cannot be run (${result.code ?? result.shortMessage})` };
  return { version: /version (\S+)/.exec(String(result.stdout))?.[1] ?? 'unknown' };
}

/**
 * Renders and installs into a scratch config directory with the controller's config writer:
 * the same `haproxy -c`, the same snippet recovery, the same warnings.
 */
async function checkWithHAProxy(
  state: DesiredState,
  options: Options,
  templates: UserTemplates | undefined,
  binary: string,
  version: string,
): Promise<{ check: HAProxyCheck; problems: Problem[] }> {
  const scratch = await mkdtemp(join(tmpdir(), 'haproxy-sidecar-ingress-lint-'));
  const paths = { configDir: join(scratch, 'config'), statsSocket: join(scratch, 'run', 'haproxy.sock') };
  // haproxy -c names the scratch files; people know the config by its path in --config-dir.
  const readable = (output: string) =>
    output.replaceAll(`${paths.configDir}/.staging`, options['config-dir']).replaceAll(scratch, '$SCRATCH');
  try {
    await mkdir(paths.configDir, { recursive: true });
    const { cert, key } = selfSignedCertificate('haproxy-sidecar-ingress lint');
    const writer = new ConfigWriter(paths.configDir, binary);
    const { result } = await withTemplates(templates, async (choice) => {
      const { files, snippetOrigins } = renderOnce(state, options, paths, cert + key, choice);
      return writer.install(files, snippetOrigins);
    });
    const problems = installProblemsOf(result).map((p) => ({ ...p, message: readable(p.message) }));
    return { check: { check: 'passed', binary, version, output: '' }, problems };
  } catch (error) {
    if (!(error instanceof ConfigRejectedError)) throw error;
    return { check: { check: 'failed', binary, version, output: readable(error.output) }, problems: [] };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

export async function lint(options: Options, failOn: 'warning' | 'error'): Promise<LintReport> {
  const { templates, state } = await offlineInputs(options);
  const binary = options['haproxy-bin'];
  const found = await haproxyVersion(binary);
  let haproxy: HAProxyCheck;
  const problems: Problem[] = [...state.problems];
  if ('missing' in found) {
    // Rendering still finds what the templates get wrong.
    await withTemplates(templates, async (choice) =>
      renderOnce(state, options, pathsOf(options), '', choice),
    );
    haproxy = { check: 'skipped', binary, reason: found.missing };
  } else {
    const checked = await checkWithHAProxy(state, options, templates, binary, found.version);
    haproxy = checked.check;
    problems.push(...checked.problems);
  }
  problems.push(...(templates?.problems() ?? []));
  const { errors, warnings } = problemCounts(problems);
  const failing = failOn === 'error' ? errors : errors + warnings;
  return { problems, haproxy, errors, warnings, ok: failing === 0 && haproxy.check !== 'failed' };
}

function textReport(report: LintReport): string {
  const lines = report.problems.map(problemLine);
  const { haproxy } = report;
  if (haproxy.check === 'skipped')
    lines.push(`haproxy -c: skipped, no HAProxy binary: ${haproxy.reason}; pass --haproxy-bin PATH to check`);
  else if (haproxy.check === 'passed')
    lines.push(`haproxy -c (HAProxy ${haproxy.version}): the config is valid`);
  else lines.push(`haproxy -c (HAProxy ${haproxy.version}): the config is refused:`, haproxy.output);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const refused = haproxy.check === 'failed' ? ', and a config haproxy -c refuses' : '';
  lines.push(
    `${plural(report.errors, 'error')}, ${plural(report.warnings, 'warning')}${refused}${report.ok ? '' : ': lint failed'}`,
  );
  return `${lines.join('\n')}\n`;
}

/** Runs the subcommand; resolves to its exit code. */
export async function lintCommand(argv: string[]): Promise<number> {
  try {
    const { options, own } = parseSubcommand(argv, FLAGS);
    if (options.help) {
      process.stdout.write(subcommandHelp(USAGE, FLAGS));
      return 0;
    }
    const report = await lint(options, own['fail-on']);
    process.stdout.write(own.output === 'json' ? `${JSON.stringify(report, null, 2)}\n` : textReport(report));
    return report.ok ? 0 : 1;
  } catch (error) {
    process.stderr.write(`haproxy-sidecar-ingress lint: ${(error as Error).message}\n`);
    if (error instanceof UsageError) {
      process.stderr.write(`\n${USAGE}`);
      return 2;
    }
    return 1;
  }
}
