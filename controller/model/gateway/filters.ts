/**
 * HTTPRoute and GRPCRoute filters as request policy: header modifiers,
 * RequestRedirect and URLRewrite become parts of the policy of the backend
 * the request goes to (a backend variant per distinct policy, as Ingress
 * annotations make them). Rule filters apply first, then those of the
 * backendRef.
 *
 * RequestMirror cannot be done by HAProxy without an external agent (SPOE
 * mirroring), CORS and ExtensionRef are not implemented: a rule that asks
 * for one of them is not served as asked, and its requests get 500.
 */
import type { GRPCRouteFilter, HTTPRouteFilter } from '../../store/gateway-api/route-filters.ts';
import type { HeaderEdits, PathReplace, RedirectParts } from '../request-edits.ts';
import { headerEditsProblem } from '../request-edits.ts';
import { normalizePrefix } from '../routes.ts';

export interface FilterPolicy {
  requestHeaders?: HeaderEdits;
  responseHeaders?: HeaderEdits;
  redirect?: RedirectParts;
  /** URLRewrite hostname: the Host header the pods see. */
  setHost?: string;
  /** URLRewrite path. */
  pathReplace?: PathReplace;
}

export type FilterResult = { policy: FilterPolicy } | { problem: string };

const merge = (a: HeaderEdits | undefined, b: HeaderEdits): HeaderEdits =>
  a ? { set: [...a.set, ...b.set], add: [...a.add, ...b.add], remove: [...a.remove, ...b.remove] } : b;

/**
 * The policy of `filters` (rule filters, then backendRef filters).
 * `prefix` is the rule's PathPrefix match, for ReplacePrefixMatch.
 */
export function filterPolicy(
  filters: readonly (HTTPRouteFilter | GRPCRouteFilter)[],
  prefix: string | undefined,
): FilterResult {
  const policy: FilterPolicy = {};
  const pathOf = (path: { type: string; replaceFullPath?: string; replacePrefixMatch?: string }) => {
    if (path.type === 'ReplaceFullPath') return { kind: 'full' as const, path: path.replaceFullPath ?? '/' };
    if (prefix === undefined) return undefined;
    const matched = normalizePrefix(prefix);
    return {
      kind: 'prefix' as const,
      prefix: matched === '/' ? '' : matched,
      replacement: path.replacePrefixMatch ?? '/',
    };
  };
  for (const filter of filters) {
    switch (filter.type) {
      case 'RequestHeaderModifier':
        policy.requestHeaders = merge(policy.requestHeaders, filter.requestHeaderModifier);
        break;
      case 'ResponseHeaderModifier':
        policy.responseHeaders = merge(policy.responseHeaders, filter.responseHeaderModifier);
        break;
      case 'RequestRedirect': {
        const { scheme, hostname, port, path, statusCode } = filter.requestRedirect;
        const redirect: RedirectParts = { code: statusCode };
        if (scheme) redirect.scheme = scheme;
        if (hostname) redirect.hostname = hostname;
        if (port !== undefined) redirect.port = port;
        if (path) {
          const replace = pathOf(path);
          if (!replace) return { problem: 'ReplacePrefixMatch needs a PathPrefix match' };
          redirect.path = replace;
        }
        policy.redirect = redirect;
        break;
      }
      case 'URLRewrite': {
        const { hostname, path } = filter.urlRewrite;
        if (hostname) policy.setHost = hostname;
        if (path) {
          const replace = pathOf(path);
          if (!replace) return { problem: 'ReplacePrefixMatch needs a PathPrefix match' };
          policy.pathReplace = replace;
        }
        break;
      }
      case 'RequestMirror':
        return { problem: 'RequestMirror is not supported (HAProxy mirrors only through an external agent)' };
      default:
        return { problem: `${filter.type} filters are not supported` };
    }
  }
  for (const edits of [policy.requestHeaders, policy.responseHeaders]) {
    const problem = edits && headerEditsProblem(edits);
    if (problem) return { problem };
  }
  return { policy };
}
