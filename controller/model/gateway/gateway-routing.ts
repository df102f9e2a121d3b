/**
 * Gateway API candidates into the shared routing: each share of a rule
 * becomes a backend (a variant of the Service port with the filters' policy,
 * a backend that only redirects, or the built-in 500), a rule with several
 * shares becomes a weighted split, and every match joins the route table
 * with the Ingress paths, in one age order with them.
 */
import { createHash } from 'node:crypto';
import { type ObjectRef, objectRef } from '../../store/problems.ts';
import type { Ingress } from '../../store/schemas.ts';
import type { BackendCatalog, BackendExtra } from '../backends.ts';
import type { BackendPolicy } from '../policy.ts';
import type { RouteTable } from '../routes.ts';
import { type Backend, type BackendSettings, BUILTIN_ERROR_BACKEND, type Split } from '../types.ts';
import type { FilterPolicy } from './filters.ts';
import type { GatewayApiModel, RouteOwner, Share, ShareTarget } from './gateway-api.ts';
import { SUFFIX_WILDCARD } from './hostnames.ts';

/** Kinds in the order that breaks ties between objects of the same age. */
const KIND_ORDER: Record<string, number> = { Ingress: 0, HTTPRoute: 1, GRPCRoute: 2 };

interface Aged {
  kind: string;
  namespace: string;
  name: string;
  created: number;
}

const ownerKey = (o: Pick<Aged, 'kind' | 'namespace' | 'name'>) => `${o.kind} ${o.namespace}/${o.name}`;

/**
 * One age order for Ingresses and routes: oldest first, then Ingress before
 * HTTPRoute before GRPCRoute, then namespace/name (the order byAge gives
 * Ingresses). The rank of an object leaves room below it for its rules and matches.
 */
export function ageRanks(ingresses: readonly Ingress[], routes: readonly RouteOwner[]) {
  // `ingresses` come in age order already: without routes, their position is their rank.
  if (routes.length === 0) {
    const positions = new Map<Ingress, number>();
    for (const [i, ingress] of ingresses.entries()) positions.set(ingress, i * 4096);
    return {
      ingress: (i: Ingress) => positions.get(i) ?? 0,
      route: (_o: RouteOwner, rule: number, match: number) => rule * 128 + match,
    };
  }
  const all: Aged[] = [
    ...ingresses.map((i) => ({
      kind: 'Ingress',
      namespace: i.metadata.namespace,
      name: i.metadata.name,
      created: i.metadata.creationTimestamp?.getTime() ?? Number.MAX_SAFE_INTEGER,
    })),
    ...routes,
  ];
  all.sort(
    (a, b) =>
      a.created - b.created ||
      (KIND_ORDER[a.kind] ?? 9) - (KIND_ORDER[b.kind] ?? 9) ||
      (`${a.namespace}/${a.name}` < `${b.namespace}/${b.name}` ? -1 : 1),
  );
  const ranks = new Map(all.map((o, i) => [ownerKey(o), i * 4096]));
  return {
    ingress: (i: Ingress) => ranks.get(ownerKey({ kind: 'Ingress', ...i.metadata })) ?? 0,
    route: (o: RouteOwner, rule: number, match: number) => (ranks.get(ownerKey(o)) ?? 0) + rule * 128 + match,
  };
}

/** The parts of a backend's request policy that a rule's filters ask for. */
function policyOf(filters: FilterPolicy): Partial<BackendPolicy> {
  const policy: Partial<BackendPolicy> = {};
  if (filters.requestHeaders) policy.requestHeaderEdits = filters.requestHeaders;
  if (filters.responseHeaders) policy.responseHeaderEdits = filters.responseHeaders;
  if (filters.redirect) policy.redirect = filters.redirect;
  if (filters.setHost) policy.setHost = filters.setHost;
  if (filters.pathReplace) policy.pathReplace = filters.pathReplace;
  return policy;
}

const digest = (text: string): string => createHash('sha256').update(text).digest('hex');

