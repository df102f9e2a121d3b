/**
 * A route-only change costs what it touches. When the only input that
 * changed since the last pass is the rules of a few Ingresses, the routes of
 * the vhosts those Ingresses read depend only on the Ingresses that read
 * those vhosts (RouteTable.noteReader): that closed set, the neighbourhood,
 * is built by the same build steps over just its Ingresses, once as it was
 * and once as it is, and its vhosts are spliced into the last pass's routing.
 *
 * The splice is taken only when it provably gives what a full pass gives:
 *  - nothing but Ingresses changed, each in place with the same creation
 *    time, annotations, class and TLS (no Gateway API objects at all);
 *  - the neighbourhood has no catch-all, canary, alias or www-redirect
 *    Ingress, and every one of them is of our class;
 *  - built as it was, the neighbourhood gives exactly the last pass's
 *    routes and vhosts for its vhosts (the check that locality holds);
 *  - as it was and as it is, it gives the same TLS, passthrough, splits,
 *    pattern files and problems about anything but its Ingresses: only
 *    routes, vhosts and its Ingresses' own problems differ (and the last
 *    pass holds exactly the problems it found about them as it was);
 *  - every backend it now uses is one the last pass served, the same in all
 *    but endpoints and not one of several variants of a Service port; every
 *    backend it stopped using is still used by an Ingress outside it.
 * Anything else is a full pass. model/route-delta.test.ts compares the two
 * on random clusters.
 */

import { type Problem, refLabel } from '../store/problems.ts';
import type { Ingress } from '../store/schemas.ts';
import { nsName, type Snapshot } from '../store/store.ts';
import { rulesOf } from './ingress-rules.ts';
import { ingressRouteSettings } from './ingress-settings.ts';
import { ModelMemo } from './memo.ts';
import { sameRoute } from './routes.ts';
import { backendNamed, vhostRange } from './sorted.ts';
import type { ModelBuilder, ModelOptions, RouteFacts } from './steps/builder.ts';
import { runBuildSteps } from './steps/index.ts';
import type { Backend, DesiredState, Route, Routing } from './types.ts';

/** More changed Ingresses than this in one pass: a full pass is cheaper than proving locality. */
const MAX_CHANGED = 16;
/** More Ingresses sharing the touched vhosts than this: a full pass. */
const MAX_NEIGHBOURHOOD = 64;

/** What a route-only change needs of the last pass. */
export interface RoutedPass {
  state: DesiredState;
  /** The problems the pass found itself (not the snapshot's). */
  own: readonly Problem[];
  ingresses: readonly Ingress[];
  facts: RouteFacts;
}

export interface RouteChange {
  routing: Routing;
  /** The pass's own problems, the neighbourhood's as they are now. */
  own: readonly Problem[];
  facts: RouteFacts;
}

type Built = Pick<ModelBuilder, 'classes' | 'routes' | 'backends' | 'tls' | 'policies' | 'problems'>;

const keyOf = (ingress: Ingress): string => nsName(ingress.metadata.namespace, ingress.metadata.name);
const json = (value: unknown): string => JSON.stringify(value) ?? '';

/**
 * The routing and facts of `snapshot` when it differs from the pass's only in
 * the rules of a few Ingresses (see above); undefined: take a full pass.
 */
export function routeOnlyChange(
  pass: RoutedPass,
  snapshot: Snapshot,
  options: ModelOptions,
): RouteChange | undefined {
  if (snapshot.gateways.size > 0 || snapshot.httpRoutes.length > 0 || snapshot.grpcRoutes.length > 0)
    return undefined;
  const changed = changedInPlace(pass.ingresses, snapshot.ingresses);
  if (!changed) return undefined;
  for (const [before, after] of changed.values()) if (!sameShell(before, after)) return undefined;

  // The neighbourhood: the changed Ingresses, and every Ingress that reads a vhost one of them reads.
  const versions = (members: ReadonlySet<string>, at: 'before' | 'after'): Ingress[] =>
    [...members].map((key) => {
      const pair = changed.get(key);
      return pair ? pair[at === 'before' ? 0 : 1] : (byKey(pass).get(key) as Ingress);
    });
  const members = new Set(changed.keys());
  let before: Built;
  let after: Built;
  let vhosts: Set<string>;
  for (;;) {
    if (members.size > MAX_NEIGHBOURHOOD) return undefined;
    before = buildOf(snapshot, options, versions(members, 'before'));
    after = buildOf(snapshot, options, versions(members, 'after'));
    vhosts = new Set([...before.routes.facts.readers.keys(), ...after.routes.facts.readers.keys()]);
    const size = members.size;
    for (const vhost of vhosts) for (const reader of pass.facts.readers.get(vhost) ?? []) members.add(reader);
    if (members.size === size) break;
  }

  if (!plainNeighbourhood(before, members, options) || !plainNeighbourhood(after, members, options))
    return undefined;
  if (!sameApartFromRoutes(before, after)) return undefined;
  const own = ownProblems(pass.own, before.problems, after.problems, members);
  if (!own) return undefined;
  const last = pass.state.routing;
  if (!sameRoutes(routesIn(last, vhosts), before.policies.routing, vhosts)) return undefined;
  if (!backendsKept(pass, before, after, members)) return undefined;

  const next = after.policies.routing;
  const routing: Routing = {
    ...last,
    routes: splice(last.routes, next.routes, vhosts, routeVhost),
    vhosts: splice(last.vhosts, next.vhosts, vhosts, vhostName),
  };
  return { routing, own, facts: nextFacts(pass.facts, before, after, members, vhosts) };
}

