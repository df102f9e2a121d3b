/**
 * `haproxy-sidecar-ingress migrate --from ingress-nginx --manifests DIR [--output json]`:
 * for every Ingress in the directory (e.g. a `kubectl get ingress -A -o yaml`
 * dump), what each nginx.ingress.kubernetes.io/ annotation becomes here:
 * honoured, mapped (to what, and how it differs) or not supported (why).
 * Exits 1 when something would behave differently, 0 when nothing would,
 * 2 on a usage error.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { NGINX_PREFIX } from '../model/settings/ingress-nginx/annotation.ts';
import {
  type AnnotationOutcome,
  carriesNginxAnnotations,
  translateAnnotations,
  translatedLayer,
} from '../model/settings/ingress-nginx/translate.ts';
import { INGRESS_ROUTE_KEYS } from '../model/settings/ingress-route-keys.ts';
import { BACKEND_KEYS } from '../model/settings/keys.ts';
import { resolveAll } from '../model/settings/registry.ts';
import { REQUEST_KEYS } from '../model/settings/request-keys.ts';
import { parseManifestFile } from '../sources/manifests/parse-file.ts';
import { objectRef, type Problem } from '../store/problems.ts';
import type { Ingress } from '../store/schemas.ts';

const USAGE = `Usage: haproxy-sidecar-ingress migrate --from ingress-nginx --manifests DIR [--output text|json]

Reports, for every Ingress in DIR (.yaml, .yml, .json; e.g. the output of
\`kubectl get ingress -A -o yaml\`), what each nginx.ingress.kubernetes.io/ annotation
becomes: honoured, mapped (to what, and how it differs) or not supported (why).
Exits 1 when something would behave differently than under ingress-nginx.
`;

const Args = z.object({
  from: z.literal('ingress-nginx', { message: '--from must be ingress-nginx' }),
  manifests: z.string({ message: '--manifests DIR is required' }).min(1),
  output: z.enum(['text', 'json'], { message: '--output must be text or json' }).default('text'),
});

export interface IngressReport {
  namespace: string;
  name: string;
  annotations: (AnnotationOutcome & { value: string })[];
  /** Differences that come from the Ingress itself rather than an annotation. */
  notes: string[];
}

export interface MigrationReport {
  ingresses: IngressReport[];
  /** Files that could not be read. */
  problems: string[];
  summary: Record<AnnotationOutcome['outcome'], number>;
  /** Something would behave differently. */
  differs: boolean;
}

/** Outcomes that behave as under ingress-nginx (an unknown annotation is ignored there too). */
const SAME = new Set<AnnotationOutcome['outcome']>(['honoured', 'unknown']);

/** What becomes of one Ingress's annotations, with values our schemas refuse marked invalid. */
export function reportIngress(ingress: Ingress): IngressReport {
  const ref = objectRef('Ingress', ingress.metadata);
  const translated = translateAnnotations(ref, ingress.metadata.annotations);
  const layer = translatedLayer(ref, translated);
  const refused: Problem[] = [];
  resolveAll(BACKEND_KEYS, [layer], refused);
  resolveAll(REQUEST_KEYS, [layer], refused);
  resolveAll(INGRESS_ROUTE_KEYS, [layer], refused);
  const annotations = translated.outcomes.map((o) => {
    const problem = refused.find((p) => p.field === o.field);
    return {
      ...o,
      ...(problem && { outcome: 'invalid' as const, note: problem.message }),
      value: ingress.metadata.annotations[o.field] ?? '',
    };
  });
  const notes: string[] = [];
  const regex = ingress.metadata.annotations[`${NGINX_PREFIX}use-regex`] === 'true';
  // With an nginx annotation the Ingress is read in the ingress-nginx dialect: a plain string
  // prefix, as there. Without one, only --default-annotation-dialect ingress-nginx makes it so.
  const nginxDialect = carriesNginxAnnotations(ingress.metadata.annotations);
  for (const rule of ingress.spec.rules)
    for (const path of rule.http?.paths ?? [])
      if (
        path.pathType === 'ImplementationSpecific' &&
        !regex &&
        !nginxDialect &&
        path.path &&
        path.path !== '/'
      )
        notes.push(
          `path ${path.path} (ImplementationSpecific): without an nginx.ingress.kubernetes.io/ annotation this Ingress is read in our dialect, where the path matches ${path.path} and below it, element by element; ingress-nginx also matched longer names such as ${path.path.replace(/\/$/, '')}x (a plain string prefix, as with --default-annotation-dialect ingress-nginx)`,
        );
  return { namespace: ingress.metadata.namespace, name: ingress.metadata.name, annotations, notes };
}

