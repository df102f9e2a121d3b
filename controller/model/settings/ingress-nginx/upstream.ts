/** ingress-nginx's annotations on the connection to the pods: protocol, timeouts, balancing, Host, buffers. */
import {
  boolInto,
  declare,
  type NginxAnnotation,
  seconds,
  type Translation,
  unsupported,
} from './annotation.ts';

const BUFFERS = 'HAProxy streams requests and responses through fixed buffers (tune.bufsize); nothing to set';

function timeout(value: string, key: string): Translation {
  const time = seconds(value);
  if (!time) return { invalid: 'must be a whole number of seconds' };
  return { set: { [key]: time } };
}

/** upstream-hash-by: the nginx variables HAProxy has a balance algorithm for. */
function hashBy(value: string): Translation {
  const v = value.trim();
  if (v === '$remote_addr' || v === '$binary_remote_addr') return { set: { 'load-balance': 'source' } };
  if (v === '$request_uri') return { set: { 'load-balance': 'uri whole' } };
  if (v === '$uri') return { set: { 'load-balance': 'uri' } };
  const header = /^\$http_([a-z0-9_]{1,64})$/.exec(v);
  if (header) return { set: { 'load-balance': `hdr(${(header[1] as string).replaceAll('_', '-')})` } };
  const arg = /^\$arg_([A-Za-z0-9_]{1,64})$/.exec(v);
  if (arg) return { set: { 'load-balance': `url_param ${arg[1]}` } };
  if (/^[A-Za-z0-9\-$_{}]+$/.test(v))
    return {
      unsupported:
        'only $remote_addr, $request_uri, $uri, $http_<header> and $arg_<name> have a balance algorithm',
    };
  return { invalid: 'must be an nginx variable such as $request_uri or $http_x_user' };
}