/** The changed Ingresses by key, when each was replaced where it was and there are few. */
function changedInPlace(
  last: readonly Ingress[],
  next: readonly Ingress[],
): Map<string, [before: Ingress, after: Ingress]> | undefined {
  if (last === next || last.length !== next.length) return undefined;
  const changed = new Map<string, [Ingress, Ingress]>();
  for (let i = 0; i < next.length; i++) {
    const before = last[i] as Ingress;
    const after = next[i] as Ingress;
    if (before === after) continue;
    const key = keyOf(after);
    if (keyOf(before) !== key || changed.size === MAX_CHANGED) return undefined;
    changed.set(key, [before, after]);
  }
  return changed.size > 0 ? changed : undefined;
}

/** Everything of an Ingress but its rules and default backend. */
function sameShell(before: Ingress, after: Ingress): boolean {
  return (
    before.metadata.creationTimestamp?.getTime() === after.metadata.creationTimestamp?.getTime() &&
    before.spec.ingressClassName === after.spec.ingressClassName &&
    json(before.metadata.annotations) === json(after.metadata.annotations) &&
    json(before.spec.tls) === json(after.spec.tls)
  );
}

const keys = new WeakMap<RoutedPass, Map<string, Ingress>>();

/** The pass's Ingresses by `namespace/name`, indexed once per pass. */
function byKey(pass: RoutedPass): Map<string, Ingress> {
  let index = keys.get(pass);
  if (!index) {
    index = new Map(pass.ingresses.map((ingress) => [keyOf(ingress), ingress]));
    keys.set(pass, index);
  }
  return index;
}

/** The build steps up to the snippets over just `ingresses`, with a memo of their own. */
function buildOf(snapshot: Snapshot, options: ModelOptions, ingresses: Ingress[]): Built {
  return runBuildSteps(
    { snapshot: { ...snapshot, ingresses }, options, memo: new ModelMemo(), problems: [] },
    'snippets',
  );
}

/** Every member is ours, and none shapes routes beyond the vhosts it reads. */
function plainNeighbourhood(built: Built, members: ReadonlySet<string>, options: ModelOptions): boolean {
  if (built.classes.ingresses.length !== members.size) return false;
  return built.classes.ingresses.every((ingress) => {
    const rules = rulesOf(ingress);
    if (rules.vhosts.length === 0 && ingress.spec.defaultBackend) return false;
    const { settings } = ingressRouteSettings(ingress, built.classes.configLayer, options, []);
    return !settings.canary && !settings.wwwRedirect && (settings.serverAlias ?? []).length === 0;
  });
}

/** Built as it was and as it is, the neighbourhood differs in its routes, vhosts and own problems alone. */
function sameApartFromRoutes(before: Built, after: Built): boolean {
  return (
    json(before.tls) === json(after.tls) &&
    json(before.policies.routing.passthrough) === json(after.policies.routing.passthrough) &&
    json(before.policies.routing.splits) === json(after.policies.routing.splits) &&
    json(before.policies.patternFiles) === json(after.policies.patternFiles)
  );
}

const problemKey = (p: Problem): string => json([refLabel(p.ref), p.field, p.reason, p.message, p.severity]);
const sameProblems = (a: readonly Problem[], b: readonly Problem[]): boolean =>
  a.length === b.length && a.map(problemKey).sort().join('\n') === b.map(problemKey).sort().join('\n');

/**
 * The pass's own problems with the neighbourhood's Ingresses' as they are now: when its
 * problems about anything else are the same as and as it was, and the pass holds exactly
 * the ones the neighbourhood found about its Ingresses as it was.
 */
