/**
 * --configmap-patternfiles, as the reference controller reads it: each key is
 * a pattern file, each line of its value one pattern. allow-list and
 * deny-list read one as `patterns/NAME`; those are the files HAProxy loads
 * (patterns of other keys would reach nothing, and are not written). Their
 * patterns are client addresses, checked as such: a line HAProxy would
 * refuse is reported with its key and left out. A file that is named but
 * missing is loaded empty, so an allow-list lets nobody in until it exists;
 * filling it later changes HAProxy over the Runtime API, like any edit.
 */
import { objectRef, type Problem, type ProblemRef } from '../store/problems.ts';
import type { Snapshot } from '../store/store.ts';
import type { AccessList } from './settings/access-lists.ts';
import { validAddress } from './settings/values.ts';
import type { Backend } from './types.ts';

export interface PatternFile {
  name: string;
  /** One client address or CIDR block per entry, in the order written. */
  patterns: string[];
}

/** Where a pattern file is written, relative to the config directory. */
export const PATTERN_DIR = 'patterns';

/** Patterns per file: a bound on what one ConfigMap key can make HAProxy hold. */
const MAX_PATTERNS = 100_000;

const fileOf = (list: AccessList | undefined): string | undefined =>
  list && !Array.isArray(list) ? list.patternFile : undefined;

/** Pattern files the backends' access lists name, with the first backend that names each. */
export function referencedPatternFiles(backends: readonly Backend[]): Map<string, Backend> {
  const names = new Map<string, Backend>();
  for (const backend of backends)
    for (const name of [fileOf(backend.policy.allowList), fileOf(backend.policy.denyList)])
      if (name && !names.has(name)) names.set(name, backend);
  return names;
}

export function buildPatternFiles(
  snapshot: Snapshot,
  configMapName: string | undefined,
  backends: readonly Backend[],
  problems: Problem[],
): PatternFile[] {
  const referenced = referencedPatternFiles(backends);
  if (referenced.size === 0) return [];
  const configMap = configMapName ? snapshot.configMaps.get(configMapName) : undefined;
  const files: PatternFile[] = [];
  for (const [name, backend] of [...referenced].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const raw = configMap?.data[name];
    if (raw === undefined) {
      const where = !configMapName
        ? 'no --configmap-patternfiles is set'
        : configMap
          ? `ConfigMap ${configMapName} has no key ${name}`
          : `ConfigMap ${configMapName} not found`;
      problems.push({
        ref: backend.service satisfies ProblemRef,
        field: `patterns/${name}`,
        reason: 'UnresolvedReference',
        message: `${where}; the list is empty until it exists (an allow-list lets nobody in)`,
        severity: 'error',
      });
      files.push({ name, patterns: [] });
      continue;
    }
    const patterns: string[] = [];
    const refused: number[] = [];
    raw.split('\n').forEach((line, i) => {
      const pattern = line.trim();
      if (pattern === '' || pattern.startsWith('#')) return;
      if (validAddress(pattern) && patterns.length < MAX_PATTERNS) patterns.push(pattern);
      else refused.push(i + 1);
    });
    if (refused.length > 0 && configMap)
      problems.push({
        ref: objectRef('ConfigMap', configMap.metadata),
        field: name,
        reason: 'InvalidValue',
        message: `line${refused.length > 1 ? 's' : ''} ${refused.slice(0, 10).join(', ')}${refused.length > 10 ? ', …' : ''}: not an IPv4 or IPv6 address or CIDR block${patterns.length >= MAX_PATTERNS ? `, or past ${MAX_PATTERNS} patterns` : ''}; left out`,
        severity: 'error',
      });
    files.push({ name, patterns });
  }
  return files;
}
