/** Which Ingresses are ours: IngressClass selection as in the Ingress v1 spec. */
import type { Ingress, IngressClass } from '../store/schemas.ts';

export const CONTROLLER_NAME = 'haproxy.org/ingress-controller';
const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';
/** Deprecated before IngressClass existed, still widespread. */
const LEGACY_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

export interface ClassOptions {
  ingressClass: string;
  /** Also take Ingresses that name no class at all (reference controller's --empty-ingress-class). */
  emptyIngressClass: boolean;
}

export function ingressClassFilter(classes: readonly IngressClass[], options: ClassOptions) {
  const ourClasses = new Set(
    classes.filter((c) => c.spec.controller === CONTROLLER_NAME).map((c) => c.metadata.name),
  );
  const weAreDefault = classes.some(
    (c) => ourClasses.has(c.metadata.name) && c.metadata.annotations[DEFAULT_CLASS_ANNOTATION] === 'true',
  );
  return (ingress: Ingress): boolean => {
    const name = ingress.spec.ingressClassName ?? ingress.metadata.annotations[LEGACY_CLASS_ANNOTATION];
    if (name === undefined || name === '') return weAreDefault || options.emptyIngressClass;
    return name === options.ingressClass || ourClasses.has(name);
  };
}