function ownProblems(
  own: readonly Problem[],
  before: readonly Problem[],
  after: readonly Problem[],
  members: ReadonlySet<string>,
): Problem[] | undefined {
  const ofMember = (p: Problem) =>
    'kind' in p.ref && p.ref.kind === 'Ingress' && members.has(nsName(p.ref.namespace, p.ref.name));
  const others = (problems: readonly Problem[]) => problems.filter((p) => !ofMember(p));
  if (!sameProblems(others(before), others(after))) return undefined;
  const kept = others(own);
  if (!sameProblems(own.filter(ofMember), before.filter(ofMember))) return undefined;
  return [...kept, ...after.filter(ofMember)];
}

const routeVhost = (route: Route): string => route.vhost;
const vhostName = (vhost: Routing['vhosts'][number]): string => vhost.name;

/** The items of `vhosts`, in order. */
function itemsOf<T>(items: readonly T[], vhosts: ReadonlySet<string>, vhostOf: (item: T) => string): T[] {
  return [...vhosts].sort().flatMap((vhost) => items.slice(...vhostRange(items, vhost, vhostOf)));
}

/** The routes and vhosts of `routing` whose vhost is one of `vhosts`. */
function routesIn(routing: Routing, vhosts: ReadonlySet<string>): Pick<Routing, 'routes' | 'vhosts'> {
  return {
    routes: itemsOf(routing.routes, vhosts, routeVhost),
    vhosts: itemsOf(routing.vhosts, vhosts, vhostName),
  };
}

/** `last` holds exactly what `built` holds for `vhosts`. */
function sameRoutes(
  last: Pick<Routing, 'routes' | 'vhosts'>,
  built: Routing,
  vhosts: ReadonlySet<string>,
): boolean {
  const ours = routesIn(built, vhosts);
  return (
    ours.routes.length === built.routes.length &&
    ours.vhosts.length === built.vhosts.length &&
    last.routes.length === ours.routes.length &&
    last.routes.every((route, i) => sameRoute(route, ours.routes[i] as Route)) &&
    json(last.vhosts) === json(ours.vhosts)
  );
}

const withoutEndpoints = (backend: Backend): string => json({ ...backend, endpoints: undefined });

/**
 * Every backend the neighbourhood now uses is served already, the same but for its
 * endpoints and named the same by a full pass; every one it stopped using stays used.
 */
function backendsKept(pass: RoutedPass, before: Built, after: Built, members: ReadonlySet<string>): boolean {
  const { variantNames } = pass.facts;
  if (after.routes.facts.variantNames.size > 0 || before.routes.facts.variantNames.size > 0) return false;
  const now = new Set<string>();
  for (const backend of after.backends.list) {
    const last = backendNamed(pass.state.backends, backend.name);
    if (!last || variantNames.has(backend.name) || withoutEndpoints(last) !== withoutEndpoints(backend))
      return false;
    now.add(backend.name);
  }
  for (const backend of before.backends.list) {
    // Dropping one of several variants can rename the others (the first gets the plain name).
    if (variantNames.has(backend.name)) return false;
    if (now.has(backend.name)) continue;
    const users = pass.facts.users.get(backend.name) ?? new Set<string>();
    if (![...users].some((user) => !members.has(user))) return false;
  }
  return true;
}

/** `last` with the items of `vhosts` replaced by `next`'s (all of `vhosts`, sorted by vhost). */
function splice<T>(
  last: readonly T[],
  next: readonly T[],
  vhosts: ReadonlySet<string>,
  vhostOf: (item: T) => string,
): T[] {
  const parts: (readonly T[])[] = [];
  let from = 0;
  for (const vhost of [...vhosts].sort()) {
    const [start, end] = vhostRange(last, vhost, vhostOf);
    parts.push(last.slice(from, start), next.slice(...vhostRange(next, vhost, vhostOf)));
    from = end;
  }
  parts.push(last.slice(from));
  return parts.flat();
}

/** The facts of the last pass with the neighbourhood's readers and users as they are now. */
function nextFacts(
  facts: RouteFacts,
  before: Built,
  after: Built,
  members: ReadonlySet<string>,
  vhosts: ReadonlySet<string>,
): RouteFacts {
  const renew = (map: Map<string, Set<string>>, names: Iterable<string>, now: Map<string, Set<string>>) => {
    for (const name of names) {
      const kept = [...(map.get(name) ?? [])].filter((key) => !members.has(key));
      const all = new Set([...kept, ...(now.get(name) ?? [])]);
      if (all.size > 0) map.set(name, all);
      else map.delete(name);
    }
  };
  renew(facts.readers, vhosts, after.routes.facts.readers);
  renew(
    facts.users,
    new Set([...before.routes.facts.users.keys(), ...after.routes.facts.users.keys()]),
    after.routes.facts.users,
  );
  return facts;
}
