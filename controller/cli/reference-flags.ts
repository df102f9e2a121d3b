/**
 * Flags users copy from the reference controller's Deployment. Each is
 * honoured where it means something here (mapped onto our own flag, or acted
 * on), and otherwise accepted with a one-line notice saying why it changes
 * nothing, so a copied Deployment starts as written.
 */
import { z } from 'zod';
import { duration } from '../model/settings/values.ts';
import type { Flag, Options } from './options.ts';

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** A time as the reference writes it (`5s`, `10m`; a bare number is milliseconds), in milliseconds. */
const time = duration.transform((t) => {
  const [, amount, unit = 'ms'] = /^(\d+)(\D*)$/.exec(t) ?? [];
  return Math.ceil(Number(amount) * (UNIT_MS[unit] ?? 1));
});
const port = z.coerce.number().int().min(1).max(65535);

export const REFERENCE_FLAGS = {
  'sync-period': {
    type: 'string',
    arg: 'TIME',
    schema: time.optional(),
    help: 'Reference controller flag: sets --sync-debounce (at most 10s) unless that is given.',
  },
  'cache-resync-period': {
    type: 'string',
    arg: 'TIME',
    schema: time.optional(),
    help: 'Reference controller flag: sets --resync-period (at least 1s) unless that is given.',
  },
  program: {
    type: 'string',
    arg: 'PATH',
    schema: z.string().min(1).optional(),
    help: 'Reference controller flag: sets --haproxy-bin unless that is given.',
  },
  'disable-config-snippets': {
    type: 'boolean',
    schema: z.boolean().default(false),
    help: 'Reference controller flag: snippets stay off even with --allow-config-snippets (they are off by default here).',
  },
  'disable-http': {
    type: 'boolean',
    schema: z.boolean().default(false),
    help: 'Do not listen on the HTTP port.',
  },
  'disable-https': {
    type: 'boolean',
    schema: z.boolean().default(false),
    help: 'Do not listen on the HTTPS port (TCP services and Gateway listeners with TLS still do).',
  },
  'disable-ingress-status-update': {
    type: 'boolean',
    schema: z.boolean().default(false),
    help: 'Cluster mode: never write the load-balancer address into Ingress status.',
  },
  'default-backend-port': {
    type: 'string',
    arg: 'PORT',
    schema: port.optional(),
    help: 'Reference controller flag, accepted and unused: the built-in default backend answers inside HAProxy, on no port.',
  },
  prometheus: {
    type: 'boolean',
    schema: z.boolean().default(false),
    help: 'Reference controller flag, accepted and unused: the controller always serves /metrics on --controller-port.',
  },
} satisfies Record<string, Flag>;

/** Applies the mapped flags; `given` holds the flags as written on the command line. */
export function withReferenceFlags(options: Options, given: Record<string, unknown>): Options {
  const mapped = { ...options };
  if (options['sync-period'] !== undefined && given['sync-debounce'] === undefined)
    mapped['sync-debounce'] = Math.min(options['sync-period'], 10_000);
  if (options['cache-resync-period'] !== undefined && given['resync-period'] === undefined)
    mapped['resync-period'] = Math.max(options['cache-resync-period'], 1000);
  if (options.program !== undefined && given['haproxy-bin'] === undefined)
    mapped['haproxy-bin'] = options.program;
  if (options['disable-config-snippets']) mapped['allow-config-snippets'] = false;
  return mapped;
}

/** One line for each reference flag given, saying what it did. */
export function referenceFlagNotices(options: Options): string[] {
  const notices: string[] = [];
  if (options['sync-period'] !== undefined)
    notices.push(
      `--sync-period: changes are applied ${options['sync-debounce']}ms after a burst ends (--sync-debounce)`,
    );
  if (options['cache-resync-period'] !== undefined)
    notices.push(`--cache-resync-period: full relist every ${options['resync-period']}ms (--resync-period)`);
  if (options.program !== undefined)
    notices.push(`--program: HAProxy is ${options['haproxy-bin']} (--haproxy-bin)`);
  if (options['disable-config-snippets'])
    notices.push('--disable-config-snippets: config snippets are ignored');
  if (options['default-backend-port'] !== undefined)
    notices.push(
      '--default-backend-port: ignored; the built-in default backend answers inside HAProxy, on no port',
    );
  if (options.prometheus)
    notices.push('--prometheus: ignored; the controller always serves /metrics on --controller-port');
  return notices;
}