export const UPSTREAM_ANNOTATIONS: NginxAnnotation[] = [
  declare({
    name: 'backend-protocol',
    support: 'honoured',
    becomes: ['server-ssl', 'server-proto'],
    note: 'HTTP; HTTPS (TLS to the pods, unverified as in ingress-nginx); GRPC (HTTP/2 cleartext, trailers kept); GRPCS (HTTP/2 over TLS). AUTO_HTTP is HTTP; FCGI is not supported.',
    translate: (value): Translation => {
      switch (value.trim().toUpperCase()) {
        case 'HTTP':
          return { set: {} };
        case 'AUTO_HTTP':
          return { set: {}, differs: 'HTTP/1.1 to the pods, whatever the client speaks' };
        case 'HTTPS':
          return { set: { 'server-ssl': 'true' } };
        case 'GRPC':
          return { set: { 'server-proto': 'h2' } };
        case 'GRPCS':
          return { set: { 'server-ssl': 'true', 'server-proto': 'h2' } };
        case 'FCGI':
          return { unsupported: 'FastCGI to the pods is not supported' };
        default:
          return { invalid: 'must be HTTP, HTTPS, GRPC, GRPCS, AUTO_HTTP or FCGI' };
      }
    },
  }),
  declare({
    name: 'proxy-read-timeout',
    support: 'honoured',
    becomes: ['timeout-server'],
    note: 'Seconds the pod may stay silent while answering; then 504.',
    translate: (value) => timeout(value, 'timeout-server'),
  }),
  declare({
    name: 'proxy-send-timeout',
    support: 'mapped',
    becomes: ['timeout-server'],
    note: 'Seconds the pod may take to read the request. HAProxy has one server-side inactivity timeout: proxy-read-timeout wins when both are set.',
    translate: (value): Translation => {
      const t = timeout(value, 'timeout-server');
      return 'set' in t ? { ...t, differs: 'one inactivity timeout covers sending and reading' } : t;
    },
  }),
  declare({
    name: 'proxy-connect-timeout',
    support: 'honoured',
    becomes: ['timeout-connect'],
    note: 'Seconds to wait for a connection to a pod.',
    translate: (value) => timeout(value, 'timeout-connect'),
  }),
  declare({
    name: 'load-balance',
    support: 'mapped',
    becomes: ['load-balance'],
    note: 'round_robin is roundrobin; ewma becomes leastconn (the nearest HAProxy algorithm).',
    translate: (value): Translation => {
      const v = value.trim().toLowerCase();
      if (v === 'round_robin') return { set: { 'load-balance': 'roundrobin' } };
      if (v === 'ewma')
        return {
          set: { 'load-balance': 'leastconn' },
          differs: 'leastconn instead of latency-weighted ewma',
        };
      if (['chash', 'chashsubset', 'sticky_balanced', 'sticky_persistent'].includes(v))
        return { unsupported: `${v} is set through upstream-hash-by or affinity here` };
      return { invalid: 'must be round_robin or ewma' };
    },
  }),
  declare({
    name: 'upstream-hash-by',
    support: 'honoured',
    becomes: ['load-balance'],
    note: 'Consistent hashing on $remote_addr (source), $request_uri (uri whole), $uri, $http_<header> or $arg_<name>.',
    translate: hashBy,
  }),
  unsupported(
    'upstream-hash-by-subset',
    'subsets of pods per hash are not available; upstream-hash-by hashes onto every pod',
  ),
  unsupported('upstream-hash-by-subset-size', 'read with upstream-hash-by-subset, which is not supported'),
  declare({
    name: 'upstream-vhost',
    support: 'honoured',
    becomes: ['set-host'],
    note: 'The Host header sent to the pods.',
    translate: (value) => ({ set: { 'set-host': value } }),
  }),
  declare({
    name: 'x-forwarded-prefix',
    support: 'honoured',
    becomes: ['request-set-header'],
    note: 'An X-Forwarded-Prefix header with this value on requests to the pods ($n capture references are not supported).',
    translate: (value): Translation => {
      const v = value.trim();
      if (v.includes('$')) return { unsupported: 'capture references ($1) in the prefix are not supported' };
      if (!/^\/?[A-Za-z0-9\-._~/:]*$/.test(v)) return { invalid: 'must be a path' };
      return { set: { 'request-set-header': `X-Forwarded-Prefix ${v}` } };
    },
  }),
  declare({
    name: 'ssl-passthrough',
    support: 'honoured',
    becomes: ['ssl-passthrough'],
    note: "TLS for the Ingress's hosts is passed through to the pods unterminated (HTTPS port only).",
    translate: boolInto('ssl-passthrough'),
  }),
  declare({
    name: 'service-upstream',
    support: 'honoured',
    becomes: ['service-upstream'],
    note: "true: requests go to the Service's cluster IP and port, one server, not to its pods (a headless Service is reported and its pods are used).",
    translate: boolInto('service-upstream'),
  }),
  declare({
    name: 'proxy-body-size',
    support: 'honoured',
    becomes: ['request-body-max'],
    note: 'Largest request body (k = 1024, m = 1 MiB; 0: no limit; 1m in the ingress-nginx dialect); a larger one gets 413. A body without Content-Length (chunked) is measured as far as HAProxy buffers it (16 KiB).',
    translate: (value): Translation => {
      const v = value.trim();
      if (!/^\d{1,12}[kmgKMG]?$/.test(v)) return { invalid: 'must be a size such as 8m, 512k or 1048576' };
      return { set: { 'request-body-max': v } };
    },
  }),
  unsupported('client-body-buffer-size', BUFFERS),
  unsupported('proxy-buffering', BUFFERS),
  unsupported('proxy-buffer-size', BUFFERS),
  unsupported('proxy-buffers-number', BUFFERS),
  unsupported('proxy-busy-buffers-size', BUFFERS),
  unsupported('proxy-max-temp-file-size', BUFFERS),
  unsupported('proxy-request-buffering', BUFFERS),
  declare({
    name: 'proxy-http-version',
    support: 'honoured',
    becomes: [],
    note: 'HTTP/1.1 to the pods, as ingress-nginx by default; 1.0 is not supported.',
    translate: (value): Translation => {
      const v = value.trim();
      if (v === '1.1') return { set: {} };
      if (v === '1.0') return { unsupported: 'HAProxy speaks HTTP/1.1 to the pods' };
      return { invalid: 'must be 1.0 or 1.1' };
    },
  }),
  unsupported(
    'proxy-next-upstream',
    'HAProxy retries a request on another pod when the connection fails (retries 3, redispatch); other conditions are not configurable per route',
  ),
  unsupported('proxy-next-upstream-timeout', 'retries are not configurable per route'),
  unsupported('proxy-next-upstream-tries', 'retries are not configurable per route'),
  unsupported('proxy-cookie-domain', 'rewriting Set-Cookie domains is not supported'),
  unsupported('proxy-cookie-path', 'rewriting Set-Cookie paths is not supported'),
  declare({
    name: 'proxy-redirect-from',
    support: 'honoured',
    becomes: ['location-rewrite'],
    note: 'A Location or Refresh of the pods that starts with this gets proxy-redirect-to instead (off and default: unchanged).',
    translate: (value, all): Translation => {
      const from = value.trim();
      const to = all['proxy-redirect-to']?.trim();
      const url = /^[A-Za-z0-9\-._~/:,?&=]+$/;
      if (!url.test(from) || (to !== undefined && !url.test(to)))
        return { invalid: 'proxy-redirect-from and -to must be URLs (letters, digits and -._~/:,?&=)' };
      if (from === 'off' || from === 'default' || to === undefined || to === 'off') return { set: {} };
      return { set: { 'location-rewrite': `${from} ${to}` } };
    },
  }),
  declare({
    name: 'proxy-redirect-to',
    support: 'honoured',
    becomes: ['location-rewrite'],
    note: 'What replaces proxy-redirect-from in a Location or Refresh of the pods.',
    translate: () => ({ usedBy: 'read with proxy-redirect-from' }),
  }),
  declare({
    name: 'connection-proxy-header',
    support: 'mapped',
    becomes: [],
    note: 'HAProxy manages the Connection header to the pods itself (keep-alive, or close with http-connection-mode).',
    translate: (value): Translation => {
      const v = value.trim();
      if (v !== 'close' && v !== 'keep-alive') return { invalid: 'must be close or keep-alive' };
      return { set: {}, differs: "the Connection header to the pods is HAProxy's own" };
    },
  }),
  declare({
    name: 'proxy-ssl-secret',
    support: 'honoured',
    becomes: ['server-crt', 'server-ca'],
    note: 'With backend-protocol HTTPS or GRPCS: the client certificate (tls.crt, tls.key) shown to the pods, and with proxy-ssl-verify on, the CA (ca.crt) their certificates must chain to.',
    translate: (value, all): Translation => {
      const secret = value.trim();
      const verify = all['proxy-ssl-verify']?.trim();
      return {
        set: {
          'server-crt': secret,
          ...(verify === 'on' && { 'server-ca': { value: secret, from: 'proxy-ssl-verify' } }),
        },
      };
    },
  }),
  declare({
    name: 'proxy-ssl-verify',
    support: 'honoured',
    becomes: ['server-ca'],
    note: "on: the pods' certificates must chain to the ca.crt of proxy-ssl-secret (off by default).",
    translate: (value): Translation =>
      value.trim() === 'on' || value.trim() === 'off'
        ? { usedBy: 'read with proxy-ssl-secret' }
        : { invalid: 'must be on or off' },
  }),
  declare({
    name: 'proxy-ssl-verify-depth',
    support: 'mapped',
    becomes: [],
    note: "HAProxy verifies the pods' whole chain, whatever its length.",
    translate: (value): Translation =>
      /^\d{1,3}$/.test(value.trim())
        ? { set: {}, differs: 'chains of any length are verified' }
        : { invalid: 'must be a whole number' },
  }),
  unsupported('proxy-ssl-name', 'the name sent to the pods (SNI) is not configurable'),
  unsupported('proxy-ssl-server-name', 'the name sent to the pods (SNI) is not configurable'),
  unsupported('proxy-ssl-ciphers', 'cipher lists to the pods are global (ssl-default-server-options)'),
  unsupported('proxy-ssl-protocols', 'TLS versions to the pods are global (TLSv1.2 and up)'),
  unsupported(
    'custom-headers',
    'response headers from a ConfigMap are not read; haproxy.org/response-set-header sets them on the Ingress',
  ),
];
