/**
 * docs/migrate-from-haproxy-ingress.md: for every annotation, ConfigMap key
 * and flag of the reference controller (haproxytech/kubernetes-ingress), what
 * this project does with it. The lists below are the reference's names; what
 * each becomes is read from the settings registry and the flag table, so the
 * page cannot drift from the code, and a name that is neither there nor
 * explained here fails the page's test.
 */
import { ALL_KEYS } from '../model/settings/keys.ts';
import { LEGACY_CONNECTION_KEYS } from '../model/settings/reference-keys.ts';
import { ANNOTATION_PREFIXES } from '../model/settings/registry.ts';
import { FLAGS } from './options.ts';
import { REFERENCE_FLAGS } from './reference-flags.ts';

type Where = 'configmap' | 'ingress' | 'service';

/** The reference's keys and where it reads each (its documentation's `applies_to`). */
export const REFERENCE_KEYS: Readonly<Record<string, readonly Where[]>> = {
  abortonclose: ['configmap', 'ingress', 'service'],
  'allow-list': ['configmap', 'ingress'],
  'auth-realm': ['configmap', 'ingress'],
  'auth-secret': ['configmap', 'ingress'],
  'auth-type': ['configmap', 'ingress'],
  'backend-config-snippet': ['configmap', 'ingress', 'service'],
  blacklist: ['configmap', 'ingress'],
  check: ['configmap', 'ingress', 'service'],
  'check-http': ['configmap', 'ingress', 'service'],
  'check-interval': ['configmap', 'ingress', 'service'],
  'clean-certs': ['configmap'],
  'client-ca': ['configmap'],
  'client-crt-optional': ['configmap'],
  'client-strict-sni': ['configmap'],
  'cookie-persistence': ['configmap', 'service'],
  'cookie-persistence-no-dynamic': ['configmap', 'service'],
  'cors-allow-credentials': ['configmap', 'ingress'],
  'cors-allow-headers': ['configmap', 'ingress'],
  'cors-allow-methods': ['configmap', 'ingress'],
  'cors-allow-origin': ['configmap', 'ingress'],
  'cors-enable': ['configmap', 'ingress'],
  'cors-max-age': ['configmap', 'ingress'],
  'cors-respond-to-options': ['configmap', 'ingress'],
  'deny-list': ['configmap', 'ingress'],
  dontlognull: ['configmap'],
  'forwarded-for': ['configmap', 'ingress', 'service'],
  'frontend-config-snippet': ['configmap'],
  'generate-certificates-signer': ['configmap'],
  'global-config-snippet': ['configmap'],
  'hard-stop-after': ['configmap'],
  'http-connection-mode': ['configmap'],
  'http-keep-alive': ['configmap'],
  'http-server-close': ['configmap'],
  'ingress.class': ['ingress'],
  'load-balance': ['configmap', 'ingress', 'service'],
  'log-format': ['configmap'],
  'log-format-tcp': ['configmap'],
  logasap: ['configmap'],
  maxconn: ['configmap'],
  nbthread: ['configmap'],
  'path-rewrite': ['configmap', 'ingress'],
  'pod-maxconn': ['configmap', 'ingress', 'service'],
  'proxy-protocol': ['configmap'],
  'quic-alt-svc-max-age': ['configmap'],
  'rate-limit-period': ['configmap', 'ingress'],
  'rate-limit-requests': ['configmap', 'ingress'],
  'rate-limit-size': ['configmap', 'ingress'],
  'rate-limit-status-code': ['configmap', 'ingress'],
  'rate-limit-whitelist': ['configmap', 'ingress'],
  'request-capture': ['configmap', 'ingress'],
  'request-capture-len': ['configmap', 'ingress'],
  'request-redirect': ['configmap', 'ingress'],
  'request-redirect-code': ['configmap', 'ingress'],
  'request-set-header': ['configmap', 'ingress'],
  'response-set-header': ['configmap', 'ingress'],
  'route-acl': ['service'],
  'scale-server-slots': ['configmap', 'ingress', 'service'],
  'send-proxy-protocol': ['configmap', 'ingress', 'service'],
  'server-ca': ['configmap', 'ingress', 'service'],
  'server-crt': ['configmap', 'ingress', 'service'],
  'server-proto': ['configmap', 'ingress', 'service'],
  'server-ssl': ['configmap', 'ingress', 'service'],
  'set-host': ['configmap', 'ingress'],
  'src-ip-header': ['configmap', 'ingress'],
  'ssl-certificate': ['configmap'],
  'ssl-passthrough': ['configmap', 'ingress', 'service'],
  'ssl-redirect': ['configmap', 'ingress'],
  'ssl-redirect-code': ['configmap', 'ingress'],
  'ssl-redirect-port': ['configmap', 'ingress'],
  'standalone-backend': ['ingress', 'service'],
  'stats-config-snippet': ['configmap'],
  'syslog-server': ['configmap'],
  'timeout-check': ['configmap', 'ingress', 'service'],
  'timeout-client': ['configmap'],
  'timeout-client-fin': ['configmap'],
  'timeout-connect': ['configmap'],
  'timeout-http-keep-alive': ['configmap'],
  'timeout-http-request': ['configmap'],
  'timeout-queue': ['configmap'],
  'timeout-server': ['configmap', 'ingress', 'service'],
  'timeout-server-fin': ['configmap'],
  'timeout-tunnel': ['configmap'],
  'tls-alpn': ['configmap'],
  whitelist: ['configmap', 'ingress'],
};

