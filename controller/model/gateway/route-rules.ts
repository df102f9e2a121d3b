/**
 * HTTPRoute and GRPCRoute rules, read once per route object: each rule's
 * matches as typed matches, and what the rule does with the requests they
 * match (its backends with their weights and filters, a redirect, or 500).
 * What does not depend on other objects is worked out here; backendRefs are
 * checked against the snapshot by the caller (backend-refs.ts).
 */
import { durationMs } from '../../store/gateway-api/fields.ts';
import type { GRPCRoute } from '../../store/gateway-api/grpc-route.ts';
import type { HTTPRoute } from '../../store/gateway-api/http-route.ts';
import type { GRPCRouteFilter, HTTPRouteFilter } from '../../store/gateway-api/route-filters.ts';
import type { RefInput } from './backend-refs.ts';
import { type FilterPolicy, filterPolicy } from './filters.ts';
import { grpcMatch, httpMatch, type TypedMatch } from './matches.ts';

export interface RuleRef extends RefInput {
  /** The policy of the rule's filters followed by the ref's own. */
  policy: FilterPolicy | { problem: string };
}

export interface ReadRule {
  index: number;
  /** `rule <name>` when named, else `rule <index>`, for messages. */
  label: string;
  matches: TypedMatch[];
  /**
   * What the rule does: send to its backendRefs, redirect (no backendRefs,
   * a RequestRedirect filter), or answer 500 (no backendRefs, or a filter
   * that cannot be honoured).
   */
  action:
    | { kind: 'backends'; refs: RuleRef[] }
    | { kind: 'policy'; policy: FilterPolicy }
    | { kind: 'error'; message: string };
  /** Why some of the rule is not served as written. */
  problems: string[];
  /**
   * HTTPRoute timeouts: the pods must answer within the shorter of `request`
   * and `backendRequest` (HAProxy's server timeout; 0 disables a timeout).
   */
  timeoutMs?: number;
}

export type AnyRoute = ({ kind: 'HTTPRoute' } & HTTPRoute) | ({ kind: 'GRPCRoute' } & GRPCRoute);

const read = new WeakMap<object, ReadRule[]>();

export function rulesOfRoute(route: AnyRoute): ReadRule[] {
  let rules = read.get(route);
  if (!rules) {
    rules = route.kind === 'HTTPRoute' ? httpRules(route) : grpcRules(route);
    read.set(route, rules);
  }
  return rules;
}

function httpRules(route: HTTPRoute): ReadRule[] {
  return route.spec.rules.map((rule, index) => {
    const prefix =
      rule.matches.length === 1 && rule.matches[0]?.path.type === 'PathPrefix'
        ? rule.matches[0].path.value
        : undefined;
    const read = readRule(
      index,
      rule.name,
      rule.matches.map(httpMatch),
      rule.filters,
      rule.backendRefs,
      prefix,
    );
    const timeouts = [rule.timeouts?.request, rule.timeouts?.backendRequest]
      .filter((t): t is string => t !== undefined)
      .map(durationMs)
      .filter((ms) => ms > 0);
    return timeouts.length > 0 ? { ...read, timeoutMs: Math.min(...timeouts) } : read;
  });
}

function grpcRules(route: GRPCRoute): ReadRule[] {
  // A GRPCRoute without rules, or a rule without matches, takes every request.
  const rules =
    route.spec.rules.length > 0 ? route.spec.rules : [{ matches: [], filters: [], backendRefs: [] }];
  return rules.map((rule, index) =>
    readRule(
      index,
      'name' in rule ? rule.name : undefined,
      (rule.matches.length > 0 ? rule.matches : [undefined]).map(grpcMatch),
      rule.filters,
      rule.backendRefs,
      undefined,
    ),
  );
}

function readRule(
  index: number,
  name: string | undefined,
  results: ReturnType<typeof httpMatch>[],
  filters: readonly (HTTPRouteFilter | GRPCRouteFilter)[],
  backendRefs: readonly (RefInput & { filters: readonly (HTTPRouteFilter | GRPCRouteFilter)[] })[],
  prefix: string | undefined,
): ReadRule {
  const label = name ? `rule ${name}` : `rule ${index}`;
  const problems: string[] = [];
  const matches: TypedMatch[] = [];
  for (const result of results) {
    if ('invalid' in result) problems.push(`${label}: a match is not served: ${result.invalid}`);
    else matches.push(result);
  }
  const ruleFilters = filterPolicy(filters, prefix);
  let action: ReadRule['action'];
  if ('problem' in ruleFilters) {
    problems.push(`${label}: ${ruleFilters.problem}; its requests get 500`);
    action = { kind: 'error', message: ruleFilters.problem };
  } else if (backendRefs.length === 0) {
    action = ruleFilters.policy.redirect
      ? { kind: 'policy', policy: ruleFilters.policy }
      : { kind: 'error', message: 'the rule has no backendRefs' };
  } else {
    action = {
      kind: 'backends',
      refs: backendRefs.map((ref) => {
        const { filters: refFilters, ...input } = ref;
        const policy = filterPolicy([...filters, ...refFilters], prefix);
        if ('problem' in policy) problems.push(`${label}: ${policy.problem}; its share of requests gets 500`);
        return { ...input, policy: 'problem' in policy ? policy : policy.policy };
      }),
    };
  }
  return { index, label, matches, action, problems };
}
