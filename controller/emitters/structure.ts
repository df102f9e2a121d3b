/**
 * What needs a reload and what does not. The structure of the desired state
 * is everything except what the Runtime API changes: which pods sit behind
 * each backend, which certificates are served by SNI, and the routing (one
 * map, committed atomically). Which Secret is the default certificate stays
 * structure (the bind line names it), and so does whether ssl-passthrough is
 * on (it puts a TCP frontend in front of the HTTPS one). Of the routing,
 * which map each frontend looks up, the Gateway wildcard lookups and the
 * conditions of rule groups are haproxy.cfg (route-map.ts); Gateway API
 * status is no part of what HAProxy runs.
 */
import { createHash } from 'node:crypto';
import type { Backend, DesiredState } from '../model/types.ts';
import { planRoutes } from './config/route-map.ts';

/**
 * Planned once per routing object: the model hands back unchanged routing as the same object,
 * and planRoutes plans a change confined to a few plain vhosts from its last plan.
 */
const routingStructures = new WeakMap<DesiredState['routing'], { ports: string; structure: unknown }>();

/** What haproxy.cfg holds of the routing: each frontend's map, wildcard lookups and rule conditions. */
function routingStructure(state: DesiredState) {
  const listenerPorts = (state.listeners ?? []).map((l) => l.port);
  const ports = listenerPorts.join(',');
  const cached = routingStructures.get(state.routing);
  if (cached && cached.ports === ports) return cached.structure;
  const plan = planRoutes(state.routing, listenerPorts);
  const structure = plan.frontends.map(({ port, map, suffixDepths, groups }) => ({
    port,
    map,
    suffixDepths,
    groups,
  }));
  routingStructures.set(state.routing, { ports, structure });
  return structure;
}

/**
 * The model hands back unchanged backends as the same objects: each is serialised once, and
 * only its digest is kept (10,000 backends' serialisations would hold megabytes).
 */
const backendStructures = new WeakMap<Backend, string>();

const digest = (text: string): string => createHash('sha256').update(text).digest('base64');

function backendStructure(backend: Backend): string {
  let structure = backendStructures.get(backend);
  if (structure === undefined) {
    const { endpoints: _endpoints, ...rest } = backend;
    structure = digest(JSON.stringify(rest));
    backendStructures.set(backend, structure);
  }
  return structure;
}

let lastStructure:
  | { head: string; backends: readonly Backend[]; parts: readonly string[]; digest: string }
  | undefined;

/**
 * Each backend's digest, the last call's where the backend is the same object at the same
 * place; undefined when they are all the last call's (the common runtime pass).
 */
function backendParts(backends: readonly Backend[]): string[] | undefined {
  const last = lastStructure;
  if (!last || last.backends.length !== backends.length) return backends.map(backendStructure);
  let parts: string[] | undefined;
  for (let i = 0; i < backends.length; i++) {
    const backend = backends[i] as Backend;
    if (backend === last.backends[i]) continue;
    const part = backendStructure(backend);
    if (part === last.parts[i]) continue;
    parts ??= [...last.parts];
    parts[i] = part;
  }
  return parts;
}

/** A digest of everything in the state that haproxy.cfg holds: equal digests, no reload. */
export function structureOf(state: DesiredState): string {
  const {
    problems: _problems,
    gatewayStatus: _status,
    backends,
    tls,
    routing,
    patternFiles,
    ...rest
  } = state;
  const { certificates: _certificates, defaultCertificate, ...tlsRest } = tls;
  const head = JSON.stringify({
    ...rest,
    // Which pattern files haproxy.cfg loads; their patterns change at run time.
    patternFiles: patternFiles?.map((f) => f.name),
    routing: routingStructure(state),
    passthrough: routing.passthrough.length > 0,
    tls: { ...tlsRest, defaultCertificate: defaultCertificate?.file },
  });
  // A runtime pass changes a few backends' endpoints, which are not structure: when every
  // backend's digest is the one of the last call, so is the whole.
  const parts = backendParts(backends);
  const last = lastStructure;
  if (last && !parts && last.head === head) {
    lastStructure = { ...last, backends };
    return last.digest;
  }
  const all = parts ?? (last?.parts as readonly string[]);
  lastStructure = { head, backends, parts: all, digest: digest(`${head}\n${all.join('\n')}`) };
  return lastStructure.digest;
}

/** A short, human reason for a reload, naming the first parts that changed. */
export function describeChange(before: DesiredState | undefined, after: DesiredState): string {
  if (!before) return 'initial config';
  const reasons: string[] = [];
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  if (!same(before.global, after.global) || !same(before.defaults, after.defaults))
    reasons.push('global settings');
  if (before.routing.passthrough.length > 0 !== after.routing.passthrough.length > 0)
    reasons.push('ssl-passthrough switched');
  if (!same(before.listeners, after.listeners)) reasons.push('Gateway listener ports');
  if (!same(routingStructure(before), routingStructure(after))) reasons.push('routing rules');
  const { certificates: _b, defaultCertificate: beforeDefault, ...beforeTls } = before.tls;
  const { certificates: _a, defaultCertificate: afterDefault, ...afterTls } = after.tls;
  if (beforeDefault?.file !== afterDefault?.file) reasons.push('default certificate');
  if (!same(beforeTls, afterTls)) reasons.push('TLS settings');
  const beforeByName = new Map(before.backends.map((b) => [b.name, b]));
  const afterNames = new Set(after.backends.map((b) => b.name));
  const added = after.backends.filter((b) => !beforeByName.has(b.name)).map((b) => b.name);
  const removed = before.backends.filter((b) => !afterNames.has(b.name)).map((b) => b.name);
  const list = (names: string[]) => `${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''}`;
  if (added.length) reasons.push(`backends added (${list(added)})`);
  if (removed.length) reasons.push(`backends removed (${list(removed)})`);
  const settings = after.backends
    .filter((b) => {
      const old = beforeByName.get(b.name);
      return old && !same({ ...old, endpoints: [] }, { ...b, endpoints: [] });
    })
    .map((b) => b.name);
  if (settings.length) reasons.push(`backend settings (${list(settings)})`);
  return reasons.join(', ') || 'config';
}