/** Keys the registry does not hold, and why. */
export const KEY_NOTES: Readonly<Record<string, string>> = {
  'clean-certs':
    'Not needed: certificates are files the controller owns; one no Secret names any more is removed at the next install.',
  'generate-certificates-signer':
    'Refused: the controller does not issue certificates from a signer; cert-manager fills the TLS Secrets it serves.',
  'ingress.class':
    'Read as `kubernetes.io/ingress.class`, as Kubernetes spells the old annotation; `spec.ingressClassName` is preferred.',
  'log-format-tcp':
    'Moved, as in the reference: a key of the `--configmap-tcp-services` ConfigMap, the log format of the TCP frontends.',
  'quic-alt-svc-max-age':
    'Refused: no QUIC (HTTP/3) listener; the HAProxy the image ships is built without QUIC.',
};

/** The reference's command-line flags. */
export const REFERENCE_FLAG_NAMES = [
  'cache-resync-period',
  'channel-size',
  'config-dir',
  'configmap',
  'configmap-errorfiles',
  'configmap-patternfiles',
  'configmap-tcp-services',
  'controller-port',
  'custom-validation-rules',
  'default-backend-port',
  'default-backend-service',
  'default-ssl-certificate',
  'disable-config-snippets',
  'disable-http',
  'disable-https',
  'disable-ingress-status-update',
  'disable-ipv4',
  'disable-ipv6',
  'disable-quic',
  'disable-service-external-name',
  'disable-writing-only-if-reload',
  'empty-ingress-class',
  'enable-custom-annotations-on-ingress',
  'experimental',
  'external',
  'gateway-controller-name',
  'healthz-bind-port',
  'healthz-bind-thread',
  'http-bind-port',
  'http-bind-thread',
  'https-bind-port',
  'https-bind-thread',
  'ingress.class',
  'initial-sync-period',
  'input-file',
  'ipv4-bind-address',
  'ipv6-bind-address',
  'job-check-crd',
  'kubeconfig',
  'localpeer-port',
  'log',
  'namespace-blacklist',
  'namespace-whitelist',
  'output-file',
  'pprof',
  'program',
  'prometheus',
  'publish-service',
  'quic-announce-port',
  'quic-bind-port',
  'runtime-dir',
  'stats-bind-port',
  'stats-bind-thread',
  'sync-period',
  'with-pebble',
  'with-s6-overlay',
] as const;

/** Flags this controller does not take (the controller stops with a usage error), and why. */
export const FLAG_NOTES: Readonly<Record<string, string>> = {
  'channel-size': 'Refused: events only mark the controller dirty; there is no queue to size.',
  'custom-validation-rules':
    'Refused: the reference’s custom annotations and their CEL rules do not exist here.',
  'disable-quic': 'Refused: no QUIC listener exists to disable.',
  'disable-service-external-name':
    'Refused: ExternalName Services are never served (reported, requests get 503), so there is nothing to disable.',
  'disable-writing-only-if-reload':
    'Refused: files are always written atomically and kept identical to what HAProxy holds.',
  'enable-custom-annotations-on-ingress': 'Refused: the reference’s custom annotations do not exist here.',
  experimental: 'Refused: no experimental features behind a flag.',
  external:
    'Use `--haproxy-master-socket` (sidecar mode) or run the controller beside its own HAProxy (the default).',
  'healthz-bind-thread': 'Refused: HAProxy picks threads itself (`nbthread` in the ConfigMap).',
  'http-bind-thread': 'Refused: HAProxy picks threads itself (`nbthread` in the ConfigMap).',
  'https-bind-thread': 'Refused: HAProxy picks threads itself (`nbthread` in the ConfigMap).',
  'initial-sync-period': 'Refused: the first config is applied as soon as the first full list has arrived.',
  'input-file': 'Use `--manifests DIR` (local mode) or the `render` and `lint` subcommands.',
  'job-check-crd': 'Refused: the reference’s custom resources are not used; nothing to check.',
  'localpeer-port': 'Refused: stick tables are not shared between replicas.',
  'output-file': 'Use `render --out DIR`.',
  pprof: 'Refused: no profiler endpoint.',
  'quic-announce-port': 'Refused: no QUIC listener.',
  'quic-bind-port': 'Refused: no QUIC listener.',
  'stats-bind-thread': 'Refused: HAProxy picks threads itself (`nbthread` in the ConfigMap).',
  'with-pebble':
    'Refused: the image runs the controller and HAProxy itself (or HAProxy in its own container).',
  'with-s6-overlay':
    'Refused: the image runs the controller and HAProxy itself (or HAProxy in its own container).',
};

