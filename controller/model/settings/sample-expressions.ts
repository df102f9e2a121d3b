/**
 * HAProxy sample expressions that annotations may carry (`request-capture`
 * lines, `%[...]` in header values): a fetch followed by converters, as in
 * `req.fhdr(user-agent),lower`. Each fetch and converter comes from an
 * allowlist with typed arguments, so that
 * - nothing reads the proxy's own environment, files or Lua (`env`, map
 *   files, `lua.*` are not listed), and
 * - a value that passes here never makes `haproxy -c` fail (the arguments are
 *   checked by type, the fetches by the direction they can run in).
 */

/** Where a sample is evaluated: request rules see the request, response rules the response too. */
export type SampleDirection = 'request' | 'response';

type ArgKind = 'name' | 'int' | 'uint' | 'char';

/** HAProxy's sample types, as far as they decide which converter may follow. */
type SampleType = 'str' | 'int' | 'bool' | 'addr' | 'meth' | 'bin';

interface Signature {
  /** Argument kinds; the ones after `required` may be left out. */
  args: readonly ArgKind[];
  required: number;
  output: SampleType;
  /** Converters only: the input types HAProxy can cast to what the converter takes. */
  input?: readonly SampleType[];
  /** Fetches only: the directions the fetch is available in (default: both). */
  directions?: readonly SampleDirection[];
}

const ANY: readonly SampleType[] = ['str', 'int', 'bool', 'addr', 'meth', 'bin'];
const sig = (output: SampleType, args: readonly ArgKind[] = [], required = args.length): Signature => ({
  args,
  required,
  output,
});
const onlyIn = (direction: SampleDirection, signature: Signature): Signature => ({
  ...signature,
  directions: [direction],
});
const takes = (input: readonly SampleType[], signature: Signature): Signature => ({ ...signature, input });

/** Fetches: connection and TLS facts anywhere; request line, headers and cookies in request rules. */
const FETCHES: Readonly<Record<string, Signature>> = {
  src: sig('addr'),
  src_port: sig('int'),
  dst: sig('addr'),
  dst_port: sig('int'),
  ssl_fc: sig('bool'),
  ssl_fc_sni: sig('str'),
  ssl_fc_protocol: sig('str'),
  ssl_fc_cipher: sig('str'),
  ssl_c_used: sig('bool'),
  ssl_c_verify: sig('int'),
  ssl_c_s_dn: sig('str'),
  ssl_c_i_dn: sig('str'),
  date: sig('int', ['int'], 0),
  rand: sig('int', ['uint'], 0),
  uuid: sig('str'),
  method: sig('meth'),
  // In response rules, hdr and cookie read the response.
  hdr: sig('str', ['name', 'int'], 1),
  cookie: sig('str', ['name']),
  path: onlyIn('request', sig('str')),
  pathq: onlyIn('request', sig('str')),
  base: onlyIn('request', sig('str')),
  url: onlyIn('request', sig('str')),
  query: onlyIn('request', sig('str')),
  'req.ver': onlyIn('request', sig('str')),
  'req.hdr': onlyIn('request', sig('str', ['name', 'int'], 1)),
  'req.fhdr': onlyIn('request', sig('str', ['name', 'int'], 1)),
  'req.hdr_cnt': onlyIn('request', sig('int', ['name'])),
  'req.cook': onlyIn('request', sig('str', ['name'])),
  url_param: onlyIn('request', sig('str', ['name'])),
  status: onlyIn('response', sig('int')),
  'res.ver': onlyIn('response', sig('str')),
  'res.hdr': onlyIn('response', sig('str', ['name', 'int'], 1)),
  'res.fhdr': onlyIn('response', sig('str', ['name', 'int'], 1)),
  'res.hdr_cnt': onlyIn('response', sig('int', ['name'])),
};

const CONVERTERS: Readonly<Record<string, Signature>> = {
  lower: takes(ANY, sig('str')),
  upper: takes(ANY, sig('str')),
  base64: takes(ANY, sig('str')),
  hex: takes(ANY, sig('str')),
  length: takes(ANY, sig('int')),
  url_dec: takes(ANY, sig('str')),
  json: takes(ANY, sig('str')),
  sha1: takes(ANY, sig('bin')),
  bytes: takes(ANY, sig('bin', ['uint', 'uint'], 1)),
  field: takes(ANY, sig('str', ['uint', 'char', 'int'], 2)),
  word: takes(ANY, sig('str', ['uint', 'char', 'int'], 2)),
  // Not from an address: HAProxy 2.6 casts one to the integer http_date takes, 3.0 refuses it.
  http_date: takes(['str', 'int', 'bool'], sig('str', ['int'], 0)),
  ipmask: takes(['str', 'int', 'addr'], sig('addr', ['uint', 'uint'], 1)),
};

const ARG_PATTERNS: Readonly<Record<ArgKind, RegExp>> = {
  name: /^[A-Za-z0-9_.-]{1,64}$/,
  int: /^-?\d{1,9}$/,
  uint: /^\d{1,9}$/,
  // One delimiter character; the ones HAProxy's argument parser treats specially are left out.
  char: /^[!$&*+./:;<=>?@^_|~-]$/,
};

