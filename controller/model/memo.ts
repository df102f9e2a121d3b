/**
 * What the model remembers between passes, so that a pass costs what changed.
 * The store hands out the same object for as long as it is unchanged, so a
 * result computed from some objects is reused while each of them is still
 * the same object. buildModel returns equal states with or without a memo:
 * the memo only saves work, and hands back the previous object where nothing
 * in it changed (which lets the emitters skip unchanged backends and maps).
 */
import type { Problem } from '../store/problems.ts';
import type { EndpointSlice, Secret, ServicePort } from '../store/schemas.ts';
import type { Snapshot } from '../store/store.ts';
import { endpointsFor } from './endpoints.ts';
import type { BackendPolicy } from './policy.ts';
import { type RoutedPass, routeOnlyChange } from './route-delta.ts';
import type { ModelOptions } from './steps/builder.ts';
import type { TlsFile } from './tls.ts';
import type {
  Backend,
  BackendMode,
  BackendSettings,
  DesiredState,
  Endpoint,
  Routing,
  Snippet,
} from './types.ts';

/** Settings and policy resolved for one (Service, referrer, ConfigMap, TLS) combination. */
export interface Resolution {
  /** The objects read, by identity: the Service, the referrer, the ConfigMap. */
  inputs: readonly unknown[];
  /** Secrets read (auth), by key, with what was found. */
  secrets: readonly (readonly [key: string, secret: Secret | undefined])[];
  mode: BackendMode;
  settings: BackendSettings;
  policy: BackendPolicy;
  /** Digest of mode, settings and policy (`identityOf`): which backends are variants of each other. */
  identity: string;
  problems: readonly Problem[];
  /** Server TLS files (CA bundles, client certificates) the settings name. */
  files: readonly TlsFile[];
  snippet: Snippet | undefined;
}

/** The Service port a backend's endpoints come from. */
export interface EndpointSource {
  port: ServicePort;
  serviceKey: string;
}

const sameItems = (a: readonly unknown[], b: readonly unknown[]): boolean =>
  a.length === b.length && a.every((item, i) => item === b[i]);

/** A full pass, brought forward by route-only and endpoint changes. */
export interface RememberedPass extends RoutedPass {
  /** The snapshot's collections it read, all but the EndpointSlices (build.ts). */
  inputs: readonly unknown[];
  /** The EndpointSlices by Service the state's endpoints come from. */
  slices: ReadonlyMap<string, readonly EndpointSlice[]>;
  /** Where each backend takes its endpoints from. */
  sources: ReadonlyMap<string, EndpointSource | undefined>;
  /** serviceKey → indexes of the state's backends that take its endpoints; undefined: some backend follows none. */
  followers: ReadonlyMap<string, readonly number[]> | undefined;
}

export class ModelMemo {
  /** Keyed by `base\0referrer\0tls`. */
  readonly #resolutions = new Map<string, Resolution>();
  readonly #endpoints = new WeakMap<
    ServicePort,
    { slices: readonly EndpointSlice[]; endpoints: Endpoint[] }
  >();
  #backends = new Map<string, Backend>();
  #routing: Routing | undefined;
  /** Where each backend of the pass being built takes its endpoints from. */
  #sources = new Map<string, EndpointSource | undefined>();
  /**
   * The last pass, reused while none of its inputs but the EndpointSlices changed, and
   * brought forward when only the rules of a few Ingresses did (route-delta.ts).
   */
  #pass: RememberedPass | undefined;
  /** Keys resolved in the current pass; the others are dropped at its end. */
  #usedResolutions = new Set<string>();

  resolution(
    key: string,
    inputs: readonly unknown[],
    secretOf: (key: string) => Secret | undefined,
    compute: () => Resolution,
  ): Resolution {
    this.#usedResolutions.add(key);
    const previous = this.#resolutions.get(key);
    if (
      previous &&
      sameItems(previous.inputs, inputs) &&
      previous.secrets.every(([name, secret]) => secretOf(name) === secret)
    )
      return previous;
    const fresh = compute();
    this.#resolutions.set(key, fresh);
    return fresh;
  }

  endpoints(port: ServicePort, slices: readonly EndpointSlice[], compute: () => Endpoint[]): Endpoint[] {
    const previous = this.#endpoints.get(port);
    if (previous && sameItems(previous.slices, slices)) return previous.endpoints;
    const endpoints = compute();
    this.#endpoints.set(port, { slices: [...slices], endpoints });
    return endpoints;
  }

  /** The previous pass's backend when nothing in it changed, else `next`. */
  backend(next: Backend): Backend {
    const previous = this.#backends.get(next.name);
    return previous &&
      previous.settings === next.settings &&
      previous.policy === next.policy &&
      previous.endpoints === next.endpoints &&
      previous.service.namespace === next.service.namespace &&
      previous.service.name === next.service.name &&
      previous.snippet === next.snippet &&
      sameSizing(previous.servers, next.servers)
      ? previous
      : next;
  }

  /** The previous routing when it is equal to `next`. */
  routing(next: Routing): Routing {
    const previous = this.#routing;
    if (previous && sameRouting(previous, next)) return previous;
    this.#routing = next;
    return next;
  }

  /** Backend `name` takes the endpoints of `port` of the Service `serviceKey` (none: no endpoints). */
  endpointSource(name: string, source: EndpointSource | undefined): void {
    this.#sources.set(name, source);
  }

  /** Remembers a full pass, with where its backends' endpoints came from. */
  rememberPass(pass: Omit<RememberedPass, 'sources' | 'followers'>): void {
    this.#pass = {
      ...pass,
      sources: this.#sources,
      followers: followersOf(pass.state.backends, this.#sources),
    };
    this.#sources = new Map();
  }

