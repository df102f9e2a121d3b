/**
 * Finds the config snippets in a rendered haproxy.cfg by their marker comments
 * and removes chosen ones, so that a snippet that makes `haproxy -c` fail can
 * be dropped while the rest of the config is still installed. Pure text work.
 */
import { SNIPPET_BEGIN, snippetEnd } from './view.ts';

export interface SnippetInConfig {
  id: string;
  /** Key and object the snippet came from, as printed in its begin marker. */
  origin: string;
  /** 1-based line numbers of the begin and end markers. */
  firstLine: number;
  lastLine: number;
  text: string;
}

/** Every snippet block of a config, in order. The same id may appear twice (http and https frontends). */
export function findSnippets(config: string): SnippetInConfig[] {
  const lines = config.split('\n');
  const found: SnippetInConfig[] = [];
  for (let i = 0; i < lines.length; i++) {
    const begin = SNIPPET_BEGIN.exec(lines[i] as string);
    if (!begin) continue;
    const [, id = '', origin = ''] = begin;
    const end = snippetEnd(id);
    let j = i + 1;
    while (j < lines.length && !end.test(lines[j] as string)) j++;
    if (j === lines.length) break;
    found.push({
      id,
      origin,
      firstLine: i + 1,
      lastLine: j + 1,
      text: lines
        .slice(i + 1, j)
        .map((l) => l.trim())
        .join('\n'),
    });
    i = j;
  }
  return found;
}

/** The config with the given snippet ids (every occurrence, markers included) removed. */
export function withoutSnippetIds(config: string, ids: ReadonlySet<string>): string {
  if (ids.size === 0) return config;
  const drop = new Set<number>();
  for (const s of findSnippets(config)) {
    if (!ids.has(s.id)) continue;
    for (let line = s.firstLine; line <= s.lastLine; line++) drop.add(line);
  }
  return config
    .split('\n')
    .filter((_, i) => !drop.has(i + 1))
    .join('\n');
}

/**
 * Snippet ids whose lines `haproxy -c` names in its output
 * (`parsing [<file>:<line>]`): the likely culprits, tried first.
 */
export function snippetsNamedIn(output: string, snippets: readonly SnippetInConfig[]): Set<string> {
  const named = new Set<string>();
  for (const match of output.matchAll(/haproxy\.cfg:(\d+)\]/g)) {
    const line = Number(match[1]);
    const hit = snippets.find((s) => line > s.firstLine && line < s.lastLine);
    if (hit) named.add(hit.id);
  }
  return named;
}

/**
 * Snippets that are the same key with the same text (e.g. one backend snippet
 * from the ConfigMap printed in every backend) pass or fail together, so they
 * are tried as one group.
 */
export function groupSnippets(snippets: readonly SnippetInConfig[]): string[][] {
  const groups = new Map<string, Set<string>>();
  for (const s of snippets) {
    const key = `${s.origin.split(' ')[0]}\u0000${s.text}`;
    const group = groups.get(key) ?? new Set<string>();
    group.add(s.id);
    groups.set(key, group);
  }
  return [...groups.values()].map((g) => [...g]);
}
