/**
 * Which Ingresses are ours: IngressClass selection as in the Ingress v1 spec. An Ingress
 * that is not ours says why, once per cause, so that a newcomer's 404 has an explanation.
 */
import { objectRef, type Problem } from '../store/problems.ts';
import type { Ingress, IngressClass } from '../store/schemas.ts';

export const CONTROLLER_NAME = 'haproxy.org/ingress-controller';
const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';
/** Deprecated before IngressClass existed, still widespread. */
const LEGACY_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

export interface ClassOptions {
  ingressClass: string;
  /** Also take Ingresses that name no class at all (reference controller's --empty-ingress-class). */
  emptyIngressClass: boolean;
  /**
   * The objects come from a manifests directory: with no IngressClass in it at all, an
   * Ingress without class is served (tutorials' objects work as written).
   */
  local?: boolean;
}

/** Ours, or why not: the field that decided and a message for people. */
export type ClassVerdict = { ours: true } | { ours: false; field: string; message: string };

export function ingressClassifier(
  classes: readonly IngressClass[],
  options: ClassOptions,
): (ingress: Ingress) => ClassVerdict {
  const byName = new Map(classes.map((c) => [c.metadata.name, c]));
  const ourClasses = new Set(
    classes.filter((c) => c.spec.controller === CONTROLLER_NAME).map((c) => c.metadata.name),
  );
  const weAreDefault = classes.some(
    (c) => ourClasses.has(c.metadata.name) && c.metadata.annotations[DEFAULT_CLASS_ANNOTATION] === 'true',
  );
  const unclassedServed =
    weAreDefault || options.emptyIngressClass || (options.local && classes.length === 0);
  const ours: ClassVerdict = { ours: true };
  return (ingress) => {
    const fromSpec = ingress.spec.ingressClassName;
    const name = fromSpec ?? ingress.metadata.annotations[LEGACY_CLASS_ANNOTATION];
    const field =
      fromSpec === undefined && name !== undefined ? LEGACY_CLASS_ANNOTATION : 'spec.ingressClassName';
    if (name === undefined || name === '') {
      if (unclassedServed) return ours;
      return {
        ours: false,
        field,
        message: `no class, and no IngressClass of controller ${CONTROLLER_NAME} is the default; ignored. Set spec.ingressClassName: ${options.ingressClass}, or annotate our IngressClass with ${DEFAULT_CLASS_ANNOTATION}: "true"`,
      };
    }
    if (name === options.ingressClass || ourClasses.has(name)) return ours;
    const named = byName.get(name);
    return {
      ours: false,
      field,
      message: named
        ? `class "${name}" belongs to controller ${named.spec.controller}, not ${CONTROLLER_NAME}; ignored`
        : `class "${name}" is not ours (--ingress.class is "${options.ingressClass}") and no IngressClass "${name}" exists; ignored`,
    };
  };
}

export function ingressClassFilter(classes: readonly IngressClass[], options: ClassOptions) {
  const classify = ingressClassifier(classes, options);
  return (ingress: Ingress): boolean => classify(ingress).ours;
}

/** The problem that says why an Ingress is not served: one per Ingress and cause. */
export function ignoredIngress(ingress: Ingress, verdict: ClassVerdict & { ours: false }): Problem {
  return {
    ref: objectRef('Ingress', ingress.metadata),
    field: verdict.field,
    reason: 'IngressIgnored',
    message: verdict.message,
    severity: 'warning',
  };
}
