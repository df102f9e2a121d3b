/**
 * The catalog of annotation and ConfigMap keys. Grouped by what they tune:
 * global/defaults come from the ConfigMap only; backend keys may also be set
 * on an Ingress or a Service.
 */
import { COOKIE_KEYS } from './cookie-keys.ts';
import { INGRESS_ROUTE_KEYS } from './ingress-route-keys.ts';
import { LEGACY_CONNECTION_KEYS, REFERENCE_BACKEND_KEYS } from './reference-keys.ts';
import { defineKey } from './registry.ts';
import { REQUEST_KEYS } from './request-keys.ts';
import { ROUTE_ACL_KEYS } from './route-acl.ts';
import { TLS_BACKEND_KEYS, TLS_FRONTEND_KEYS } from './tls-keys.ts';
import {
  bool,
  checkHttp,
  configSnippet,
  cookieName,
  duration,
  httpConnectionMode,
  int,
  loadBalance,
  logFormat,
  proxyProtocol,
  syslogServers,
} from './values.ts';

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
  hardStopAfter: defineKey({
    name: 'hard-stop-after',
    scopes: CONFIGMAP,
    schema: duration,
    default: '30m',
    description:
      'Longest a previous HAProxy worker may keep serving its connections after a reload or soft stop.',
  }),
  syslogServer: defineKey({
    name: 'syslog-server',
    scopes: CONFIGMAP,
    schema: syslogServers.optional(),
    default: undefined,
    description:
      'Where logs go, one target per line: `address:IP|stdout|stderr, port:N, facility:local0, level:info, minlevel:..., format:rfc3164|rfc5424|short|raw, length:N` (address and facility required). Default: stdout, raw, local0, notice.',
  }),
  globalConfigSnippet: defineKey({
    name: 'global-config-snippet',
    scopes: CONFIGMAP,
    schema: configSnippet,
    default: [],
    description:
      'Raw lines added to the global section. Only with --allow-config-snippets; a snippet that fails validation is dropped and reported.',
  }),
  frontendConfigSnippet: defineKey({
    name: 'frontend-config-snippet',
    scopes: CONFIGMAP,
    schema: configSnippet,
    default: [],
    description:
      'Raw lines added to the http and https frontends, after the routing rules. Only with --allow-config-snippets.',
  }),
  statsConfigSnippet: defineKey({
    name: 'stats-config-snippet',
    scopes: CONFIGMAP,
    schema: configSnippet,
    default: [],
    description: 'Raw lines added to the stats frontend. Only with --allow-config-snippets.',
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
    scopes: ALL,
    schema: duration,
    default: '5s',
    description:
      'Maximum time to wait for a connection to a backend server to succeed. On an Ingress or Service, for its backend.',
  }),
  timeoutHttpRequest: defineKey({
    name: 'timeout-http-request',
    scopes: CONFIGMAP,
    schema: duration,
    default: '5s',
    description: 'Maximum time to receive a complete HTTP request (headers); a slower client gets 408.',
  }),
  timeoutHttpKeepAlive: defineKey({
    name: 'timeout-http-keep-alive',
    scopes: CONFIGMAP,
    schema: duration,
    default: '1m',
    description: 'Maximum time to wait for the next request on an idle keep-alive connection.',
  }),
  timeoutQueue: defineKey({
    name: 'timeout-queue',
    scopes: CONFIGMAP,
    schema: duration,
    default: '5s',
    description: 'Maximum time a request waits in a queue for a free pod connection slot; then 503.',
  }),
  timeoutTunnel: defineKey({
    name: 'timeout-tunnel',
    scopes: CONFIGMAP,
    schema: duration,
    default: '1h',
    description: 'Maximum inactivity of a tunnel (WebSocket, CONNECT) on both sides.',
  }),
  timeoutClientFin: defineKey({
    name: 'timeout-client-fin',
    scopes: CONFIGMAP,
    schema: duration.optional(),
    default: undefined,
    description: 'Inactivity timeout on the client side once the connection is half-closed.',
  }),
  timeoutServerFin: defineKey({
    name: 'timeout-server-fin',
    scopes: CONFIGMAP,
    schema: duration.optional(),
    default: undefined,
    description: 'Inactivity timeout on the server side once the connection is half-closed.',
  }),
  logFormat: defineKey({
    name: 'log-format',
    scopes: CONFIGMAP,
    schema: logFormat.optional(),
    default: undefined,
    description:
      'HAProxy log-format string for HTTP traffic (default: option httplog). Quotes inside are written \\", `$` and `#` are refused.',
  }),
  dontlognull: defineKey({
    name: 'dontlognull',
    scopes: CONFIGMAP,
    schema: bool,
    default: true,
    description: 'Do not log connections that send no request, such as port probes.',
  }),
  logasap: defineKey({
    name: 'logasap',
    scopes: CONFIGMAP,
    schema: bool,
    default: false,
    description: 'Log a request as soon as the response headers arrive, instead of when the response ends.',
  }),
  httpConnectionMode: defineKey({
    name: 'http-connection-mode',
    scopes: CONFIGMAP,
    schema: httpConnectionMode,
    default: 'http-keep-alive',
    description:
      'http-keep-alive (keep both sides open), http-server-close (close the pod side after each response) or httpclose (close both sides).',
  }),
};

