/**
 * Limits on what a client may send: the size of a request body and the
 * requests one client address may have in flight. They carry ingress-nginx's
 * proxy-body-size and limit-connections, and work on their own.
 */
import { z } from 'zod';
import { defineKey } from './registry.ts';
import { int } from './values.ts';

const ALL = ['configmap', 'ingress', 'service'] as const;

const UNITS = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 } as const;

/** A size in bytes: a number with an optional unit k (1024), m (1 MiB) or g (1 GiB), any case. */
export const byteSize = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .pipe(z.string().regex(/^\d{1,12}[kmg]?$/, 'must be a size such as 8m, 512k or 1048576'))
  .transform((s) => Number.parseInt(s, 10) * UNITS[s.replace(/^\d+/, '') as keyof typeof UNITS])
  .pipe(z.number().max(2 ** 50, 'must be at most 1024 TiB'));

export const LIMIT_KEYS = {
  requestBodyMax: defineKey({
    name: 'request-body-max',
    scopes: ALL,
    schema: byteSize.optional(),
    default: undefined,
    description:
      'Largest request body accepted, in bytes (units k = 1024, m = 1 MiB, g = 1 GiB); a larger one gets 413. `0`: no limit. A Content-Length is checked as the request arrives; a body without one (chunked, HTTP/2) is buffered until it exceeds the limit or ends, as far as the buffer (tune.bufsize, 16 KiB) holds it.',
  }),
  rateLimitConnections: defineKey({
    name: 'rate-limit-connections',
    scopes: ALL,
    schema: int(1, 1_000_000).optional(),
    default: undefined,
    description:
      'Requests one client address may have in flight at once; one more gets rate-limit-status-code. rate-limit-whitelist exempts addresses, rate-limit-size sizes the table.',
  }),
};
