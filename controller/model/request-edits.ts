/**
 * Request and response edits that Gateway API filters ask for, as parts of a
 * backend's request policy (controller/model/policy.ts): headers added and
 * removed, the path replaced whole or by prefix, and redirects built from
 * their parts. Printed by controller/emitters/config/policy-lines.ts.
 */

/** A header name and a literal value. */
export interface HeaderLiteral {
  name: string;
  value: string;
}

/** Header edits in the order they apply: set (replace every value), add (one more value), remove. */
export interface HeaderEdits {
  set: HeaderLiteral[];
  add: HeaderLiteral[];
  remove: string[];
}

export type PathReplace =
  /** The whole path becomes `path` (the query string stays). */
  | { kind: 'full'; path: string }
  /**
   * The matched prefix (element-wise, without trailing slash; `` for the
   * root) becomes `replacement`: `/foo/bar` with prefix `/foo` and
   * replacement `/baz` becomes `/baz/bar`; a path left empty becomes `/`.
   */
  | { kind: 'prefix'; prefix: string; replacement: string };

export type RedirectCode = 301 | 302 | 303 | 307 | 308;

/**
 * A redirect built from the request and the parts given: the scheme (else
 * the request's), the host (else the request's, without port), the port
 * (else the scheme's own port when the scheme is given, else the declared
 * port of the listener the request came in on), the path (else the
 * request's) and the query string as it came. A port that is the scheme's
 * own is left out of Location.
 */
export interface RedirectParts {
  scheme?: 'http' | 'https';
  hostname?: string;
  port?: number;
  path?: PathReplace;
  code: RedirectCode;
}

/** Applies a path replacement the way HAProxy will (for tests and tools). */
export function replacePath(path: string, replace: PathReplace): string {
  if (replace.kind === 'full') return replace.path;
  if (path !== replace.prefix && !path.startsWith(`${replace.prefix}/`)) return path;
  const rest = path.slice(replace.prefix.length);
  return `${replace.replacement.replace(/\/+$/, '')}${rest}` || '/';
}

/** Header values reach haproxy.cfg quoted; names must be tokens without a quote. */
export const HEADER_NAME = /^[A-Za-z0-9!#$%&*+.^_`|~-]+$/;

/** Why a header edit cannot be printed, if it cannot. */
export function headerEditsProblem(edits: HeaderEdits): string | undefined {
  for (const name of [...edits.set.map((h) => h.name), ...edits.add.map((h) => h.name), ...edits.remove])
    if (!HEADER_NAME.test(name)) return `header name ${JSON.stringify(name)} is not a token`;
  for (const { name, value } of [...edits.set, ...edits.add])
    if (!/^[\x20-\x7e\t]*$/.test(value)) return `header ${name}: values must be printable ASCII`;
  return undefined;
}
