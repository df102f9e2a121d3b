/**
 * HTTPRoute and GRPCRoute matches as typed route matches: a path (Exact,
 * PathPrefix as Prefix, RegularExpression) and the request conditions that
 * must hold with it. A GRPCRoute method match is a path: `/service/method`
 * exactly, `/service` as a prefix, or a regular expression.
 */
import type { GRPCRouteMatch } from '../../store/gateway-api/grpc-route.ts';
import type { HTTPRouteMatch } from '../../store/gateway-api/http-route.ts';
import { checkCondition, type RequestCondition, regexProblem } from '../request-conditions.ts';
import type { PathMatch } from '../types.ts';

export interface TypedMatch {
  path: string;
  match: PathMatch;
  conditions: RequestCondition[];
}

export type MatchResult = TypedMatch | { invalid: string };

/** Only the first of several header matches with the same name (case-insensitive) counts. */
function firstOfEachName<T extends { name: string }>(list: readonly T[]): T[] {
  const seen = new Set<string>();
  return list.filter((h) => {
    const key = h.name.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function finish(path: string, match: PathMatch, conditions: RequestCondition[]): MatchResult {
  if (match === 'RegularExpression') {
    const problem = regexProblem(path);
    if (problem) return { invalid: `path regular expression ${problem}` };
  }
  for (const c of conditions) {
    const problem = checkCondition(c);
    if (problem) return { invalid: problem };
  }
  return { path, match, conditions };
}

export function httpMatch(m: HTTPRouteMatch): MatchResult {
  const conditions: RequestCondition[] = [
    ...firstOfEachName(m.headers).map(
      (h): RequestCondition => ({ kind: 'header', name: h.name, type: h.type, value: h.value }),
    ),
    // Query parameter names are case-sensitive: the first of each exact name counts.
    ...m.queryParams
      .filter((q, i, all) => all.findIndex((o) => o.name === q.name) === i)
      .map((q): RequestCondition => ({ kind: 'query', name: q.name, type: q.type, value: q.value })),
  ];
  if (m.method) conditions.push({ kind: 'method', method: m.method });
  const match: PathMatch =
    m.path.type === 'Exact' ? 'Exact' : m.path.type === 'PathPrefix' ? 'Prefix' : 'RegularExpression';
  return finish(m.path.value, match, conditions);
}

/** Exact gRPC service and method names never hold a regular expression's special characters but `.`. */
const escapeDots = (name: string): string => name.replaceAll('.', '\\.');

export function grpcMatch(m: GRPCRouteMatch | undefined): MatchResult {
  const conditions = firstOfEachName(m?.headers ?? []).map(
    (h): RequestCondition => ({ kind: 'header', name: h.name, type: h.type, value: h.value }),
  );
  const method = m?.method;
  if (!method) return finish('/', 'Prefix', conditions);
  const { service, method: name } = method;
  if (method.type === 'Exact') {
    if (service !== undefined && name !== undefined)
      return finish(`/${service}/${name}`, 'Exact', conditions);
    if (service !== undefined) return finish(`/${service}`, 'Prefix', conditions);
    return finish(`/[^/]+/${escapeDots(name ?? '')}`, 'RegularExpression', conditions);
  }
  return finish(`/(?:${service ?? '[^/]+'})/(?:${name ?? '[^/]+'})`, 'RegularExpression', conditions);
}
