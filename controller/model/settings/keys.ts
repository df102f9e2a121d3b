/**
 * The catalog of annotation and ConfigMap keys. Grouped by what they tune:
 * global/defaults come from the ConfigMap only; backend keys may also be set
 * on an Ingress or a Service.
 */
import { defineKey } from './registry.ts';
import { bool, duration, int, loadBalance } from './values.ts';

const ALL = ['configmap', 'ingress', 'service'] as const;
const CONFIGMAP = ['configmap'] as const;

export const GLOBAL_KEYS = {
  maxconn: defineKey({
    name: 'maxconn',
    scopes: CONFIGMAP,
    schema: int(1, 10_000_000).optional(),
    default: undefined,
    description: 'Global maximum number of concurrent connections HAProxy accepts.',
  }),
  nbthread: defineKey({
    name: 'nbthread',
    scopes: CONFIGMAP,
    schema: int(1, 64).optional(),
    default: undefined,
    description: 'Number of HAProxy worker threads (HAProxy picks one per CPU when unset).',
  }),
};

export const DEFAULTS_KEYS = {
  timeoutClient: defineKey({
    name: 'timeout-client',
    scopes: CONFIGMAP,
    schema: duration,
    default: '50s',
    description: 'Maximum inactivity time on the client side.',
  }),
  timeoutConnect: defineKey({
    name: 'timeout-connect',
    scopes: CONFIGMAP,
    schema: duration,
    default: '5s',
    description: 'Maximum time to wait for a connection to a backend server to succeed.',
  }),
};

export const BACKEND_KEYS = {
  serversIncrement: defineKey({
    name: 'servers-increment',
    aliases: ['scale-server-slots', 'server-slots'],
    scopes: ALL,
    schema: int(1, 10_000),
    default: 42,
    description:
      'Server slots are allocated in steps of this size, so pods can come and go through the Runtime API without a reload.',
  }),
  timeoutServer: defineKey({
    name: 'timeout-server',
    scopes: ALL,
    schema: duration,
    default: '50s',
    description: 'Maximum inactivity time on the server side.',
  }),
  check: defineKey({
    name: 'check',
    scopes: ALL,
    schema: bool,
    default: true,
    description: 'Health-check the pods of the backend; a pod that fails its checks is marked DOWN.',
  }),
  checkInterval: defineKey({
    name: 'check-interval',
    scopes: ALL,
    schema: duration.optional(),
    default: undefined,
    description: 'Interval between two health checks (HAProxy default 2s).',
  }),
  loadBalance: defineKey({
    name: 'load-balance',
    scopes: ALL,
    schema: loadBalance,
    default: 'roundrobin',
    description:
      'Load-balancing algorithm: roundrobin, static-rr, leastconn, first, source, random, uri, url_param, hdr(name), rdp-cookie.',
  }),
  forwardedFor: defineKey({
    name: 'forwarded-for',
    scopes: ALL,
    schema: bool,
    default: true,
    description: 'Add an X-Forwarded-For header with the client address to requests sent to the pods.',
  }),
};

/** Every key, for docs and for telling unknown keys from known ones. */
export const ALL_KEYS = { ...GLOBAL_KEYS, ...DEFAULTS_KEYS, ...BACKEND_KEYS };
