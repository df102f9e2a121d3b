/**
 * Command-line flags: names follow the reference controller where a flag
 * exists there. Parsed with node:util, validated with zod, documented from
 * the same table that `--help` prints.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { LOG_LEVELS } from '../log.ts';
import { duration } from '../model/settings/values.ts';
import { REFERENCE_FLAGS, withReferenceFlags } from './reference-flags.ts';

const nsName = z.string().regex(/^[a-z0-9-]+\/[a-z0-9.-]+$/, 'must be NAMESPACE/NAME');
const namespaceList = z
  .string()
  .optional()
  .transform((v) =>
    v
      ? v
          .split(',')
          .map((n) => n.trim())
          .filter(Boolean)
      : [],
  )
  .pipe(z.array(z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be namespace names')));
const port = z.coerce.number().int().min(1).max(65535);
const UNIT_MS = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** The largest unit that writes a time exactly: 15000 → `15s`, 600000 → `10m`. */
const formatMs = (ms: number): string => {
  const units = Object.entries(UNIT_MS).filter(([, size]) => size >= 1 && ms % size === 0);
  const [unit, size] = units.at(-1) ?? ['ms', 1];
  return `${ms / size}${unit}`;
};

/** A time in milliseconds, written as annotations write times (`500ms`, `10s`, `2m`); a bare number is milliseconds. */
const milliseconds = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  duration
    .transform((time) => {
      const [, amount, unit] = /^(\d+)(\D+)$/.exec(time) ?? [];
      return Math.ceil(Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS]);
    })
    .pipe(
      z
        .number()
        .min(min, `must be at least ${formatMs(min)}`)
        .max(max, `must be at most ${formatMs(max)}`),
    );
const stateDir = join(tmpdir(), 'haproxy-sidecar-ingress');

export interface Flag {
  type: 'string' | 'boolean';
  schema: z.ZodType;
  help: string;
  arg?: string;
}

