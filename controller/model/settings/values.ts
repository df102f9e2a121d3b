/**
 * Value schemas for annotations and ConfigMap keys. Each accepts the spellings
 * users copy from the reference controller's docs (`"enabled"`, `"OFF"`, `"5s"`)
 * and produces a value that is safe to print into haproxy.cfg: nothing here can
 * carry whitespace, a quote or a `#` into the config unless a schema says so.
 */
import { isIP } from 'node:net';
import { z } from 'zod';

const TRUE = new Set(['true', 'enabled', 'on', 'yes', '1']);
const FALSE = new Set(['false', 'disabled', 'off', 'no', '0']);

export const bool = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .refine((s) => TRUE.has(s) || FALSE.has(s), 'must be true/false (also enabled/disabled, on/off)')
  .transform((s) => TRUE.has(s));

/** HAProxy time: a number with an optional unit (us, ms, s, m, h, d); bare numbers are milliseconds. */
export const duration = z
  .string()
  .trim()
  .regex(/^\d{1,9}(us|ms|s|m|h|d)?$/, 'must be a time such as 500ms, 5s, 1m')
  .transform((s) => (/^\d+$/.test(s) ? `${s}ms` : s));

export const int = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d{1,10}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/** Load-balancing algorithms HAProxy accepts, with their arguments, spelled out one by one. */
const ALGORITHM =
  /^(roundrobin|static-rr|leastconn|first|source|random(\(\d{1,3}\))?|uri( (whole|path-only|len \d{1,5}|depth \d{1,3}))*|url_param [A-Za-z0-9_.-]{1,64}( check_post( \d{1,6})?)?|hdr\([A-Za-z0-9_-]{1,64}\)( use_domain_only)?|rdp-cookie(\([A-Za-z0-9_-]{1,64}\))?)$/;

export const loadBalance = z
  .string()
  .transform((s) => s.trim().replace(/ +/g, ' '))
  .pipe(
    z.string().regex(ALGORITHM, 'must be a load-balancing algorithm such as roundrobin, leastconn, source'),
  );

const TOKEN = /^[A-Za-z0-9_.-]{1,64}$/;

/** A cookie name: letters, digits, `_`, `.` and `-` only, so it can never leave its config token. */
export const cookieName = z.string().trim().regex(TOKEN, 'must be a cookie name of letters, digits, _ . -');

/** PROXY protocol versions a server connection can start with, named as in the reference controller. */
const PROXY_PROTOCOL = {
  proxy: 'send-proxy',
  'proxy-v1': 'send-proxy',
  'proxy-v2': 'send-proxy-v2',
  'proxy-v2-ssl': 'send-proxy-v2-ssl',
  'proxy-v2-ssl-cn': 'send-proxy-v2-ssl-cn',
} as const;

/** `proxy`, `proxy-v1`, `proxy-v2`, `proxy-v2-ssl`, `proxy-v2-ssl-cn` → the HAProxy server keyword. */
export const proxyProtocol = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .refine(
    (s): s is keyof typeof PROXY_PROTOCOL => Object.hasOwn(PROXY_PROTOCOL, s),
    'must be one of proxy, proxy-v1, proxy-v2, proxy-v2-ssl, proxy-v2-ssl-cn',
  )
  .transform((s) => PROXY_PROTOCOL[s as keyof typeof PROXY_PROTOCOL]);

/** Characters allowed in a health-check URI: RFC 3986 minus quotes, `$`, `#` and backslash. */
const URI = /^\/[A-Za-z0-9\-._~!&()*+,;=:@%/?]{0,1023}$/;
const METHOD = /^(GET|HEAD|OPTIONS|POST|PUT|DELETE|PATCH)$/;
const VERSION = /^HTTP\/(1\.0|1\.1)$/;

/** `URI`, `METHOD URI` or `METHOD URI VERSION`, as in the reference controller's `check-http`. */
export const checkHttp = z
  .string()
  .transform((s) => s.trim().split(/ +/))
  .refine((parts) => {
    if (parts.length === 1) return URI.test(parts[0] as string);
    if (parts.length === 2) return METHOD.test(parts[0] as string) && URI.test(parts[1] as string);
    if (parts.length === 3)
      return (
        METHOD.test(parts[0] as string) && URI.test(parts[1] as string) && VERSION.test(parts[2] as string)
      );
    return false;
  }, 'must be a URI such as /healthz, optionally preceded by a method and followed by HTTP/1.0 or HTTP/1.1')
  .transform((parts) =>
    parts.length === 1
      ? { method: 'GET', uri: parts[0] as string, version: undefined }
      : { method: parts[0] as string, uri: parts[1] as string, version: parts[2] },
  );

