/**
 * Per-client limits as backend lines: the request rate and the requests in
 * flight share one stick table keyed by the client address (a backend holds
 * one), and the request body size, checked from Content-Length or, without
 * one, from the body as far as HAProxy buffers it.
 */
import type { BackendPolicy } from '../../model/policy.ts';

/** Lines of rate-limit-requests and rate-limit-connections, in one table. */
export function trackedLimits(policy: BackendPolicy): string[] {
  const rate = policy.rateLimit;
  const connections = policy.connectionLimit;
  if (!rate && !connections) return [];
  const exempt = rate?.exempt ?? connections?.exempt;
  const size = rate?.size ?? connections?.size;
  const expire = rate?.period ?? '10s';
  const store = [...(rate ? [`http_req_rate(${rate.period})`] : []), ...(connections ? ['conn_cur'] : [])];
  const unless = exempt ? ` !{ src ${exempt.join(' ')} }` : '';
  return [
    `stick-table type ipv6 size ${size} expire ${expire} store ${store.join(',')}`,
    `http-request track-sc0 src${exempt ? ` unless { src ${exempt.join(' ')} }` : ''}`,
    ...(rate
      ? [
          `http-request deny deny_status ${rate.status} if { sc_http_req_rate(0) gt ${rate.requests} }${unless}`,
        ]
      : []),
    ...(connections
      ? [
          `http-request deny deny_status ${connections.status} if { sc_conn_cur(0) gt ${connections.max} }${unless}`,
        ]
      : []),
  ];
}

/**
 * request-body-max: a Content-Length above the limit is refused at once; a
 * body without one (chunked, or HTTP/2) is waited for until it is larger than
 * the limit or complete, then measured.
 */
export function bodyLimit(max: number): string[] {
  const unknownLength = '!{ req.hdr(content-length) -m found }';
  return [
    `http-request deny deny_status 413 if { req.hdr_val(content-length) gt ${max} }`,
    `http-request wait-for-body time 10s at-least ${max + 1} if ${unknownLength}`,
    `http-request deny deny_status 413 if { req.body_size gt ${max} } ${unknownLength}`,
  ];
}
