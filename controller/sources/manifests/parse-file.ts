/**
 * Reads one manifest file: several YAML (or JSON) documents, `List` kinds
 * expanded, every object validated on its own. A bad document is reported
 * with its file, index and reason, and does not stop the others.
 *
 * Parsed with js-yaml directly, the parser @kubernetes/client-node wraps: the
 * client's loadAllYaml fails the whole file on an empty document (a trailing
 * `---`, a comment-only document), which kubectl and Helm output often has.
 */
import { createHash } from 'node:crypto';
import { loadAll } from 'js-yaml';
import type { Problem } from '../../store/problems.ts';
import { type Parsed, parseObject, refKey } from '../../store/store.ts';
import { ignoredKindProblem, unusedObjectProblem } from './local-warnings.ts';

export interface FileContents {
  objects: Parsed[];
  problems: Problem[];
  /** `Kind namespace/name` of documents that named an object but failed validation. */
  rejected: string[];
  /** The file as a whole could not be read as YAML. */
  unreadable: boolean;
  /** Each valid document's object by a digest of its JSON: the next read of the file reuses them. */
  byDocument: Map<string, Parsed>;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A file of one JSON document (`kubectl get -o json`) goes through JSON.parse. YAML values
 * are copied out of the parser's result: js-yaml cuts them from the file's text as slices,
 * which would keep every file's whole text alive for as long as its objects are held.
 */
function readDocuments(text: string): unknown[] {
  const start = text.trimStart();
  if (start.startsWith('{') || start.startsWith('[')) {
    try {
      return [JSON.parse(text)];
    } catch {
      // Not JSON after all (a YAML flow mapping, or a typo the YAML parser explains better).
    }
  }
  return structuredClone(loadAll(text));
}

/**
 * `known`: the previous read's byDocument. A document read again unchanged comes back as
 * the same object, unvalidated again: a file rewritten around one change costs that change,
 * and the store sees the others as unchanged by identity.
 */
export function parseManifestFile(
  file: string,
  text: string,
  known: ReadonlyMap<string, Parsed> = new Map(),
): FileContents {
  const result: FileContents = {
    objects: [],
    problems: [],
    rejected: [],
    unreadable: false,
    byDocument: new Map(),
  };
  let documents: unknown[];
  try {
    documents = readDocuments(text);
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0] ?? 'unreadable';
    result.problems.push({
      ref: { file },
      reason: 'InvalidObject',
      message: `cannot be parsed: ${reason}`,
      severity: 'error',
    });
    result.unreadable = true;
    return result;
  }
  documents.forEach((document, index) => {
    if (document === null || document === undefined) return;
    const items =
      isObject(document) &&
      typeof document.kind === 'string' &&
      document.kind.endsWith('List') &&
      Array.isArray(document.items)
        ? document.items
        : [document];
    items.forEach((item, itemIndex) => {
      const where =
        items.length > 1 || item !== document ? `${file}#${index}.items[${itemIndex}]` : `${file}#${index}`;
      const digest = createHash('sha1').update(JSON.stringify(item)).digest('base64');
      const again = known.get(digest);
      const parsed = again ? ({ ok: true, value: again } as const) : parseObject(item);
      if (parsed.ok) result.byDocument.set(digest, parsed.value);
      const warning = parsed.ok
        ? unusedObjectProblem(parsed.value)
        : parsed.ignored && ignoredKindProblem(item, where);
      if (warning) result.problems.push(warning);
      if (parsed.ok) result.objects.push(parsed.value);
      else if (!parsed.ignored) {
        result.problems.push({
          ref: parsed.ref,
          field: where,
          reason: 'InvalidObject',
          message: parsed.message,
          severity: 'error',
        });
        result.rejected.push(refKey(parsed.ref));
      }
    });
  });
  return result;
}