export async function buildReport(dir: string): Promise<MigrationReport> {
  const files = (await readdir(dir)).filter((f) => /\.(ya?ml|json)$/.test(f) && !f.startsWith('.')).sort();
  const ingresses: Ingress[] = [];
  const problems: string[] = [];
  for (const file of files) {
    const contents = parseManifestFile(file, await readFile(join(dir, file), 'utf8'));
    for (const p of contents.problems)
      if (p.reason === 'InvalidObject') problems.push(`${file}: ${p.message}`);
    for (const parsed of contents.objects) if (parsed.kind === 'Ingress') ingresses.push(parsed.object);
  }
  ingresses.sort((a, b) =>
    `${a.metadata.namespace}/${a.metadata.name}` < `${b.metadata.namespace}/${b.metadata.name}` ? -1 : 1,
  );
  const reports = ingresses.map(reportIngress);
  const summary = { honoured: 0, mapped: 0, unsupported: 0, invalid: 0, unknown: 0 };
  for (const r of reports) for (const a of r.annotations) summary[a.outcome]++;
  const differs = reports.some((r) => r.notes.length > 0 || r.annotations.some((a) => !SAME.has(a.outcome)));
  return { ingresses: reports, problems, summary, differs };
}

const WORDS: Record<AnnotationOutcome['outcome'], string> = {
  honoured: 'honoured',
  mapped: 'mapped',
  unsupported: 'not supported',
  invalid: 'invalid',
  unknown: 'unknown',
};

export function formatReport(report: MigrationReport): string {
  const lines: string[] = [];
  for (const ingress of report.ingresses) {
    lines.push(`Ingress ${ingress.namespace}/${ingress.name}`);
    if (ingress.annotations.length === 0 && ingress.notes.length === 0)
      lines.push('  no nginx.ingress.kubernetes.io/ annotations');
    for (const a of ingress.annotations) {
      const becomes = a.becomes.length > 0 ? ` → ${a.becomes.join(', ')}` : '';
      const why = a.outcome === 'honoured' ? '' : `: ${a.note}`;
      lines.push(`  ${a.field.slice(NGINX_PREFIX.length)}: ${WORDS[a.outcome]}${becomes}${why}`);
    }
    for (const note of ingress.notes) lines.push(`  note: ${note}`);
  }
  for (const p of report.problems) lines.push(`skipped ${p}`);
  const s = report.summary;
  lines.push(
    '',
    `${report.ingresses.length} Ingresses; annotations: ${s.honoured} honoured, ${s.mapped} mapped, ${s.unsupported} not supported, ${s.invalid} invalid, ${s.unknown} unknown.`,
    report.differs
      ? 'Some Ingresses would behave differently (see above).'
      : 'Every Ingress would behave as it did under ingress-nginx.',
    '',
  );
  return lines.join('\n');
}

/** Runs the subcommand; resolves to the exit status. */
export async function migrateCommand(argv: string[]): Promise<number> {
  let args: z.infer<typeof Args>;
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        from: { type: 'string' },
        manifests: { type: 'string' },
        output: { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
    });
    if (values.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    const parsed = Args.safeParse(values);
    if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? 'invalid arguments');
    args = parsed.data;
  } catch (error) {
    process.stderr.write(`migrate: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  let report: MigrationReport;
  try {
    report = await buildReport(args.manifests);
  } catch (error) {
    process.stderr.write(`migrate: --manifests ${args.manifests}: ${(error as Error).message}\n`);
    return 2;
  }
  process.stdout.write(
    args.output === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report),
  );
  return report.differs ? 1 : 0;
}
