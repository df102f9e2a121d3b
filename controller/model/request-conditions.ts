/**
 * Conditions a route can put on a request beyond its host and path (Gateway
 * API matches: headers, query parameters, method), and how routes that share
 * a host and path are ordered by them. Typed all the way to the emitter,
 * which prints them as ACLs (controller/emitters/config/route-rules.ts).
 *
 * Names and values are checked here (checkCondition) so that the emitter can
 * always print them: no line breaks or NUL anywhere, names without a single
 * quote, regular expressions that compile.
 */

import { routeAclProblem } from './settings/route-acl.ts';

export type StringMatch = 'Exact' | 'RegularExpression';

export type RequestCondition =
  /** A request header (name compared case-insensitively), any of its values. */
  | { kind: 'header'; name: string; type: StringMatch; value: string }
  /** The first query parameter of that name (case-sensitive). */
  | { kind: 'query'; name: string; type: StringMatch; value: string }
  | { kind: 'method'; method: string }
  /** route-acl: an HAProxy ACL, checked by controller/model/settings/route-acl.ts. */
  | { kind: 'acl'; expression: string };

/** Header and parameter names as HAProxy can take them quoted: RFC 7230 tokens without `'`. */
const NAME = /^[A-Za-z0-9!#$%&*+.^_`|~-]+$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;

/** Why a regular expression cannot be used, if it cannot. */
export function regexProblem(pattern: string): string | undefined {
  if (CONTROL.test(pattern)) return 'contains a control character';
  try {
    new RegExp(pattern);
  } catch (error) {
    return `does not compile (${(error as Error).message})`;
  }
  return undefined;
}

/** Why a condition cannot be served, if it cannot. */
export function checkCondition(c: RequestCondition): string | undefined {
  if (c.kind === 'acl') return routeAclProblem(c.expression);
  if (c.kind === 'method')
    return /^[A-Z]{1,16}$/.test(c.method) ? undefined : `method ${c.method} is not valid`;
  const what = c.kind === 'header' ? 'header' : 'query parameter';
  if (!NAME.test(c.name))
    return `${what} name ${JSON.stringify(c.name)} cannot be matched (a quote or a character outside a token)`;
  if (c.type === 'RegularExpression') {
    const problem = regexProblem(c.value);
    return problem && `${what} ${c.name} regular expression ${problem}`;
  }
  return CONTROL.test(c.value) ? `${what} ${c.name} value contains a control character` : undefined;
}

/**
 * The spec's precedence between routes of the same host and path: a method
 * match first, then more header matches, then more query parameter matches.
 * Negative when `a` comes first.
 */
export function compareSpecificity(a: readonly RequestCondition[], b: readonly RequestCondition[]): number {
  const count = (list: readonly RequestCondition[], kind: RequestCondition['kind']) =>
    list.filter((c) => c.kind === kind).length;
  return (
    count(b, 'acl') - count(a, 'acl') ||
    count(b, 'method') - count(a, 'method') ||
    count(b, 'header') - count(a, 'header') ||
    count(b, 'query') - count(a, 'query')
  );
}

/** The same conditions in a canonical order, for comparing sets of conditions. */
export function conditionsKey(conditions: readonly RequestCondition[]): string {
  return conditions
    .map((c) =>
      c.kind === 'acl'
        ? `a ${c.expression}`
        : c.kind === 'method'
          ? `m ${c.method}`
          : `${c.kind[0]} ${c.type[0]} ${c.kind === 'header' ? c.name.toLowerCase() : c.name}=${c.value}`,
    )
    .sort()
    .join('\u0000');
}
