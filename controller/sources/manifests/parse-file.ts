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
  /** What each chunk of documents read as, by a digest of its text: the next read reuses them. */
  chunks: Map<string, ReadChunk>;
}

/** A chunk of the file's text (documents from one `---` line to the next) whose every object is valid. */
export interface ReadChunk {
  documents: number;
  objects: Parsed[];
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A file of one JSON document (`kubectl get -o json`): read with JSON.parse. */
function readJson(text: string): unknown[] | undefined {
  const start = text.trimStart();
  if (!start.startsWith('{') && !start.startsWith('[')) return undefined;
  try {
    return [JSON.parse(text)];
  } catch {
    // Not JSON after all (a YAML flow mapping, or a typo the YAML parser explains better).
    return undefined;
  }
}

/**
 * The text cut before each `---` line. YAML forbids such a line inside any content, so each
 * chunk holds whole documents and reads as they read in the whole stream; a stream with
 * directives (`%YAML`, `%TAG`, which apply across) is one chunk.
 */
function chunksOf(text: string): string[] {
  if (/^%/m.test(text)) return [text];
  const chunks: string[] = [];
  let from = 0;
  for (const match of text.matchAll(/^---(?:[ \t\r]|$)/gm)) {
    if (match.index > from) chunks.push(text.slice(from, match.index));
    from = match.index;
  }
  if (from < text.length) chunks.push(text.slice(from));
  return chunks;
}

/**
 * YAML values are copied out of the parser's result: js-yaml cuts them from the file's text as
 * slices, which would keep every file's whole text alive for as long as its objects are held.
 */
const readYaml = (text: string): unknown[] => structuredClone(loadAll(text));

/**
 * `known`: the previous read's chunks. A chunk read again unchanged comes back as the same
 * objects, neither parsed nor validated again: a file rewritten around one change costs that
 * change, and the store sees the other objects as unchanged by identity.
 */
export function parseManifestFile(
  file: string,
  text: string,
  known: ReadonlyMap<string, ReadChunk> = new Map(),
): FileContents {
  const result: FileContents = {
    objects: [],
    problems: [],
    rejected: [],
    unreadable: false,
    chunks: new Map(),
  };
  const json = readJson(text);
  let index = 0;
  try {
    for (const chunk of json ? [undefined] : chunksOf(text)) {
      const digest = chunk === undefined ? undefined : createHash('sha1').update(chunk).digest('base64');
      const again = digest === undefined ? undefined : known.get(digest);
      if (again) {
        for (const parsed of again.objects) readValid(result, parsed);
        index += again.documents;
        if (digest) result.chunks.set(digest, again);
        continue;
      }
      const documents = json ?? readYaml(chunk as string);
      const objects: Parsed[] = [];
      let valid = true;
      for (const document of documents)
        valid = readDocument(result, file, document, index++, objects) && valid;
      if (digest && valid) result.chunks.set(digest, { documents: documents.length, objects });
    }
  } catch (error) {
    // Said of the whole file, as the parser sees it (lines counted from its start).
    let reason = (error as Error).message;
    try {
      readYaml(text);
    } catch (whole) {
      reason = (whole as Error).message;
    }
    return {
      objects: [],
      problems: [
        {
          ref: { file },
          reason: 'InvalidObject',
          message: `cannot be parsed: ${reason.split('\n')[0] ?? 'unreadable'}`,
          severity: 'error',
        },
      ],
      rejected: [],
      unreadable: true,
      chunks: new Map(),
    };
  }
  return result;
}

function readValid(result: FileContents, parsed: Parsed): void {
  const warning = unusedObjectProblem(parsed);
  if (warning) result.problems.push(warning);
  result.objects.push(parsed);
}

/** One document's objects (a List's items); false when any is not a valid object of ours. */
function readDocument(
  result: FileContents,
  file: string,
  document: unknown,
  index: number,
  objects: Parsed[],
): boolean {
  if (document === null || document === undefined) return true;
  const items =
    isObject(document) &&
    typeof document.kind === 'string' &&
    document.kind.endsWith('List') &&
    Array.isArray(document.items)
      ? document.items
      : [document];
  let valid = true;
  items.forEach((item, itemIndex) => {
    const where =
      items.length > 1 || item !== document ? `${file}#${index}.items[${itemIndex}]` : `${file}#${index}`;
    const parsed = parseObject(item);
    if (parsed.ok) {
      readValid(result, parsed.value);
      objects.push(parsed.value);
      return;
    }
    valid = false;
    if (parsed.ignored) {
      const warning = ignoredKindProblem(item, where);
      if (warning) result.problems.push(warning);
      return;
    }
    result.problems.push({
      ref: parsed.ref,
      field: where,
      reason: 'InvalidObject',
      message: parsed.message,
      severity: 'error',
    });
    result.rejected.push(refKey(parsed.ref));
  });
  return valid;
}