  /**
   * Brings the last pass forward to `inputs` when they differ from its own only in the
   * rules of a few Ingresses (route-delta.ts): reusePass then takes it as it takes an
   * endpoint change. True when it did.
   */
  followRoutes(inputs: readonly unknown[], snapshot: Snapshot, options: ModelOptions): boolean {
    const pass = this.#pass;
    if (!pass || pass.ingresses === snapshot.ingresses) return false;
    // Every input but the Ingresses is the one the pass read.
    if (!pass.inputs.every((input, i) => input === inputs[i] || input === pass.ingresses)) return false;
    const change = routeOnlyChange(pass, snapshot, options);
    if (!change) return false;
    const routing = this.routing(change.routing);
    // The same backends in the same order: the same followers.
    this.#pass = {
      ...pass,
      inputs,
      ingresses: snapshot.ingresses,
      state: { ...pass.state, routing },
      own: change.own,
      facts: change.facts,
    };
    return true;
  }

  /**
   * The last pass with fresh endpoints, when only EndpointSlices changed since:
   * an endpoint change costs the backends of the Services whose slices changed.
   */
  reusePass(
    inputs: readonly unknown[],
    { endpointSlices: slices, endpointSliceChanges: delta }: Snapshot,
  ): { state: DesiredState; own: readonly Problem[] } | undefined {
    const pass = this.#pass;
    if (!pass || !sameItems(pass.inputs, inputs)) return undefined;
    const { followers } = pass;
    // A backend built elsewhere (not from one Service port) may follow slices some other way.
    if (!followers) return undefined;
    let backends = pass.state.backends;
    if (slices !== pass.slices) {
      // The store says which lists changed since the slices this pass read; else compare them all.
      let changed: Iterable<string>;
      if (delta?.from === pass.slices) changed = delta.services;
      else {
        const differ: string[] = [];
        for (const [key, list] of slices) if (pass.slices.get(key) !== list) differ.push(key);
        for (const key of pass.slices.keys()) if (!slices.has(key)) differ.push(key);
        changed = differ;
      }
      for (const key of changed)
        for (const i of followers.get(key) ?? []) {
          const backend = backends[i] as Backend;
          const source = pass.sources.get(backend.name) as EndpointSource;
          const list = slices.get(key) ?? [];
          const endpoints = this.endpoints(source.port, list, () => endpointsFor(source.port, list));
          if (endpoints === backend.endpoints) continue;
          if (backends === pass.state.backends) backends = [...backends];
          const next = { ...backend, endpoints };
          backends[i] = next;
          // The same backends by name as the pass reused: only the changed ones are replaced.
          this.#backends.set(next.name, next);
        }
    }
    const state = backends === pass.state.backends ? pass.state : { ...pass.state, backends };
    this.#pass = { ...pass, state, slices };
    return { state, own: pass.own };
  }

  /** Ends a pass: remembers its backends and forgets resolutions nothing used. */
  settle(backends: readonly Backend[]): void {
    this.#backends = new Map(backends.map((b) => [b.name, b]));
    for (const key of this.#resolutions.keys())
      if (!this.#usedResolutions.has(key)) this.#resolutions.delete(key);
    this.#usedResolutions = new Set();
  }
}

/** Which backends take the endpoints of each Service port; undefined when one follows none. */
function followersOf(
  backends: readonly Backend[],
  sources: ReadonlyMap<string, EndpointSource | undefined>,
): ReadonlyMap<string, readonly number[]> | undefined {
  const followers = new Map<string, number[]>();
  for (const [i, backend] of backends.entries()) {
    if (!sources.has(backend.name)) return undefined;
    const source = sources.get(backend.name);
    if (!source) continue;
    const list = followers.get(source.serviceKey);
    if (list) list.push(i);
    else followers.set(source.serviceKey, [i]);
  }
  return followers;
}

const sameSizing = (a: Backend['servers'], b: Backend['servers']): boolean =>
  a.kind === 'pods'
    ? b.kind === 'pods'
    : b.kind === 'increment' && a.step === b.step && a.addAtRunTime === b.addAtRunTime;

function sameRouting(a: Routing, b: Routing): boolean {
  if (a.defaultBackend !== b.defaultBackend) return false;
  if (a.routes.length !== b.routes.length || a.vhosts.length !== b.vhosts.length) return false;
  if (a.passthrough.length !== b.passthrough.length) return false;
  for (let i = 0; i < a.routes.length; i++) {
    const x = a.routes[i] as Routing['routes'][number];
    const y = b.routes[i] as Routing['routes'][number];
    if (x.vhost !== y.vhost || x.path !== y.path || x.match !== y.match || x.backend !== y.backend)
      return false;
    // Gateway API routes: conditions and ports are few, and absent on Ingress routes.
    if (
      (x.conditions || y.conditions || x.ports || y.ports) &&
      !sameJson([x.conditions, x.ports], [y.conditions, y.ports])
    )
      return false;
  }
  if ((a.splits || b.splits) && !sameJson(a.splits, b.splits)) return false;
  for (let i = 0; i < a.vhosts.length; i++) {
    const x = a.vhosts[i] as Routing['vhosts'][number];
    const y = b.vhosts[i] as Routing['vhosts'][number];
    if (x.name !== y.name || x.fallback !== y.fallback) return false;
    if ((x.ports || y.ports) && !sameJson(x.ports, y.ports)) return false;
  }
  return a.passthrough.every(
    ([sni, backend], i) => b.passthrough[i]?.[0] === sni && b.passthrough[i]?.[1] === backend,
  );
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