export const httpConnectionMode = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .pipe(
    z.enum(['http-keep-alive', 'http-server-close', 'httpclose'], {
      message: 'must be http-keep-alive, http-server-close or httpclose',
    }),
  );

/**
 * A log format printed inside double quotes: printable ASCII, no `$` (variable
 * expansion), `#` or `'`, a backslash only before `"` or `\`, and every `%[` /
 * `%{` closed. A double quote is a quote in the log line, written `"` (as in
 * the reference controller's default format) or `\"`; both are printed `\"`.
 */
export const logFormat = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(1024, 'must be at most 1024 characters')
  .regex(/^[\x20-\x7e]+$/, 'must be printable ASCII on one line')
  .refine((s) => !/[$#']/.test(s), "must not contain $, # or '")
  .refine((s) => /^(?:[^\\]|\\["\\])*$/.test(s), 'a backslash may only escape " or \\')
  .refine(balancedLogFormat, 'every %[ and %{ must be closed')
  .transform((s) => s.replace(/\\["\\]|"/g, (m) => (m === '"' ? '\\"' : m)));

function balancedLogFormat(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '%') continue;
    const next = s[i + 1];
    if (next === '%') {
      i++;
      continue;
    }
    let j = i + 1;
    if (s[j] === '{') {
      j = s.indexOf('}', j);
      if (j < 0) return false;
      j++;
    }
    if (s[j] === '[') {
      // Sample expressions may nest brackets, e.g. %[req.hdr(x),map(/a/b)].
      let depth = 0;
      for (; j < s.length; j++) {
        if (s[j] === '[') depth++;
        else if (s[j] === ']' && --depth === 0) break;
      }
      if (depth !== 0) return false;
    } else if (!/[A-Za-z]/.test(s[j] ?? '')) return false;
    i = j;
  }
  return true;
}

const FACILITIES = new Set([
  'kern',
  'user',
  'mail',
  'daemon',
  'auth',
  'syslog',
  'lpr',
  'news',
  'uucp',
  'cron',
  'auth2',
  'ftp',
  'ntp',
  'audit',
  'alert',
  'cron2',
  'local0',
  'local1',
  'local2',
  'local3',
  'local4',
  'local5',
  'local6',
  'local7',
]);
const LEVELS = new Set(['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug']);
const LOG_FORMATS = new Set(['rfc3164', 'rfc5424', 'short', 'raw', 'iso', 'timed', 'priority', 'local']);
const LOG_TARGET =
  /^(stdout|stderr|\d{1,3}(\.\d{1,3}){3}|\[?[0-9A-Fa-f:]{2,39}\]?|[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?|\/[A-Za-z0-9._/-]{1,200})$/;

export interface SyslogServer {
  /** `address[:port]` as HAProxy's `log` takes it. */
  target: string;
  facility: string;
  length: number | undefined;
  format: string | undefined;
  level: string | undefined;
  minlevel: string | undefined;
}

/** One `syslog-server` line: `address:..., port:..., facility:..., level:..., format:...`. */
function parseSyslogLine(line: string, ctx: z.RefinementCtx): SyslogServer | undefined {
  const fields = new Map<string, string>();
  for (const part of line.split(',')) {
    const colon = part.indexOf(':');
    const key = part.slice(0, colon).trim().toLowerCase();
    const value = part.slice(colon + 1).trim();
    if (colon < 0 || !key || !value) {
      ctx.addIssue({ code: 'custom', message: `"${part.trim()}" is not key:value` });
      return undefined;
    }
    if (fields.has(key)) {
      ctx.addIssue({ code: 'custom', message: `${key} given twice` });
      return undefined;
    }
    fields.set(key, value);
  }
  const fail = (message: string) => {
    ctx.addIssue({ code: 'custom', message });
    return undefined;
  };
  for (const key of fields.keys())
    if (!['address', 'port', 'facility', 'format', 'length', 'level', 'minlevel'].includes(key))
      return fail(`unknown field ${key}`);
  const address = fields.get('address');
  const facility = fields.get('facility');
  if (!address || !LOG_TARGET.test(address))
    return fail('address must be an IP address, host name, stdout or stderr');
  if (!facility || !FACILITIES.has(facility))
    return fail('facility must be a syslog facility such as local0');
  const port = fields.get('port');
  if (port !== undefined && (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535))
    return fail('port must be 1-65535');
  const length = fields.get('length');
  if (length !== undefined && (!/^\d{1,5}$/.test(length) || Number(length) < 80 || Number(length) > 65535))
    return fail('length must be 80-65535');
  const format = fields.get('format');
  if (format !== undefined && !LOG_FORMATS.has(format))
    return fail('format must be rfc3164, rfc5424, short or raw');
  const level = fields.get('level');
  if (level !== undefined && !LEVELS.has(level)) return fail('level must be a syslog level such as info');
  const minlevel = fields.get('minlevel');
  if (minlevel !== undefined && (!LEVELS.has(minlevel) || level === undefined))
    return fail('minlevel must be a syslog level and needs level');
  const isStream = address === 'stdout' || address === 'stderr' || address.startsWith('/');
  if (isStream && port !== undefined) return fail(`${address} takes no port`);
  const host = address.includes(':') && !address.startsWith('[') ? `[${address}]` : address;
  return {
    target: port === undefined ? host : `${host}:${port}`,
    facility,
    length: length === undefined ? undefined : Number(length),
    format,
    level,
    minlevel,
  };
}

/** One syslog target per line, at most 8. */
export const syslogServers = z.string().transform((s, ctx) => {
  const lines = s
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (lines.length === 0 || lines.length > 8) {
    ctx.addIssue({ code: 'custom', message: 'must list 1 to 8 syslog servers, one per line' });
    return z.NEVER;
  }
  const servers: SyslogServer[] = [];
  for (const line of lines) {
    const server = parseSyslogLine(line, ctx);
    if (!server) return z.NEVER;
    servers.push(server);
  }
  return servers;
});

/** Words that open a config section: a snippet must stay inside the section it is printed in. */
const SECTION =
  /^(global|defaults|frontend|backend|listen|peers|resolvers|userlist|cache|program|http-errors|ring|mailers|log-forward|crt-store|traces|acme)(\s|$)/;
/** The markers the config writer uses to find and drop a snippet that fails validation. */
export const SNIPPET_MARKER = /^#\s*config snippet \d+ (begin|end)\b/;

/**
 * Raw HAProxy config lines (snippets): several lines allowed, each trimmed,
 * blank lines dropped. Still no NUL or other control characters, no line
 * that opens a new section, and no line that imitates a snippet marker.
 */
export const configSnippet = z.string().transform((s, ctx) => {
  const lines = s
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  for (const line of lines) {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this rejects
    if (/[\x00-\x08\x0a-\x1f\x7f]/.test(line)) {
      ctx.addIssue({ code: 'custom', message: 'must not contain NUL or other control characters' });
      return z.NEVER;
    }
    if (SECTION.test(line)) {
      ctx.addIssue({ code: 'custom', message: `must not open a new section ("${line.split(/\s/)[0]}")` });
      return z.NEVER;
    }
    if (SNIPPET_MARKER.test(line)) {
      ctx.addIssue({ code: 'custom', message: 'must not imitate a snippet marker' });
      return z.NEVER;
    }
  }
  return lines;
});

// Shared by every group of keys: one schema per kind of value.

export function validAddress(entry: string): boolean {
  const [address = '', prefix, extra] = entry.split('/');
  if (extra !== undefined) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/** A list on one line: entries separated by commas or spaces, never by line breaks. */
/** Whether a pattern compiles as a regular expression. */
export function isRegex(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

export const oneLine = z.string().refine((s) => !/[\r\n\0]/.test(s), 'must be on one line');

/** IPv4/IPv6 addresses and CIDR blocks, separated by commas or spaces. */
export const addressList = oneLine
  .transform((s) =>
    s
      .trim()
      .split(/[\s,]+/)
      .filter((e) => e !== ''),
  )
  .pipe(
    z
      .array(z.string().refine(validAddress, 'each entry must be an IPv4 or IPv6 address or CIDR block'))
      .min(1, 'must list at least one address or CIDR block')
      .max(256, 'at most 256 entries'),
  );

/** A Secret reference: `name` (the referrer's namespace) or `namespace/name`. */
export const secretRef = z
  .string()
  .trim()
  .regex(
    /^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\/)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
    'must be a Secret name or namespace/name',
  )
  // A namespace is at most 63 characters (the pattern holds it there), a Secret name at most 253.
  .refine((ref) => (ref.split('/').at(-1) ?? '').length <= 253, 'a Secret name has at most 253 characters');
