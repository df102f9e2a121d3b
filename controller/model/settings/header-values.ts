/**
 * Header values of `request-set-header` / `response-set-header` lines, read
 * the way HAProxy reads the rest of a `set-header` line, since that is what
 * users copy from the reference controller's examples:
 * - quoting: bare words, "double-quoted" and 'single-quoted' parts, joined
 *   (`Cache-Control "no-store,no-cache"`, `CSP "default-src 'self'"`);
 * - log-format: `%[sample]` is evaluated per request (allowlisted samples
 *   only), `%%` is a percent sign.
 * Departures, refused with a reason rather than silently changed: backslash
 * escapes, a `#` outside quotes (a comment in HAProxy), log-format variables
 * such as `%ci`. Words separated by blanks are joined with one space, where
 * HAProxy would refuse the line.
 */
import { type SampleDirection, sampleExpressionProblem } from './sample-expressions.ts';

export type HeaderValuePart = { text: string } | { sample: string };

/** Removes HAProxy-style quoting; returns the text, or why it cannot be read. */
function unquote(raw: string): { text: string } | { problem: string } {
  let text = '';
  let quote: '"' | "'" | undefined;
  let pendingSpace = false;
  for (const c of raw.trim()) {
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"') return { problem: 'backslash escapes are not supported' };
      else text += c;
      continue;
    }
    if (c === ' ' || c === '\t') {
      pendingSpace = true;
      continue;
    }
    if (pendingSpace) text += ' ';
    pendingSpace = false;
    if (c === '"' || c === "'") quote = c;
    else if (c === '\\') return { problem: 'backslash escapes are not supported' };
    else if (c === '#') return { problem: 'a "#" outside quotes starts a comment; quote the value' };
    else text += c;
  }
  if (quote) return { problem: `unterminated ${quote === '"' ? 'double' : 'single'} quote` };
  return { text };
}

/** Splits a log-format string into literal text and `%[sample]` parts. */
function logFormatParts(text: string, direction: SampleDirection): HeaderValuePart[] | string {
  const parts: HeaderValuePart[] = [];
  let literal = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const next = text[i + 1];
    if (c !== '%') {
      literal += c;
      continue;
    }
    if (next === '%') {
      literal += '%';
      i++;
      continue;
    }
    if (next === '[') {
      const end = text.indexOf(']', i + 2);
      if (end < 0) return 'a "%[" sample is not closed with "]"';
      const sample = text.slice(i + 2, end);
      const problem = sampleExpressionProblem(sample, direction);
      if (problem) return `in %[${sample}]: ${problem}`;
      if (literal) parts.push({ text: literal });
      literal = '';
      parts.push({ sample });
      i = end;
      continue;
    }
    if (next !== undefined && /[A-Za-z{]/.test(next))
      return 'log-format variables such as %ci are not supported; use a sample such as %[src], or %% for a percent sign';
    literal += '%';
  }
  if (literal) parts.push({ text: literal });
  return parts;
}

/**
 * Reads one header value; returns its parts, or why it is refused. Only
 * printable ASCII is accepted (header values are sent as they are).
 */
export function parseHeaderValue(raw: string, direction: SampleDirection): HeaderValuePart[] | string {
  if (!/^[\x20-\x7e\t]*$/.test(raw)) return 'header values must be printable ASCII';
  const unquoted = unquote(raw);
  if ('problem' in unquoted) return unquoted.problem;
  if (unquoted.text === '') return 'the header value is empty';
  return logFormatParts(unquoted.text, direction);
}
