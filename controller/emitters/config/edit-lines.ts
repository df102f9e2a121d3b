/**
 * Backend lines for the request edits of Gateway API filters
 * (controller/model/request-edits.ts): header edits, path replacement and
 * redirects built from parts. Names and values come from route objects,
 * where quotes and `%` are legal: every value is strongly quoted with its
 * single quotes escaped (`'\''`), `%` is doubled in log-format arguments,
 * and the path prefix is escaped in the regular expression that finds it.
 * A line break or NUL never gets this far (the model refuses them); if one
 * does, printing throws.
 */
import type { BackendPolicy } from '../../model/policy.ts';
import type { HeaderEdits, PathReplace, RedirectParts } from '../../model/request-edits.ts';
import { quoteArg } from './route-acls.ts';

/** Literal text inside a log-format argument. */
const literal = (value: string): string => value.replaceAll('%', '%%');

/** A header name: bare when it is plainly a name, else quoted (tokens may hold `#`, `$` and more). */
const headerName = (name: string): string => (/^[A-Za-z0-9_-]+$/.test(name) ? name : quoteArg(name));

function headerLines(side: 'request' | 'response', edits: HeaderEdits): string[] {
  const prefix = `http-${side}`;
  return [
    ...edits.set.map((h) => `${prefix} set-header ${headerName(h.name)} ${quoteArg(literal(h.value))}`),
    ...edits.add.map((h) => `${prefix} add-header ${headerName(h.name)} ${quoteArg(literal(h.value))}`),
    ...edits.remove.map((name) => `${prefix} del-header ${headerName(name)}`),
  ];
}

/** PCRE special characters, escaped so that the prefix matches as written. */
const escapeRegex = (text: string): string => text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');

export function pathReplaceLines(replace: PathReplace): string[] {
  if (replace.kind === 'full') return [`http-request set-path ${quoteArg(literal(replace.path))}`];
  const prefix = escapeRegex(replace.prefix);
  const replacement = literal(replace.replacement.replace(/\/+$/, ''));
  if (replacement === '')
    // The path itself becomes `/`, what lies below the prefix keeps its own `/` (in this order).
    return [
      `http-request replace-path ${quoteArg(`^${prefix}$`)} '/'`,
      `http-request replace-path ${quoteArg(`^${prefix}(/.*)$`)} '\\1'`,
    ];
  return [`http-request replace-path ${quoteArg(`^${prefix}(/.*)?$`)} ${quoteArg(`${replacement}\\1`)}`];
}

const OWN_PORT = { http: 80, https: 443 } as const;

/**
 * The request's scheme is `https` exactly when TLS ends in the frontend
 * (`ssl_fc`). Without a port or scheme, the port is the declared port of
 * the listener the request came in on: frontends of other ports than 80
 * and 443 set `txn.port_suffix` to `:<port>`.
 */
export function redirectLines(redirect: RedirectParts): string[] {
  const lines = redirect.path ? pathReplaceLines(redirect.path) : [];
  const host = redirect.hostname ? literal(redirect.hostname) : '%[req.hdr(host),field(1,:)]';
  const to = (scheme: 'http' | 'https', port: string, condition = '') =>
    `http-request redirect location ${quoteArg(`${scheme}://${host}${port}%[pathq]`)} code ${redirect.code}${condition}`;
  const suffix = (scheme: 'http' | 'https', port: number) => (OWN_PORT[scheme] === port ? '' : `:${port}`);
  if (redirect.scheme) {
    lines.push(to(redirect.scheme, suffix(redirect.scheme, redirect.port ?? OWN_PORT[redirect.scheme])));
  } else if (redirect.port !== undefined) {
    lines.push(to('https', suffix('https', redirect.port), ' if { ssl_fc }'));
    lines.push(to('http', suffix('http', redirect.port), ' unless { ssl_fc }'));
  } else {
    lines.push(to('https', '%[var(txn.port_suffix)]', ' if { ssl_fc }'));
    lines.push(to('http', '%[var(txn.port_suffix)]', ' unless { ssl_fc }'));
  }
  return lines;
}

/** Request lines of the edits, in the order they apply: redirect, headers, path. */
export function requestEditLines(policy: BackendPolicy): string[] {
  return [
    ...(policy.redirect ? redirectLines(policy.redirect) : []),
    ...(policy.requestHeaderEdits ? headerLines('request', policy.requestHeaderEdits) : []),
    ...(policy.pathReplace ? pathReplaceLines(policy.pathReplace) : []),
  ];
}

export function responseEditLines(policy: BackendPolicy): string[] {
  return policy.responseHeaderEdits ? headerLines('response', policy.responseHeaderEdits) : [];
}
