/**
 * Value schemas of the request-policy keys (redirects, rewrites, headers,
 * access lists, rate limits, auth, CORS, HSTS). Free text that reaches
 * haproxy.cfg is limited to a charset that cannot close a quoted argument,
 * start a comment or expand a variable: no quotes, no `#`, no backslash
 * (except in a path-rewrite regex, printed in single quotes), no control
 * characters. Header values are the exception: they are read with HAProxy's
 * quoting (header-values.ts) and the emitter escapes what they hold.
 */
import { z } from 'zod';
import { parseHeaderValue } from './header-values.ts';
import { type SampleDirection, sampleExpressionProblem } from './sample-expressions.ts';
import { addressList, isRegex, oneLine, secretRef } from './values.ts';

const codes = (allowed: readonly number[], what: string) =>
  z
    .string()
    .trim()
    .regex(/^\d{3}$/, `must be ${what}`)
    .transform(Number)
    .refine((n) => allowed.includes(n), `must be ${what}`);

const REDIRECT_CODES = [301, 302, 303, 307, 308] as const;
export const redirectCode = codes(REDIRECT_CODES, `one of ${REDIRECT_CODES.join(', ')}`);

/** Statuses HAProxy can answer a denied request with. */
const DENY_CODES = [400, 401, 403, 404, 405, 408, 410, 413, 425, 429, 500, 501, 502, 503, 504] as const;
export const denyStatus = codes(DENY_CODES, `one of ${DENY_CODES.join(', ')}`);

const DNS_NAME = '[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*';
const PORT = '(:(6553[0-5]|655[0-2]\\d|65[0-4]\\d{2}|6[0-4]\\d{3}|[1-5]\\d{4}|[1-9]\\d{0,3}))?';

/** `host` or `host:port`, as a Host header value. */
export const hostPort = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .pipe(
    z
      .string()
      .max(260)
      .regex(new RegExp(`^${DNS_NAME}${PORT}$`), 'must be a host name, optionally with :port'),
  );

/** Where request-redirect sends requests: `host[:port]`, optionally with an `http://` or `https://` scheme. */
export const redirectTarget = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .pipe(
    z
      .string()
      .max(270)
      .regex(
        new RegExp(`^(https?://)?${DNS_NAME}${PORT}$`),
        'must be a host name with an optional scheme and port, e.g. example.com or https://example.com:8443',
      ),
  )
  .transform((s) => {
    const scheme = /^(https?):\/\//.exec(s)?.[1] as 'http' | 'https' | undefined;
    return { scheme, host: scheme ? s.slice(scheme.length + 3) : s };
  });

/** An HTTP header name (RFC 9110 token, restricted to the characters names use in practice). */
export const headerName = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'must be a header name such as X-Real-IP');

/** A multi-line value as its non-blank, trimmed lines (CR and NUL refused). */
const lines = z
  .string()
  .refine((s) => !/[\r\0]/.test(s), 'must not contain carriage returns or NUL')
  .transform((s) =>
    s
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== ''),
  );

/**
 * `Name value` lines, one header each (blank lines ignored); the value is read
 * as HAProxy reads it (quotes, `%[sample]`, see header-values.ts), with the
 * samples of `direction`.
 */
export const headerLines = (direction: SampleDirection) =>
  lines.pipe(
    z
      .array(
        z
          .string()
          .regex(
            /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}\s+\S/,
            'each line must be a header name, a space and a value',
          )
          .transform((l, ctx) => {
            const name = l.split(/\s/, 1)[0] as string;
            const value = parseHeaderValue(l.slice(name.length), direction);
            if (typeof value !== 'string') return { name, value };
            ctx.addIssue({ code: 'custom', message: `${name}: ${value}` });
            return z.NEVER;
          }),
      )
      .min(1, 'must hold at least one "Name value" line')
      .max(32, 'at most 32 headers'),
  );

/**
 * One `path-rewrite` rule: one value replaces the whole path; `regex
 * replacement` rewrites with a regular expression (`\1` refers to a group).
 */
const pathRewriteRule = z
  .string()
  .transform((s) => s.trim().split(/[ \t]+/))
  .pipe(
    z
      .array(
        z
          .string()
          .min(1)
          .max(1024)
          .regex(/^[\x21\x24-\x26\x28-\x7e]+$/, 'must be printable ASCII without spaces, quotes or "#"'),
      )
      .min(1)
      .max(2, 'must be a path, or a regular expression and its replacement'),
  )
  .superRefine((parts, ctx) => {
    if (parts.length === 1 && !parts[0]?.startsWith('/'))
      ctx.addIssue({ code: 'custom', message: 'a single value must be a path starting with "/"' });
    if (parts.length === 2 && !isRegex(parts[0] as string))
      ctx.addIssue({ code: 'custom', message: 'the first value must be a valid regular expression' });
  })
  .transform((parts) =>
    parts.length === 1
      ? { match: '^.*$', replace: parts[0] as string }
      : { match: parts[0] as string, replace: parts[1] as string },
  );

