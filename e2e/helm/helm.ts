/**
 * The chart in charts/haproxy-sidecar-ingress, driven through the helm CLI built from the
 * pinned Go modules (build.ts): `helm lint`, and `helm template` split back into the
 * documents it rendered, each with the template file it came from.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ensureHelm } from './build.ts';

export const CHART_DIR = fileURLToPath(new URL('../../charts/haproxy-sidecar-ingress/', import.meta.url));

const run = promisify(execFile);

export interface HelmResult {
  stdout: string;
  stderr: string;
}

/** Runs helm; a non-zero exit rejects with helm's own error output in the message. */
export async function helm(args: string[]): Promise<HelmResult> {
  const { path } = await ensureHelm();
  try {
    return await run(path, args, {
      maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, HELM_NO_PLUGINS: '1' },
    });
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    throw new Error(`helm ${args.join(' ')} failed:\n${[stdout, stderr].join('\n').trim() || String(error)}`);
  }
}

export interface TemplateOptions {
  release: string;
  namespace: string;
  /** Values files, applied in order. */
  valuesFiles?: string[];
  /** `--set` pairs (helm's typing: `true` is a boolean), applied after the files. */
  set?: Record<string, string>;
}

/** One rendered document: its text as helm wrote it, and the template it came from. */
export interface RenderedDocument {
  /** The template's path inside the chart, e.g. `templates/40-deployment.yaml`. */
  template: string;
  text: string;
}

export async function template(options: TemplateOptions): Promise<RenderedDocument[]> {
  const args = ['template', options.release, CHART_DIR, '--namespace', options.namespace];
  for (const file of options.valuesFiles ?? []) args.push('--values', file);
  for (const [key, value] of Object.entries(options.set ?? {})) args.push('--set', `${key}=${value}`);
  const { stdout } = await helm(args);
  return splitDocuments(stdout);
}

const SOURCE = /^# Source: [^/]+\/(.+)$/;

/** Splits `helm template` output at its `---` lines; every document names its template first. */
export function splitDocuments(output: string): RenderedDocument[] {
  const documents: RenderedDocument[] = [];
  for (const chunk of output.split(/^---$/m)) {
    const lines = chunk.replace(/^\n/, '').split('\n');
    const source = SOURCE.exec(lines[0] ?? '');
    if (!source?.[1]) {
      if (chunk.trim())
        throw new Error(`helm template output without a '# Source:' line: ${chunk.slice(0, 200)}`);
      continue;
    }
    documents.push({ template: source[1], text: `${lines.slice(1).join('\n').trimEnd()}\n` });
  }
  return documents;
}
