/**
 * route-acl, the reference controller's canary mechanism: a Service annotated
 * with an HAProxy ACL (e.g. `rand(100) lt 25`, `cookie(canary) -m found`) is
 * chosen for its Ingress paths only when the ACL matches; otherwise the other
 * routes of the same host and path apply. The expression is printed into
 * haproxy.cfg, so it is checked as strictly as sample expressions are: a
 * sample from the allowlist, known flags and match methods, and patterns of
 * plain characters (no quotes, braces, `#`, backslashes or spaces inside).
 */
import { objectRef, type Problem } from '../../store/problems.ts';
import type { Service } from '../../store/schemas.ts';
import type { RequestCondition } from '../request-conditions.ts';
import { defineKey, readKey } from './registry.ts';
import { sampleExpressionProblem } from './sample-expressions.ts';
import { oneLine } from './values.ts';

const MATCH_METHODS = new Set([
  'str',
  'beg',
  'end',
  'sub',
  'reg',
  'found',
  'len',
  'int',
  'ip',
  'bool',
  'dom',
  'dir',
]);
const FLAGS = new Set(['-i', '-n']);
const OPERATORS = new Set(['lt', 'le', 'gt', 'ge', 'eq']);
/** A pattern as HAProxy reads one word: none of the characters that end, quote or comment it. */
const PATTERN = /^[A-Za-z0-9._:/@%+=,~-]{1,253}$/;
/** A regular expression pattern (-m reg): the same, with the regex operators. */
const REGEX_PATTERN = /^[A-Za-z0-9._:/@%+=,~^$*?()[\]|-]{1,253}$/;

/** Why an ACL expression cannot be used, if it cannot. */
export function routeAclProblem(expression: string): string | undefined {
  if (/[\r\n\0]/.test(expression)) return 'must be on one line';
  const words = expression.trim().split(/\s+/);
  const [sample = '', ...rest] = words;
  if (sample === '') return 'must not be empty';
  if (words.length > 32) return 'at most 32 words';
  const sampleProblem = sampleExpressionProblem(sample, 'request');
  if (sampleProblem) return sampleProblem;
  let method: string | undefined;
  let i = 0;
  for (; i < rest.length; i++) {
    const word = rest[i] as string;
    if (FLAGS.has(word)) continue;
    if (word === '-m') {
      method = rest[++i];
      if (!method || !MATCH_METHODS.has(method))
        return `-m takes a match method: ${[...MATCH_METHODS].join(', ')}`;
      continue;
    }
    if (word === '--') {
      i++;
      break;
    }
    if (word.startsWith('-')) return `${word} is not a flag route-acl takes (-i, -n, -m METHOD)`;
    break;
  }
  const patterns = rest.slice(i);
  if (method === 'found') return patterns.length > 0 ? '-m found takes no pattern' : undefined;
  if (patterns.length === 0) return 'needs a pattern to match, or -m found';
  if (OPERATORS.has(patterns[0] as string)) {
    if (patterns.length !== 2 || !/^-?\d{1,10}$/.test(patterns[1] as string))
      return `${patterns[0]} takes one integer`;
    return undefined;
  }
  const allowed = method === 'reg' ? REGEX_PATTERN : PATTERN;
  const bad = patterns.find((p) => !allowed.test(p));
  if (bad !== undefined)
    return `pattern ${JSON.stringify(bad.slice(0, 40))} holds a character route-acl refuses`;
  if (method === 'reg')
    for (const p of patterns)
      try {
        new RegExp(p);
      } catch {
        return `pattern ${JSON.stringify(p.slice(0, 40))} is not a regular expression`;
      }
  return undefined;
}

export const routeAcl = oneLine
  .max(512, 'at most 512 characters')
  .transform((s) => s.trim().split(/\s+/).join(' '))
  .superRefine((s, ctx) => {
    const problem = routeAclProblem(s);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const ROUTE_ACL_KEYS = {
  routeAcl: defineKey({
    name: 'route-acl',
    scopes: ['service'],
    schema: routeAcl.optional(),
    default: undefined,
    description:
      'On a Service: its Ingress paths are taken only when this HAProxy ACL matches the request, e.g. `rand(100) lt 25` (a quarter of requests) or `cookie(canary) -m found`; otherwise the other routes of the same host and path apply (a canary next to the stable Service). A sample from the allowlist, flags -i, -n, -m METHOD, and plain patterns.',
  }),
};

/** Read once per Service object: every path to the Service asks, every pass. */
const read = new WeakMap<Service, { condition: RequestCondition | undefined; problems: Problem[] }>();

/** The route condition a Service's route-acl asks for; a bad value is reported and treated as absent, as any bad value is. */
export function routeAclOf(service: Service, problems: Problem[]): RequestCondition | undefined {
  let known = read.get(service);
  if (!known) {
    const found: Problem[] = [];
    const value = readKey(
      ROUTE_ACL_KEYS.routeAcl,
      { scope: 'service', ref: objectRef('Service', service.metadata), values: service.metadata.annotations },
      found,
    )?.value;
    known = {
      condition: value === undefined ? undefined : { kind: 'acl', expression: value },
      problems: found,
    };
    read.set(service, known);
  }
  problems.push(...known.problems);
  return known.condition;
}