export const BACKEND_KEYS = {
  /** Also a defaults key: the ConfigMap's value is the defaults section's, an Ingress's or Service's its backend's. */
  timeoutConnect: DEFAULTS_KEYS.timeoutConnect,
  serversIncrement: defineKey({
    name: 'servers-increment',
    aliases: ['scale-server-slots', 'server-slots'],
    scopes: ALL,
    schema: int(1, 10_000).optional(),
    default: undefined,
    description:
      "Pre-size each backend's servers in steps of this size. Unset, a backend has as many servers as pods plus a small headroom, added and deleted at run time; backends whose `load-balance` algorithm cannot add servers at run time get steps of 42.",
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
  checkHttp: defineKey({
    name: 'check-http',
    scopes: ALL,
    schema: checkHttp.optional(),
    default: undefined,
    description:
      'HTTP health check instead of a TCP connect: `URI`, `METHOD URI` or `METHOD URI HTTP/1.x` (e.g. `HEAD /healthz HTTP/1.1`); 2xx and 3xx are healthy.',
  }),
  timeoutCheck: defineKey({
    name: 'timeout-check',
    scopes: ALL,
    schema: duration.optional(),
    default: undefined,
    description: 'Maximum time a health check may wait for its answer once connected.',
  }),
  podMaxconn: defineKey({
    name: 'pod-maxconn',
    scopes: ALL,
    schema: int(1, 1_000_000).optional(),
    default: undefined,
    description:
      'Maximum concurrent connections to each pod; further requests wait in the queue (timeout-queue).',
  }),
  sendProxyProtocol: defineKey({
    name: 'send-proxy-protocol',
    scopes: ALL,
    schema: proxyProtocol.optional(),
    default: undefined,
    description:
      'Start connections to the pods with a PROXY protocol header: proxy / proxy-v1, proxy-v2, proxy-v2-ssl, proxy-v2-ssl-cn.',
  }),
  cookiePersistence: defineKey({
    name: 'cookie-persistence',
    scopes: ALL,
    schema: cookieName.optional(),
    default: undefined,
    description:
      'Sticky sessions: HAProxy sets a cookie with this name naming the pod (a hash of its address), and requests carrying it go back to that pod.',
  }),
  abortonclose: defineKey({
    name: 'abortonclose',
    scopes: ALL,
    schema: bool,
    default: false,
    description:
      'Drop a queued or connecting request when the client closes its side, instead of still sending it. HAProxy 2.6 sees such a close from HTTP/2 clients; it reads an HTTP/1 client again only after answering it.',
  }),
  serviceUpstream: defineKey({
    name: 'service-upstream',
    scopes: ALL,
    schema: bool,
    default: false,
    description:
      "Send requests to the Service's cluster IP and port (one server, which kube-proxy balances) instead of to its pods: the backend does not follow the EndpointSlices, and HAProxy's balancing, health checks and sticky sessions see one server. A headless Service (clusterIP None), one without a cluster IP, or an ExternalName Service is reported, and the pods are used.",
  }),
  backendConfigSnippet: defineKey({
    name: 'backend-config-snippet',
    scopes: ALL,
    schema: configSnippet,
    default: [],
    description:
      'Raw lines added to the backend of the Service. Only with --allow-config-snippets; a snippet that fails validation is dropped and reported.',
  }),
  ...TLS_BACKEND_KEYS,
  ...REFERENCE_BACKEND_KEYS,
  ...COOKIE_KEYS,
};

/** Every key, for docs and for telling unknown keys from known ones. */
export const ALL_KEYS = {
  ...GLOBAL_KEYS,
  ...DEFAULTS_KEYS,
  ...LEGACY_CONNECTION_KEYS,
  ...ROUTE_ACL_KEYS,
  ...BACKEND_KEYS,
  ...REQUEST_KEYS,
  ...TLS_FRONTEND_KEYS,
  ...INGRESS_ROUTE_KEYS,
};