const byName = new Map(Object.values(ALL_KEYS).map((k) => [k.name, k]));
const byAlias = new Map(Object.values(ALL_KEYS).flatMap((k) => (k.aliases ?? []).map((a) => [a, k])));
const legacy = new Set(Object.values(LEGACY_CONNECTION_KEYS).map((k) => k.name));

export interface KeyVerdict {
  status: 'supported' | 'mapped' | 'moved' | 'refused';
  here: string;
  note: string;
}

export function keyVerdict(name: string): KeyVerdict | undefined {
  const key = byName.get(name);
  if (key && legacy.has(name))
    return { status: 'mapped', here: '`http-connection-mode`', note: key.description };
  if (key)
    return { status: 'supported', here: `\`${name}\` (${key.scopes.join(', ')})`, note: key.description };
  const alias = byAlias.get(name);
  if (alias)
    return {
      status: 'mapped',
      here: `\`${alias.name}\``,
      note: `Read as \`${alias.name}\`; where both are set, \`${alias.name}\` wins.`,
    };
  const note = KEY_NOTES[name];
  if (!note) return undefined;
  return { status: note.startsWith('Refused') ? 'refused' : 'moved', here: '', note };
}

export function flagVerdict(name: string): KeyVerdict | undefined {
  const reference = (REFERENCE_FLAGS as Record<string, { help: string }>)[name];
  if (reference) {
    const unused = reference.help.includes('accepted and unused');
    return {
      status: unused
        ? 'refused'
        : reference.help.startsWith('Reference controller flag')
          ? 'mapped'
          : 'supported',
      here: unused ? 'accepted, with a notice' : `\`--${name}\``,
      note: reference.help,
    };
  }
  const flag = (FLAGS as Record<string, { help: string }>)[name];
  if (flag) return { status: 'supported', here: `\`--${name}\``, note: flag.help };
  const note = FLAG_NOTES[name];
  return note ? { status: 'refused', here: '', note } : undefined;
}

const GENERATED = '<!-- Generated by `npm run docs` from the source; do not edit. -->';

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