/** `path-rewrite`: rules one per line, applied in order, each to the path the previous one left. */
export const pathRewrite = lines.pipe(
  z.array(pathRewriteRule).min(1, 'must hold at least one rule').max(16, 'at most 16 rules'),
);

export const authType = z
  .string()
  .trim()
  .pipe(z.enum(['basic-auth'], 'must be basic-auth'));

/** Realm shown by browsers; printed inside single quotes. */
export const realm = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9 ._:/()@,-]{1,64}$/, 'must be 1-64 letters, digits, spaces or ._:/()@,-');

/** `*`, or allowed origins (`https://app.example.com`) separated by commas or spaces. */
const originNames = z
  .string()
  .transform((s) =>
    s
      .trim()
      .toLowerCase()
      .split(/[\s,]+/)
      .filter((e) => e !== ''),
  )
  .pipe(
    z
      .array(
        z
          .string()
          .regex(
            new RegExp(`^(\\*|https?://${DNS_NAME}${PORT})$`),
            'each origin must be * or scheme://host[:port]',
          ),
      )
      .min(1)
      .max(64),
  )
  .transform((origins) => (origins.includes('*') ? ('*' as const) : origins));

/**
 * A regular expression the Origin must match, as the reference controller
 * takes it (e.g. `^https://(.+\.)?example\.com(:\d{1,5})?$`). It must start
 * with `^`, and is limited to the syntax JavaScript and PCRE read alike, so
 * that what passes here also loads in HAProxy.
 */
const originRegex = z
  .string()
  .trim()
  .max(512, 'must be at most 512 characters')
  .regex(
    /^\^(?:[A-Za-z0-9^$.*+?()[\]{}|:/,_-]|\\[.dDwWsS/-])*$/,
    'a regular expression origin may only use letters, digits, ^$.*+?()[]{}|:/,_- and \\. \\d \\w \\s \\/ \\-',
  )
  .refine(isRegex, 'must be a valid regular expression')
  .transform((regex) => ({ regex }));

/** cors-allow-origin: `*`, a list of origins, or (starting with `^`) a regular expression. */
export const originList = oneLine.transform((s, ctx) => {
  const parsed = s.trim().startsWith('^') ? originRegex.safeParse(s) : originNames.safeParse(s);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message });
  return z.NEVER;
});

/** `*`, or HTTP method / header names separated by commas or spaces; printed as `A, B, C`. */
export const tokenList = oneLine
  .transform((s) =>
    s
      .trim()
      .split(/[\s,]+/)
      .filter((e) => e !== ''),
  )
  .pipe(
    z
      .array(z.string().regex(/^(\*|[A-Za-z0-9][A-Za-z0-9_-]{0,63})$/, 'each entry must be * or a name'))
      .min(1)
      .max(64),
  )
  .transform((tokens) => tokens.join(', '));

/** A number of seconds: a bare number, or with a unit s, m, h or d. */
export const seconds = z
  .string()
  .trim()
  .regex(/^\d{1,9}(s|m|h|d)?$/, 'must be a number of seconds, or a time such as 5s, 10m, 1h, 365d')
  .transform((s) => {
    const unit = { s: 1, m: 60, h: 3600, d: 86_400 }[s.replace(/^\d+/, '')] ?? 1;
    return Number.parseInt(s, 10) * unit;
  })
  .pipe(z.number().max(1_000_000_000, 'at most 1e9 seconds'));

/** Stick-table size: a number with an optional k, m or g suffix. */
export const tableSize = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .pipe(z.string().regex(/^[1-9]\d{0,8}[kmg]?$/, 'must be a number of entries such as 100k'));

/** Samples captured for the log, one per line: headers, cookies, URL parameters and a few request fetches. */
export const captureList = lines.pipe(
  z
    .array(
      z.string().superRefine((sample, ctx) => {
        const problem = sampleExpressionProblem(sample, 'request');
        if (problem) ctx.addIssue({ code: 'custom', message: `${sample}: ${problem}` });
      }),
    )
    .min(1, 'must name at least one sample')
    .max(16, 'at most 16 samples'),
);

export { addressList, secretRef };
