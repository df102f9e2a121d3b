/**
 * --configmap-errorfiles, as the reference controller reads it: each key is an
 * HTTP status code HAProxy may answer with, each value the whole raw HTTP
 * response (status line, headers, blank line, body) HAProxy sends instead of
 * its own page. HAProxy parses these files when it loads its config, so a
 * value it would refuse is refused here, with its key, and never written.
 */
import { objectRef, type Problem } from '../store/problems.ts';
import type { Snapshot } from '../store/store.ts';

export interface Errorfile {
  code: number;
  /** The raw HTTP response, as written in the ConfigMap. */
  content: string;
}

/** The status codes the reference controller accepts errorfiles for (HAProxy takes each of them). */
export const ERRORFILE_CODES = [200, 400, 401, 403, 404, 405, 407, 408, 410, 425, 429, 500, 502, 503, 504];

/** A response must fit HAProxy's buffer with room to spare. */
const MAX_BYTES = 8192;
const STATUS_LINE = /^HTTP\/1\.[01] [1-5]\d\d(?: [^\r\n\0]*)?$/;
const HEADER = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*([^\r\n\0]*)$/;

/** Why HAProxy would refuse this response, or undefined when it takes it. */
export function errorfileProblem(content: string): string | undefined {
  if (Buffer.byteLength(content) > MAX_BYTES) return `longer than ${MAX_BYTES} bytes`;
  if (content.includes('\0')) return 'holds a NUL byte';
  const end = /\r?\n\r?\n/.exec(content);
  if (!end) return 'needs a blank line after the headers';
  const lines = content.slice(0, end.index).split(/\r?\n/);
  if (!STATUS_LINE.test(lines[0] ?? ''))
    return 'must start with a status line such as "HTTP/1.1 503 Service Unavailable"';
  const body = content.slice(end.index + end[0].length);
  for (const line of lines.slice(1)) {
    const header = HEADER.exec(line);
    if (!header) return `"${line.slice(0, 40)}" is not a header line (Name: value)`;
    const name = (header[1] as string).toLowerCase();
    if (name === 'transfer-encoding') return 'must not use Transfer-Encoding; the body is sent as it is';
    if (name === 'content-length' && header[2]?.trim() !== String(Buffer.byteLength(body)))
      return `Content-Length ${header[2]?.trim()} does not match the body (${Buffer.byteLength(body)} bytes)`;
  }
  return undefined;
}

export function buildErrorfiles(
  snapshot: Snapshot,
  configMapName: string | undefined,
  problems: Problem[],
): Errorfile[] {
  if (!configMapName) return [];
  const configMap = snapshot.configMaps.get(configMapName);
  if (!configMap) {
    problems.push({
      ref: { flag: '--configmap-errorfiles' },
      reason: 'UnresolvedReference',
      message: `ConfigMap ${configMapName} not found; HAProxy's own error pages are served`,
      severity: 'warning',
    });
    return [];
  }
  const ref = objectRef('ConfigMap', configMap.metadata);
  const files: Errorfile[] = [];
  for (const [key, content] of Object.entries(configMap.data)) {
    const code = /^\d{3}$/.test(key) ? Number(key) : Number.NaN;
    const problem = !ERRORFILE_CODES.includes(code)
      ? `not a status code HAProxy answers with: one of ${ERRORFILE_CODES.join(', ')}`
      : errorfileProblem(content);
    if (problem)
      problems.push({
        ref,
        field: key,
        reason: 'InvalidValue',
        message: `${problem}; HAProxy's own page is served instead`,
        severity: 'error',
      });
    else files.push({ code, content });
  }
  return files.sort((a, b) => a.code - b.code);
}

/** Where an errorfile is written, relative to the config directory. */
export const errorfilePath = (code: number): string => `errorfiles/${code}.http`;