const ARG_NAMES: Readonly<Record<ArgKind, string>> = {
  name: 'a name',
  int: 'an integer',
  uint: 'a non-negative integer',
  char: 'one delimiter character',
};

const STEP = /^([a-z][a-z0-9_.]*)(?:\(([^()]*)\))?$/;

/** Splits `a(x,y),b,c(1)` at the commas outside parentheses. */
function steps(expression: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(expression.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(expression.slice(start));
  return parts;
}

/** The signature of one step, or why it is refused. */
function checkStep(
  step: string,
  table: Readonly<Record<string, Signature>>,
  what: string,
): { name: string; signature: Signature } | string {
  const m = STEP.exec(step);
  if (!m) return `"${step}" is not a ${what} such as name or name(arg)`;
  const [, name = '', argText] = m;
  const signature = Object.hasOwn(table, name) ? table[name] : undefined;
  if (!signature) return `${what} "${name}" is not supported (supported: ${Object.keys(table).join(', ')})`;
  const args = argText === undefined || argText === '' ? [] : argText.split(',');
  if (args.length < signature.required || args.length > signature.args.length) {
    const count =
      signature.required === signature.args.length
        ? `${signature.required}`
        : `${signature.required} to ${signature.args.length}`;
    return `${what} "${name}" takes ${count} argument(s)`;
  }
  for (const [i, arg] of args.entries()) {
    const kind = signature.args[i] as ArgKind;
    if (!ARG_PATTERNS[kind].test(arg)) return `argument ${i + 1} of ${name} must be ${ARG_NAMES[kind]}`;
  }
  return { name, signature };
}

/**
 * Checks a sample expression for `direction`; returns why it is refused, or
 * undefined when it may be printed into haproxy.cfg as it is.
 */
export function sampleExpressionProblem(expression: string, direction: SampleDirection): string | undefined {
  if (expression === '') return 'the sample expression is empty';
  if (expression.length > 256) return 'the sample expression is longer than 256 characters';
  const [fetchText = '', ...converters] = steps(expression);
  const fetch = checkStep(fetchText, FETCHES, 'fetch');
  if (typeof fetch === 'string') return fetch;
  if (fetch.signature.directions && !fetch.signature.directions.includes(direction))
    return `fetch "${fetch.name}" is not available in ${direction} rules`;
  let type = fetch.signature.output;
  for (const converterText of converters) {
    const converter = checkStep(converterText, CONVERTERS, 'converter');
    if (typeof converter === 'string') return converter;
    if (!converter.signature.input?.includes(type))
      return `converter "${converter.name}" cannot take the ${type} output before it`;
    type = converter.signature.output;
  }
  return undefined;
}

/** How a step is written, e.g. `req.hdr(name[,int])`. */
function usage(name: string, s: Signature): string {
  if (s.args.length === 0) return name;
  const required = s.args.slice(0, s.required).join(',');
  const optional = s.args.slice(s.required).map((k, i) => (i === 0 && s.required === 0 ? k : `,${k}`));
  const rest = optional.length ? `[${optional.join('')}]` : '';
  return `${name}(${required}${rest})`;
}

/** The allowlist as the reference docs print it. */
export function sampleCatalog(): { fetches: { usage: string; directions: string }[]; converters: string[] } {
  return {
    fetches: Object.entries(FETCHES).map(([name, s]) => ({
      usage: usage(name, s),
      directions: s.directions ? `${s.directions[0]} only` : 'request and response',
    })),
    converters: Object.entries(CONVERTERS).map(([name, s]) => usage(name, s)),
  };
}

const EXAMPLE_ARGS: Readonly<Record<ArgKind, string>> = { name: 'x-test', int: '1', uint: '2', char: ':' };
const call = (name: string, s: Signature) =>
  s.args.length === 0 ? name : `${name}(${s.args.map((k) => EXAMPLE_ARGS[k]).join(',')})`;

/**
 * Every fetch in both directions, alone and followed by every converter, and
 * every converter after every other, each with sample arguments and marked with
 * whether it is accepted: the data for a test that asks `haproxy -c` about them.
 */
export function sampleExpressionExamples(): {
  expression: string;
  direction: SampleDirection;
  accepted: boolean;
}[] {
  const examples: { expression: string; direction: SampleDirection }[] = [];
  const converters = Object.entries(CONVERTERS).map(([name, s]) => call(name, s));
  for (const [name, s] of Object.entries(FETCHES))
    for (const direction of ['request', 'response'] as const) {
      examples.push({ expression: call(name, s), direction });
      for (const converter of converters)
        examples.push({ expression: `${call(name, s)},${converter}`, direction });
    }
  for (const first of converters)
    for (const second of converters)
      examples.push({ expression: `req.hdr(x-test),${first},${second}`, direction: 'request' });
  return examples.map((e) => ({
    ...e,
    accepted: sampleExpressionProblem(e.expression, e.direction) === undefined,
  }));
}
