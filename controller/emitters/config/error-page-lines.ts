/**
 * error-pages-service as backend lines: the request keeps what the error
 * Service is told (URI, Accept, Host); a route without a usable pod, and a
 * pod's answer with one of the listed statuses, are answered by the Lua
 * action (haproxy/lua/error-page.lua) with the error Service's page.
 */
import type { BackendPolicy } from '../../model/policy.ts';

type ErrorPages = NonNullable<BackendPolicy['errorPages']>;

/** Backend and route names are Kubernetes names and numbers: nothing in them needs quoting. */
export function errorPageLines(pages: ErrorPages): { request: string[]; response: string[] } {
  return {
    request: [
      'http-request set-var(txn.err_uri) pathq',
      'http-request set-var(txn.err_accept) req.hdr(accept)',
      'http-request set-var(txn.err_host) req.hdr(host)',
      `http-request lua.error_page ${pages.backend} 503 ${pages.route} if { nbsrv lt 1 }`,
    ],
    response:
      pages.codes.length > 0
        ? [
            `http-response lua.error_page ${pages.backend} - ${pages.route} if { status ${pages.codes.join(' ')} }`,
          ]
        : [],
  };
}
