/**
 * An Ingress's rules read once per Ingress object: its hosts, its paths with
 * the Service port each names, its defaultBackend, and the problems the
 * Ingress has on its own (paths that cannot work, annotations we do not
 * know). Nothing here depends on other objects, so the result is kept for as
 * long as the store holds the same Ingress object.
 */
import { type ObjectRef, objectRef, type Problem } from '../store/problems.ts';
import type { Ingress } from '../store/schemas.ts';
import { nsName } from '../store/store.ts';
import { backendName, type ServiceRef, serviceRefOf } from './backends.ts';
import { ANY_HOST, type PathMatch } from './types.ts';
import { reportUnknownAnnotations } from './unknown-keys.ts';

export interface IngressPath {
  vhost: string;
  /** As written; `/` when a path of type ImplementationSpecific has none. */
  path: string;
  /** In our dialect; the ingress-nginx dialect reads ImplementationSpecific otherwise (path-regex.ts). */
  match: PathMatch;
  pathType: 'Exact' | 'Prefix' | 'ImplementationSpecific';
  ref: ServiceRef;
  /** The path's host is listed in the Ingress's tls section (ssl-redirect by default). */
  tlsHost: boolean;
  /** Identifies the (Service port, Ingress, TLS) combination whose settings the backend takes. */
  resolutionKey: string;
}

export interface IngressRules {
  /** The Ingress, for problems. */
  ref: ObjectRef;
  defaultRef: ServiceRef | undefined;
  defaultResolutionKey: string;
  /** Every host a rule names (`*` for rules without host), in order. */
  vhosts: string[];
  paths: IngressPath[];
  problems: Problem[];
}

const read = new WeakMap<Ingress, IngressRules>();

export function rulesOf(ingress: Ingress): IngressRules {
  let rules = read.get(ingress);
  if (!rules) {
    rules = readRules(ingress);
    read.set(ingress, rules);
  }
  return rules;
}

const resolutionKey = (ref: ServiceRef, ingressKey: string, tlsHost: boolean): string =>
  `${backendName(ref)}\u0000${ingressKey}\u0000${tlsHost}`;

function readRules(ingress: Ingress): IngressRules {
  const key = nsName(ingress.metadata.namespace, ingress.metadata.name);
  const ref = objectRef('Ingress', ingress.metadata);
  const problems: Problem[] = [];
  reportUnknownAnnotations(ref, ingress.metadata.annotations, problems);
  const tlsHosts = new Set(ingress.spec.tls.flatMap((tls) => tls.hosts));
  const defaultRef = ingress.spec.defaultBackend && serviceRefOf(ingress, ingress.spec.defaultBackend);
  if (ingress.spec.defaultBackend && !defaultRef) {
    problems.push({
      ref,
      field: 'spec.defaultBackend',
      reason: 'Unsupported',
      message: 'resource backends are not supported',
      severity: 'error',
    });
  }
  const vhosts: string[] = [];
  const paths: IngressPath[] = [];
  ingress.spec.rules.forEach((rule, ruleIndex) => {
    const vhost = rule.host ?? ANY_HOST;
    vhosts.push(vhost);
    rule.http?.paths.forEach((path, pathIndex) => {
      const field = () => `spec.rules[${ruleIndex}].http.paths[${pathIndex}]`;
      const service = serviceRefOf(ingress, path.backend);
      if (!service) {
        problems.push({
          ref,
          field: field(),
          reason: 'Unsupported',
          message: 'resource backends are not supported',
          severity: 'error',
        });
        return;
      }
      if (path.path === undefined && path.pathType !== 'ImplementationSpecific') {
        problems.push({
          ref,
          field: field(),
          reason: 'InvalidObject',
          message: `pathType ${path.pathType} requires a path`,
          severity: 'error',
        });
        return;
      }
      if (path.path?.includes('?')) {
        problems.push({
          ref,
          field: `${field()}.path`,
          reason: 'Unused',
          message: 'a request path never contains "?" (it starts the query string); this path never matches',
          severity: 'warning',
        });
      }
      const tlsHost = tlsHosts.has(vhost);
      paths.push({
        vhost,
        path: path.path ?? '/',
        // ImplementationSpecific is Prefix (documented).
        match: path.pathType === 'Exact' ? 'Exact' : 'Prefix',
        pathType: path.pathType,
        ref: service,
        tlsHost,
        resolutionKey: resolutionKey(service, key, tlsHost),
      });
    });
  });
  return {
    ref,
    defaultRef,
    defaultResolutionKey: defaultRef ? resolutionKey(defaultRef, key, false) : '',
    vhosts,
    paths,
    problems,
  };
}
