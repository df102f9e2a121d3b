/**
 * The value of allow-list and deny-list (and their old names whitelist and
 * blacklist): addresses and CIDR blocks, or `patterns/NAME`, a pattern file
 * of --configmap-patternfiles that HAProxy reads the list from (and that
 * changes over the Runtime API, without a reload).
 */
import { z } from 'zod';
import { addressList } from './values.ts';

export type AccessList = string[] | { patternFile: string };

/** A ConfigMap key, as Kubernetes allows them; `.` and `..` alone name no file. */
export const PATTERN_FILE_NAME = /^(?!\.{1,2}$)[-._A-Za-z0-9]{1,253}$/;
const PREFIX = 'patterns/';

export const accessList = z.string().transform((raw, ctx): AccessList => {
  const value = raw.trim();
  if (value.startsWith(PREFIX)) {
    const name = value.slice(PREFIX.length);
    if (PATTERN_FILE_NAME.test(name)) return { patternFile: name };
    ctx.addIssue({ code: 'custom', message: 'patterns/NAME must name a key of the pattern files ConfigMap' });
    return z.NEVER;
  }
  const parsed = addressList.safeParse(raw);
  if (parsed.success) return parsed.data;
  ctx.addIssue({ code: 'custom', message: parsed.error.issues[0]?.message ?? 'invalid address list' });
  return z.NEVER;
});
