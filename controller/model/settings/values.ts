/**
 * Value schemas for annotations and ConfigMap keys. Each accepts the spellings
 * users copy from the reference controller's docs (`"enabled"`, `"OFF"`, `"5s"`)
 * and produces a value that is safe to print into haproxy.cfg: nothing here can
 * carry whitespace, a quote or a `#` into the config unless a schema says so.
 */
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
