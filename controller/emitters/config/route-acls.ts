/**
 * Request conditions of routes (controller/model/request-conditions.ts) as
 * HAProxy ACLs. Every name and value is printed strongly quoted: a single
 * quote inside a value closes the quoted part, is written escaped (`\'`),
 * and a new quoted part starts; names never hold one (the model refuses
 * them), nor does anything hold a line break or NUL (checked again here).
 * Regular expressions match the whole value (`^(?:...)$`), as the Gateway
 * API's implementations commonly do.
 */
import type { RequestCondition } from '../../model/request-conditions.ts';

export class UnprintableConditionError extends Error {}

/** One strongly quoted argument. */
export function quoteArg(value: string): string {
  if (/[\r\n\0]/.test(value)) throw new UnprintableConditionError(`cannot quote ${JSON.stringify(value)}`);
  return `'${value.replaceAll("'", "'\\''")}'`;
}

/** A fetch with a name argument, quoted whole (the name may hold `#`, `$` and other token characters). */
function fetch(name: string, sample: 'req.hdr' | 'url_param', value: string): string {
  if (name.includes("'"))
    throw new UnprintableConditionError(`cannot print the name ${JSON.stringify(name)}`);
  return `${quoteArg(`${sample}(${name})`)}${value}`;
}

const whole = (pattern: string): string => quoteArg(`^(?:${pattern})$`);

export function conditionAcl(c: RequestCondition): string {
  switch (c.kind) {
    case 'method':
      if (!/^[A-Z]+$/.test(c.method)) throw new UnprintableConditionError(`cannot print method ${c.method}`);
      return `{ method ${c.method} }`;
    case 'acl':
      // Checked word by word in the model (settings/route-acl.ts); checked again for what would end the ACL.
      if (/[{}#'"\\\r\n\0]/.test(c.expression))
        throw new UnprintableConditionError(`cannot print route-acl ${JSON.stringify(c.expression)}`);
      return `{ ${c.expression} }`;
    case 'header':
    case 'query': {
      const sample = c.kind === 'header' ? 'req.hdr' : 'url_param';
      const test = c.type === 'Exact' ? ` -m str ${quoteArg(c.value)}` : ` -m reg ${whole(c.value)}`;
      return `{ ${fetch(c.name, sample, test)} }`;
    }
  }
}

/** A path that must match a regular expression in full. */
export const pathRegexAcl = (pattern: string): string => `{ path -m reg ${whole(pattern)} }`;