export interface GatewayRoutingInput {
  model: GatewayApiModel;
  table: RouteTable;
  backends: BackendCatalog;
  ranks: ReturnType<typeof ageRanks>;
  /** Vhosts Ingress rules name: an Ingress one-label wildcard also takes the Gateway routes of the same suffix. */
  ingressHosts: ReadonlySet<string>;
  /** Settings of a backend without Service (the ConfigMap's, else the defaults). */
  settings: BackendSettings;
}

export function addGatewayRoutes(input: GatewayRoutingInput): { splits: Split[]; backends: Backend[] } {
  const { model, table, backends, ranks } = input;
  const owners = new Map<string, ObjectRef>();
  const ownerRef = (o: RouteOwner) => {
    const key = ownerKey(o);
    let ref = owners.get(key);
    if (!ref) {
      ref = objectRef(o.kind, o);
      owners.set(key, ref);
    }
    return ref;
  };
  const local = new Map<string, Backend>();
  const targetName = (target: ShareTarget, owner: RouteOwner): string => {
    if (target === 'error') return BUILTIN_ERROR_BACKEND;
    const policy = policyOf(target.policy);
    if (!target.service) {
      const identity = JSON.stringify(policy);
      const name = `gateway_policy_${digest(identity).slice(0, 10)}`;
      if (!local.has(name))
        local.set(name, {
          name,
          service: ownerRef(owner),
          mode: 'http',
          settings: input.settings,
          policy,
          servers: { kind: 'pods' },
          endpoints: [],
        });
      return name;
    }
    const extra: BackendExtra = {
      key: JSON.stringify({ policy, h2c: target.h2c, timeoutMs: target.timeoutMs }),
      policy,
      // A route's requests are HTTP: its backends never pass TLS through.
      settings: {
        sslPassthrough: false,
        ...(target.h2c && { serverProto: 'h2' as const }),
        ...(target.timeoutMs !== undefined && { timeoutServer: `${target.timeoutMs}ms` }),
      },
    };
    return backends.use(target.service, undefined, ownerRef(owner), false, undefined, extra);
  };

  const splits = new Map<string, Split>();
  const splitIds = new Map<number, string>();
  const resolved = new Map<readonly Share[], string>();
  const destination = (shares: readonly Share[], owner: RouteOwner, rule: number): string => {
    const known = resolved.get(shares);
    if (known) return known;
    const named = shares.map((s) => ({ backend: targetName(s.target, owner), weight: s.weight }));
    let name: string;
    if (named.length === 0) name = BUILTIN_ERROR_BACKEND;
    else if (named.length === 1) name = (named[0] as { backend: string }).backend;
    else {
      // The id follows the rule, not its weights: changing weights changes only the splits map.
      const ruleKey = `${ownerKey(owner)}\u0000${rule}`;
      let id = Number.parseInt(digest(ruleKey).slice(0, 8), 16);
      while (splitIds.has(id) && splitIds.get(id) !== ruleKey) id = (id + 1) % 0x1_0000_0000;
      splitIds.set(id, ruleKey);
      name = `~${id}`;
      splits.set(name, { name, id, shares: named });
    }
    resolved.set(shares, name);
    return name;
  };

  for (const c of model.candidates) {
    const backend = destination(c.shares, c.owner, c.rule);
    const entry = {
      backend,
      rank: ranks.route(c.owner, c.rule, c.matchIndex),
      owner: ownerRef(c.owner),
      conditions: c.conditions,
      ports: c.ports,
    };
    table.add(c.vhost, c.path, c.match, entry);
    // An Ingress `*.suffix` vhost answers for one-label hosts first: it takes these routes too.
    if (c.vhost.startsWith(SUFFIX_WILDCARD)) {
      const oneLabel = `*.${c.vhost.slice(SUFFIX_WILDCARD.length)}`;
      if (input.ingressHosts.has(oneLabel)) table.add(oneLabel, c.path, c.match, entry);
    }
  }
  for (const { vhost, port } of model.hosts) table.addHost(vhost, [port]);
  return {
    splits: [...splits.values()].sort((a, b) => a.id - b.id),
    backends: [...local.values()].sort((a, b) => (a.name < b.name ? -1 : 1)),
  };
}
