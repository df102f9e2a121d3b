/**
 * path-regex and rewrite-target (ingress-nginx's use-regex and
 * rewrite-target): on a host where any Ingress asks for either, every path of
 * every Ingress for that host is a regular expression, case-insensitive and
 * anchored at the start only, tried longest first (the model orders regular
 * expressions so; controller/model/routes.ts). A route's path becomes the
 * pattern `(?i:<path>).*`, which the emitter matches against the whole path.
 *
 * rewrite-target replaces the whole path sent to the pods, with `$n` the
 * groups of the route's own path: each route gets its own variant of its
 * backend, whose policy rewrites with that route's pattern.
 *
 * Elsewhere, a path of type ImplementationSpecific of an Ingress in the
 * ingress-nginx dialect is a plain string prefix (StringPrefix), as
 * ingress-nginx's `location /path`: `/api` also takes `/apix`. In our
 * dialect it is Prefix.
 */
import type { Problem } from '../store/problems.ts';
import type { Ingress } from '../store/schemas.ts';
import type { BackendExtra } from './backends.ts';
import { type IngressPath, rulesOf } from './ingress-rules.ts';
import { ingressRouteSettings } from './ingress-settings.ts';
import { regexProblem } from './request-conditions.ts';
import { type DialectOptions, dialectOf } from './settings/ingress-nginx/dialect.ts';
import type { SettingsLayer } from './settings/registry.ts';
import type { PathMatch } from './types.ts';

export interface RegexPath {
  /** RegularExpression: matched against the whole request path. StringPrefix: the path as written. */
  pattern: string;
  match: 'RegularExpression' | 'StringPrefix';
  /** The route's own backend variant, when it rewrites. */
  extra?: BackendExtra;
}

/** Characters a path may hold to be read as a pattern: those ingress-nginx allows (no quote, `#`, space). */
const PATTERN_CHARS = /^[A-Za-z0-9\-._~/:^$[\](){}*+?|&=\\,]+$/;

/** Characters the store lets through for patterns only: a plain path never holds them. */
const PATTERN_ONLY = /[{}|\\^]/;

export function pathPattern(path: string): string {
  return `(?i:${path}).*`;
}

/**
 * Which paths of which Ingresses are regular expressions (and what they rewrite to) or
 * string prefixes; paths without an entry are routed as their IngressPath says, those
 * with an undefined entry are not served.
 */
export function regexPaths(
  ingresses: readonly Ingress[],
  configLayer: SettingsLayer | undefined,
  dialect: DialectOptions,
  problems: Problem[],
): Map<IngressPath, RegexPath | undefined> {
  const settings = new Map(
    ingresses.map((i) => [i, ingressRouteSettings(i, configLayer, dialect, problems).settings]),
  );
  const regexHosts = new Set<string>();
  for (const [ingress, s] of settings)
    if (s.pathRegex || s.rewriteTarget !== undefined)
      for (const path of rulesOf(ingress).paths) regexHosts.add(path.vhost);

  const out = new Map<IngressPath, RegexPath | undefined>();
  for (const [ingress, s] of settings) {
    const rules = rulesOf(ingress);
    for (const path of rules.paths) {
      if (!regexHosts.has(path.vhost)) {
        if (PATTERN_ONLY.test(path.path)) {
          problems.push({
            ref: rules.ref,
            field: `path ${path.path}`,
            reason: 'InvalidValue',
            message:
              'holds characters of a regular expression ({}|\\^), which a path is only read as with path-regex (use-regex); the path is not served',
            severity: 'error',
          });
          out.set(path, undefined);
        } else if (
          path.pathType === 'ImplementationSpecific' &&
          dialectOf(ingress, dialect) === 'ingress-nginx'
        )
          out.set(path, { pattern: path.path, match: 'StringPrefix' });
        continue;
      }
      const pattern = pathPattern(path.path);
      const problem = PATTERN_CHARS.test(path.path)
        ? regexProblem(pattern)
        : 'holds a character a path pattern may not (quotes, spaces, "#", "%")';
      if (problem) {
        problems.push({
          ref: rules.ref,
          field: `path ${path.path}`,
          reason: 'InvalidValue',
          message: `read as a regular expression (path-regex or rewrite-target on host ${path.vhost}), it ${problem}; the path is not served`,
          severity: 'error',
        });
        out.set(path, undefined);
        continue;
      }
      const target = s.rewriteTarget;
      out.set(path, {
        pattern,
        match: 'RegularExpression',
        ...(target !== undefined && {
          extra: {
            key: `rewrite ${path.path}`,
            policy: {
              pathRewrite: [{ match: `^(?i:${path.path})`, replace: target.replace(/\$([1-9])/g, '\\$1') }],
            },
          },
        }),
      });
    }
  }
  return out;
}

/** How a path is routed, given regexPaths(): its pattern or its path; undefined when it is not served. */
export const routeOfPath =
  (regexes: ReadonlyMap<IngressPath, RegexPath | undefined>) =>
  (path: IngressPath): { written: string; match: PathMatch } | undefined => {
    if (!regexes.has(path)) return { written: path.path, match: path.match };
    const regex = regexes.get(path);
    return regex && { written: regex.pattern, match: regex.match };
  };
