/**
 * `haproxy-sidecar-ingress render --manifests DIR [--out DIR] [flags]`: the haproxy.cfg, maps
 * and certificate list the controller would apply for the objects in DIR, with the same flags,
 * before any cluster is involved. Files that hold private keys are named, never written.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { withTemplates } from '../emitters/config/user-templates.ts';
import {
  OUTPUT_FLAG,
  offlineInputs,
  parseSubcommand,
  pathsOf,
  problemLine,
  renderOnce,
  subcommandHelp,
} from './offline.ts';
import { UsageError } from './options.ts';

const USAGE = `Usage: haproxy-sidecar-ingress render --manifests DIR [--out DIR] [--output text|json] [flags]

Renders the haproxy.cfg, maps and certificate list (crt-list) the controller would apply for
the objects in DIR (.yaml, .yml, .json files, several documents a file, List kinds: kubectl
get -o yaml and helm template output as they are), taking the controller's flags. Paths in
the files name --config-dir and --runtime-dir, as the controller writes them. Without --out,
haproxy.cfg goes to stdout. Certificates and keys are named, never written. Problems go to
stderr; \`lint\` reports them with their fields and checks the config with haproxy -c.
`;

const FLAGS = {
  out: {
    arg: 'DIR',
    schema: z.string().min(1).optional(),
    help: 'Write haproxy.cfg, the maps and the crt-list into DIR (created if missing).',
  },
  output: OUTPUT_FLAG,
};

/** Runs the subcommand; resolves to its exit code. */
export async function renderCommand(argv: string[]): Promise<number> {
  try {
    const { options, own } = parseSubcommand(argv, FLAGS);
    if (options.help) {
      process.stdout.write(subcommandHelp(USAGE, FLAGS));
      return 0;
    }
    const { templates, state } = await offlineInputs(options);
    const { result: rendered } = await withTemplates(templates, async (choice) =>
      renderOnce(state, options, pathsOf(options), '', choice),
    );
    const problems = [...state.problems, ...(templates?.problems() ?? [])];
    // Private keys (mode 0600: certificates, client keys, the generated fallback) stay out.
    const files = rendered.files.filter((f) => f.mode !== 0o600);
    const withheld = rendered.files.filter((f) => f.mode === 0o600).map((f) => f.path);
    if (own.out) {
      for (const file of files) {
        const path = join(own.out, file.path);
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, file.content, { mode: file.mode });
      }
    }
    if (own.output === 'json') {
      const report = { files: files.map(({ path, content }) => ({ path, content })), withheld, problems };
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return 0;
    }
    if (own.out) process.stderr.write(`wrote ${files.map((f) => f.path).join(', ')} into ${own.out}\n`);
    else process.stdout.write(files.find((f) => f.path === 'haproxy.cfg')?.content ?? '');
    if (withheld.length > 0) process.stderr.write(`not written (they hold keys): ${withheld.join(', ')}\n`);
    for (const problem of problems) process.stderr.write(`${problemLine(problem)}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`haproxy-sidecar-ingress render: ${(error as Error).message}\n`);
    if (error instanceof UsageError) {
      process.stderr.write(`\n${USAGE}`);
      return 2;
    }
    return 1;
  }
}
