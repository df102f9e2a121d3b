/**
 * location-rewrite (ingress-nginx's proxy-redirect-from/-to): a Location or
 * Refresh header of a pod's response that starts with FROM gets TO instead.
 */
import type { BackendPolicy } from '../../model/policy.ts';

/** Every character that is not a letter or digit, escaped for a regular expression. */
const escapeRegex = (s: string): string => s.replace(/[^A-Za-z0-9]/g, (c) => `\\${c}`);

export function locationRewriteLines(rewrite: NonNullable<BackendPolicy['locationRewrite']>): string[] {
  // FROM and TO hold no quote, `%`, space or backslash (the schema keeps them out).
  const from = escapeRegex(rewrite.from);
  return [
    `http-response replace-header Location '^${from}(.*)$' '${rewrite.to}\\1'`,
    `http-response replace-header Refresh '^([0-9]+; *url=)${from}(.*)$' '\\1${rewrite.to}\\2'`,
  ];
}