export const FLAGS = {
  manifests: {
    type: 'string',
    arg: 'DIR',
    schema: z.string().optional(),
    help: 'Local mode: read and watch Kubernetes objects from DIR instead of a cluster.',
  },
  demo: {
    type: 'boolean',
    schema: z.boolean().default(false),
    help: 'Run the demo: local mode on manifests/demo (or --manifests DIR), with an echo server on every pod address its EndpointSlices list, kept in step with them.',
  },
  kubeconfig: {
    type: 'string',
    arg: 'PATH',
    schema: z.string().optional(),
    help: 'Cluster mode: kubeconfig to use (default: $KUBECONFIG, else the in-cluster service account).',
  },
  'namespace-whitelist': {
    type: 'string',
    arg: 'NS[,NS]',
    schema: namespaceList,
    help: 'Cluster mode: watch only these namespaces (default: all).',
  },
  'namespace-blacklist': {
    type: 'string',
    arg: 'NS[,NS]',
    schema: namespaceList,
    help: 'Cluster mode: ignore objects in these namespaces.',
  },
  'publish-service': {
    type: 'string',
    arg: 'NS/NAME',
    schema: nsName.optional(),
    help: 'Service exposing HAProxy; its load-balancer address (else cluster IP) goes into Ingress status.',
  },
  'publish-address': {
    type: 'string',
    arg: 'ADDR[,ADDR]',
    schema: z
      .string()
      .optional()
      .transform((v) =>
        v
          ? v
              .split(',')
              .map((a) => a.trim())
              .filter(Boolean)
          : [],
      )
      .pipe(z.array(z.string().regex(/^[A-Za-z0-9.:-]{1,253}$/, 'must be IP addresses or host names'))),
    help: 'Addresses or host names to write into Ingress status instead of the publish Service.',
  },
  'election-id': {
    type: 'string',
    arg: 'NAME',
    schema: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a Lease name')
      .default('haproxy-sidecar-ingress-leader'),
    help: "Lease used to elect the replica that writes status and Events (namespace: $POD_NAMESPACE, else the ConfigMap's).",
  },
  'election-lease-duration': {
    type: 'string',
    arg: 'TIME',
    schema: milliseconds(1000, 600_000).default(15_000),
    help: "How long a leader's Lease lasts without renewal; a standby takes over after it.",
  },
  'watch-timeout': {
    type: 'string',
    arg: 'TIME',
    schema: milliseconds(1000, 3_600_000).default(60_000),
    help: 'Cluster mode: length of each API watch. A watch silent past its end is taken for a dead connection and rebuilt.',
  },
  'resync-period': {
    type: 'string',
    arg: 'TIME',
    schema: milliseconds(1000).default(600_000),
    help: 'Cluster mode: full relist of every watched collection, as a safety net behind the watches. An API not installed (the Gateway API CRDs) is looked for again as often, and at least every 30s.',
  },
  configmap: {
    type: 'string',
    arg: 'NS/NAME',
    schema: nsName.default('default/haproxy-configmap'),
    help: 'ConfigMap with global settings.',
  },
  'configmap-tcp-services': {
    type: 'string',
    arg: 'NS/NAME',
    schema: nsName.optional(),
    help: 'ConfigMap of TCP services, as the reference controller reads it: port → NAMESPACE/SERVICE:PORT[:ssl].',
  },
  'configmap-errorfiles': {
    type: 'string',
    arg: 'NS/NAME',
    schema: nsName.optional(),
    help: 'ConfigMap of error pages: HTTP status code → the raw HTTP response HAProxy sends instead of its own.',
  },
  'configmap-patternfiles': {
    type: 'string',
    arg: 'NS/NAME',
    schema: nsName.optional(),
    help: 'ConfigMap of pattern files: name → one pattern per line; allow-list and deny-list read them as patterns/NAME.',
  },
  'ingress.class': {
    type: 'string',
    arg: 'NAME',
    schema: z.string().min(1).default('haproxy'),
    help: 'Ingress class this controller serves.',
  },
  'empty-ingress-class': {
    type: 'boolean',
    schema: z.boolean().default(false),
    help: 'Also serve Ingresses that name no class.',
  },
  'gateway-controller-name': {
    type: 'string',
    arg: 'NAME',
    schema: z
      .string()
      .regex(
        /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/,
        'must be a domain-prefixed path, e.g. example.com/gateway-controller',
      )
      .default('haproxy.org/gateway-controller'),
    help: 'Gateway API: GatewayClasses whose spec.controllerName is NAME are served by this controller.',
  },
  'allow-config-snippets': {
    type: 'boolean',
    schema: z.boolean().default(false),
    help: 'Honour the *-config-snippet keys (raw HAProxy config); without it they are ignored with a warning.',
  },
  'default-annotation-dialect': {
    type: 'string',
    arg: 'DIALECT',
    schema: z.enum(['haproxy', 'ingress-nginx']).default('haproxy'),
    help: "How Ingresses without nginx.ingress.kubernetes.io/ annotations are read: haproxy (the reference controller's defaults, e.g. 302 HTTPS redirects) or ingress-nginx (its defaults, e.g. 308), for a cluster that moves from ingress-nginx at once. An Ingress with such an annotation is always read as ingress-nginx.",
  },
  'disable-ingress-nginx-annotations': {
    type: 'boolean',
    schema: z.boolean().default(false),
    help: 'Ignore nginx.ingress.kubernetes.io/ annotations (honoured on Ingresses of our class otherwise; docs/migrate-from-ingress-nginx.md).',
  },
  'default-backend-service': {
    type: 'string',
    arg: 'NS/NAME',
    schema: nsName.optional(),
    help: 'Service answering requests no rule matches (default: built-in 404).',
  },
  'default-ssl-certificate': {
    type: 'string',
    arg: 'NS/NAME',
    schema: nsName.optional(),
    help: 'TLS Secret served when no SNI name matches (default: generated self-signed).',
  },
  'ipv4-bind-address': {
    type: 'string',
    arg: 'ADDR',
    schema: z.ipv4().default('0.0.0.0'),
    help: 'IPv4 address HAProxy listens on.',
  },
  'ipv6-bind-address': {
    type: 'string',
    arg: 'ADDR',
    schema: z.ipv6().default('::'),
    help: 'IPv6 address HAProxy listens on.',
  },
  'disable-ipv4': { type: 'boolean', schema: z.boolean().default(false), help: 'Do not listen on IPv4.' },
  'disable-ipv6': { type: 'boolean', schema: z.boolean().default(false), help: 'Do not listen on IPv6.' },
  'http-bind-port': { type: 'string', arg: 'PORT', schema: port.default(8080), help: 'HTTP port.' },
  'https-bind-port': { type: 'string', arg: 'PORT', schema: port.default(8443), help: 'HTTPS port.' },
  'stats-bind-port': {
    type: 'string',
    arg: 'PORT',
    schema: port.default(1024),
    help: 'HAProxy stats page (/) and Prometheus exporter (/metrics).',
  },
  'healthz-bind-port': {
    type: 'string',
    arg: 'PORT',
    schema: port.default(1042),
    help: 'HAProxy health check endpoint (/healthz).',
  },
  'controller-port': {
    type: 'string',
    arg: 'PORT',
    schema: port.default(6060),
    help: 'Controller /healthz, /readyz and /metrics.',
  },
  'controller-address': {
    type: 'string',
    arg: 'ADDR',
    schema: z.string().default('0.0.0.0'),
    help: 'Address the controller HTTP server listens on.',
  },
  'config-dir': {
    type: 'string',
    arg: 'DIR',
    schema: z.string().default(join(stateDir, 'config')),
    help: 'Where haproxy.cfg, maps and certificates are written.',
  },
  templates: {
    type: 'string',
    arg: 'DIR',
    schema: z.string().optional(),
    help: 'User templates: each NAME.hbs in DIR replaces the built-in partial NAME (docs/templates.md). Watched; a template that fails to compile, to render or haproxy -c is reported and the last good ones stay in use.',
  },
  'runtime-dir': {
    type: 'string',
    arg: 'DIR',
    schema: z.string().default(join(stateDir, 'run')),
    help: 'Where the HAProxy sockets live.',
  },
  'haproxy-bin': {
    type: 'string',
    arg: 'PATH',
    schema: z.string().default('haproxy'),
    help: 'HAProxy binary, for validation and (without a master socket) to run.',
  },
  'haproxy-master-socket': {
    type: 'string',
    arg: 'PATH',
    schema: z.string().optional(),
    help: 'Sidecar mode: drive the HAProxy behind this master CLI socket instead of starting one.',
  },
  'sync-debounce': {
    type: 'string',
    arg: 'TIME',
    schema: milliseconds(0, 10_000).default(10),
    help: 'Quiet time that ends a burst of changes before reconciling.',
  },
  'stop-timeout': {
    type: 'string',
    arg: 'TIME',
    schema: milliseconds(0).default(10_000),
    help: 'How long HAProxy may drain connections on shutdown.',
  },
  log: {
    type: 'string',
    arg: 'LEVEL',
    schema: z.enum(LOG_LEVELS).default('info'),
    help: `Log level: ${LOG_LEVELS.join(', ')}.`,
  },
  ...REFERENCE_FLAGS,
  help: { type: 'boolean', schema: z.boolean().default(false), help: 'Print this help.' },
  version: { type: 'boolean', schema: z.boolean().default(false), help: 'Print the version and exit.' },
} satisfies Record<string, Flag>;

