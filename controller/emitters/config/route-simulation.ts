/**
 * Routes one request through a route plan the way HAProxy does with the
 * lines of routingLines(): the map lookups, then the rule groups in order,
 * then the weighted split. For tests and tools; HAProxy itself is the
 * reference (the e2e tests send the same requests through it).
 */
import type { RequestCondition } from '../../model/request-conditions.ts';
import { BUILTIN_DEFAULT_BACKEND, BUILTIN_ERROR_BACKEND } from '../../model/types.ts';
import { lookupRoute, type RoutePlan, SPLIT_POINTS } from './route-map.ts';

export interface SimulatedRequest {
  /** Host header, as sent (a `:port` and capitals allowed). */
  host: string;
  /** Path and query string. */
  path: string;
  method?: string;
  headers?: Record<string, string>;
  /** The point `rand()` draws for a split, 0 ≤ point < SPLIT_POINTS. */
  point?: number;
}

const fullMatch = (pattern: string, value: string): boolean => new RegExp(`^(?:${pattern})$`).test(value);

/** The first value of each parameter, raw (url_param decodes nothing). */
function rawQuery(query: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const part of query.split('&')) {
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    if (name && !params.has(name)) params.set(name, eq < 0 ? '' : part.slice(eq + 1));
  }
  return params;
}

function holds(c: RequestCondition, request: SimulatedRequest, query: ReadonlyMap<string, string>): boolean {
  switch (c.kind) {
    case 'method':
      return (request.method ?? 'GET') === c.method;
    case 'acl':
      // HAProxy evaluates route-acl; the simulation cannot, and takes it as not holding.
      return false;
    case 'header': {
      const name = c.name.toLowerCase();
      const value = Object.entries(request.headers ?? {}).find(([n]) => n.toLowerCase() === name)?.[1];
      if (value === undefined) return false;
      return c.type === 'Exact' ? value === c.value : fullMatch(c.value, value);
    }
    case 'query': {
      const value = query.get(c.name);
      if (value === undefined) return false;
      return c.type === 'Exact' ? value === c.value : fullMatch(c.value, value);
    }
  }
}

/** The backend the request ends at on the frontend of declared `port`. */
export function simulateRoute(plan: RoutePlan, port: number, request: SimulatedRequest): string {
  const frontend = plan.frontends.find((f) => f.port === port);
  if (!frontend) throw new Error(`no frontend for port ${port}`);
  const [path = '', queryString = ''] = request.path.split('?');
  const query = rawQuery(queryString);
  let value =
    lookupRoute(frontend.entries, request.host, path, frontend.suffixDepths) ?? BUILTIN_DEFAULT_BACKEND;
  const target = (key: string) => frontend.targets.find(([k]) => k === key)?.[1] ?? BUILTIN_DEFAULT_BACKEND;
  for (const group of frontend.groups) {
    if (value !== group.name) continue;
    const taken = group.candidates.findIndex(
      (c) =>
        (c.pathRegex === undefined || fullMatch(c.pathRegex, path)) &&
        c.conditions.every((condition) => holds(condition, request, query)),
    );
    value = target(taken < 0 ? group.name : `${group.name}.${taken + 1}`);
  }
  if (value.startsWith('~')) {
    const point = Number(value.slice(1)) * SPLIT_POINTS + (request.point ?? 0);
    const range = plan.splits.find(([key]) => {
      const [from, to] = key.split(':').map(Number) as [number, number];
      return from <= point && point <= to;
    });
    return range ? range[1] : BUILTIN_ERROR_BACKEND;
  }
  return value;
}