export function haproxyIngressMigrationDoc(): string {
  const keys = Object.keys(REFERENCE_KEYS).sort();
  const row = (name: string, where: string, v: KeyVerdict | undefined) =>
    `| \`${name}\` | ${where} | ${v?.status ?? '**missing**'} | ${cell(v?.here ?? '')} | ${cell(v?.note ?? '')} |`;
  const table = (
    filter: (where: readonly Where[]) => boolean,
    scopes: (where: readonly Where[]) => string,
  ) => [
    '| reference key | reference reads it on | here | as | what happens |',
    '|---|---|---|---|---|',
    ...keys
      .filter((k) => filter(REFERENCE_KEYS[k] ?? []))
      .map((k) => row(k, scopes(REFERENCE_KEYS[k] ?? []), keyVerdict(k))),
  ];
  return [
    GENERATED,
    '# Migrating from the HAProxy Kubernetes Ingress Controller',
    '',
    'The reference controller is haproxytech/kubernetes-ingress. Its users keep their Deployment arguments,',
    'their ConfigMaps and their annotations: this page says, for each of them, what this controller does.',
    'It is generated from the settings registry and the flag table, so it says what the code does.',
    '',
    '- **supported**: same name, same meaning.',
    '- **mapped**: accepted under the reference’s name and read as the name shown.',
    '- **moved**: read from another place, as shown.',
    '- **refused**: not taken, and why. A refused flag stops the controller with a usage error; a refused',
    '  key is reported as unknown (a log line, the problems metric, an Event in cluster mode).',
    '',
    '## Deployment arguments',
    '',
    'Reference Deployment:',
    '',
    '```yaml',
    'args:',
    '  - --configmap=haproxy-controller/haproxy-kubernetes-ingress',
    '  - --configmap-tcp-services=haproxy-controller/tcp-services',
    '  - --configmap-errorfiles=haproxy-controller/errorfiles',
    '  - --configmap-patternfiles=haproxy-controller/patternfiles',
    '  - --default-ssl-certificate=haproxy-controller/default-cert',
    '  - --sync-period=5s',
    '  - --program=/usr/local/sbin/haproxy',
    '```',
    '',
    'Here the same arguments work as written; `--sync-period` becomes the quiet time after a burst of changes',
    '(`--sync-debounce`, at most 10s: the default of 10ms applies changes within milliseconds) and',
    '`--program` the HAProxy binary (`--haproxy-bin`). Each reference flag that changes nothing here says so',
    'in one log line at startup.',
    '',
    '| reference flag | here | as | what happens |',
    '|---|---|---|---|',
    ...REFERENCE_FLAG_NAMES.map((name) => {
      const v = flagVerdict(name);
      return `| \`--${name}\` | ${v?.status ?? '**missing**'} | ${cell(v?.here ?? '')} | ${cell(v?.note ?? '')} |`;
    }),
    '',
    '## The three extra ConfigMaps',
    '',
    '| reference ConfigMap | here |',
    '|---|---|',
    '| `--configmap-tcp-services`: `"5432": "db/postgres:5432"`, `"6443": "ns/api:443:ssl"`, `log-format-tcp` | The same keys and values. Each port gets a TCP frontend and backend; pods move over the Runtime API without a reload; `:ssl` terminates TLS with the default certificate (and, by SNI, those of the Ingresses). A bad key or value is reported under its key and skipped. |',
    '| `--configmap-errorfiles`: `"503": "HTTP/1.1 503 …"` | The same: a status code of 200, 400, 401, 403, 404, 405, 407, 408, 410, 425, 429, 500, 502, 503 or 504 and a whole raw HTTP response, at most 8 KiB. A response HAProxy would refuse to load is reported under its key and left out. An edit reloads HAProxy; deleting the ConfigMap brings HAProxy’s own pages back. The built-in 404 of requests no rule matches is not an error page and stays as it is. |',
    '| `--configmap-patternfiles`: `ips: "10.0.0.0/8\\n192.168.0.1"` | `allow-list: patterns/ips` and `deny-list: patterns/ips` read the file; its lines are client addresses and CIDR blocks (a line that is not one is reported and left out). An edit changes HAProxy over the Runtime API, without a reload. A named file that does not exist is empty: an allow-list then lets nobody in. |',
    '',
    'With the Helm chart, set `controller.tcpServicesConfigMap`, `controller.errorfilesConfigMap` and',
    '`controller.patternfilesConfigMap` to the ConfigMaps’ names (in the release namespace): the chart passes',
    'the flags and lets the controller read exactly those ConfigMaps.',
    '',
    '## ConfigMap keys',
    '',
    ...table(
      (where) => where.includes('configmap'),
      (where) => where.join(', '),
    ),
    '',
    '## Annotations only',
    '',
    `Annotations are read with any of the prefixes ${ANNOTATION_PREFIXES.map((p) => `\`${p}\``).join(', ')}, and without a prefix as the`,
    'reference’s examples write them; a prefixed spelling of the same key wins over the bare one.',
    'Unlike the reference, request keys (CORS, access lists, rate limits, redirects, headers) may also be set on a',
    'Service, and backend keys on an Ingress (each Ingress then gets a variant of the backend).',
    '',
    ...table(
      (where) => !where.includes('configmap'),
      (where) => where.join(', '),
    ),
    '',
    '## Differences that stay',
    '',
    '- A certificate is served for the hosts in its Ingress’s `tls.hosts`, not for whatever names it carries.',
    '- `client-ca` naming a missing Secret refuses every HTTPS connection (fail closed).',
    '- An Ingress whose class equals `--ingress.class` is served without an IngressClass object.',
    '- Request rules on an ssl-passthrough route: only `allow-list` and `deny-list` apply, by source address, when',
    '  the connection starts; the others are reported as ineffective.',
    '',
  ].join('\n');
}
