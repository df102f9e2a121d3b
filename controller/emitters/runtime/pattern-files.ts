/**
 * Pattern files (--configmap-patternfiles) over the Runtime API: a file whose
 * patterns changed is replaced whole in HAProxy as a new version of the ACL
 * (prepare, fill, commit: lookups see the old list or the new, never a mix),
 * and the same content written to the file haproxy.cfg loads. Which files
 * exist is structure; their content is not. Pure: returns what to do.
 */
import type { AclReplacement } from '../../haproxy/runtime-api.ts';
import { PATTERN_DIR, type PatternFile } from '../../model/pattern-files.ts';
import type { RenderedFile } from '../config/render.ts';

const content = (file: PatternFile): string => file.patterns.map((p) => `${p}\n`).join('');

export function patternFileFiles(files: readonly PatternFile[] | undefined): RenderedFile[] {
  return (files ?? []).map((f) => ({ path: `${PATTERN_DIR}/${f.name}`, content: content(f), mode: 0o644 }));
}

export interface PatternFilePlan {
  replace: AclReplacement[];
  write: RenderedFile[];
}

/** `dir` is the config directory, as haproxy.cfg names it. */
export function planPatternFiles(
  before: readonly PatternFile[] | undefined,
  after: readonly PatternFile[] | undefined,
  dir: string,
): PatternFilePlan {
  const plan: PatternFilePlan = { replace: [], write: [] };
  const previous = new Map((before ?? []).map((f) => [f.name, content(f)]));
  for (const file of after ?? []) {
    const text = content(file);
    if (previous.get(file.name) === text) continue;
    plan.replace.push({ file: `${dir}/${PATTERN_DIR}/${file.name}`, patterns: file.patterns });
    plan.write.push({ path: `${PATTERN_DIR}/${file.name}`, content: text, mode: 0o644 });
  }
  return plan;
}