export type Options = { [K in keyof typeof FLAGS]: z.infer<(typeof FLAGS)[K]['schema']> };

export class UsageError extends Error {}

export function parseOptions(argv: string[]): Options {
  let values: Record<string, unknown>;
  try {
    const config = Object.fromEntries(
      Object.entries(FLAGS).map(([name, flag]) => [name, { type: flag.type }]),
    );
    values = parseArgs({ args: argv, options: config, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const options: Record<string, unknown> = {};
  for (const [name, flag] of Object.entries(FLAGS) as [string, Flag][]) {
    const parsed = flag.schema.safeParse(values[name]);
    if (!parsed.success)
      throw new UsageError(`--${name}: ${parsed.error.issues[0]?.message ?? 'invalid value'}`);
    options[name] = parsed.data;
  }
  return withReferenceFlags(options as Options, values);
}

export function helpText(): string {
  const rows = Object.entries(FLAGS).map(([name, flag]: [string, Flag]) => {
    const left = `  --${name}${flag.arg ? ` ${flag.arg}` : ''}`;
    const parsed = flag.schema.safeParse(undefined);
    const def =
      parsed.success &&
      parsed.data !== undefined &&
      parsed.data !== false &&
      !(Array.isArray(parsed.data) && parsed.data.length === 0)
        ? ` (default: ${flag.arg === 'TIME' ? formatMs(Number(parsed.data)) : String(parsed.data).replace(tmpdir(), '$TMPDIR')})`
        : '';
    return `${left.padEnd(36)} ${flag.help}${def}`;
  });
  return [
    'Usage: haproxy-sidecar-ingress [flags]',
    '',
    'Kubernetes ingress controller that runs next to HAProxy: renders haproxy.cfg,',
    'reloads only when the structure changes, and applies pod churn over the Runtime API.',
    '',
    'Commands, before any cluster is involved (each takes --manifests DIR and the flags below;',
    'COMMAND --help for its own):',
    '  render    the haproxy.cfg, maps and crt-list the controller would apply (--out DIR)',
    '  lint      every problem with its object, field and reason, then haproxy -c; exits 1',
    '            when anything is wrong (--output json)',
    '',
    'Flags (TIME: a number with a unit, 500ms, 10s, 2m, 1h; a bare number is milliseconds):',
    ...rows,
    '',
  ].join('\n');
}
