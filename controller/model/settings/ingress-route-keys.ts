/**
 * Keys that change an Ingress's routes rather than the requests of one
 * backend: read once per Ingress (its own annotations, its translated
 * ingress-nginx annotations, then the ConfigMap) by the model's Ingress steps.
 */
import { defineKey } from './registry.ts';
import { bool } from './values.ts';

const INGRESS = ['configmap', 'ingress'] as const;

export const INGRESS_ROUTE_KEYS = {
  wwwRedirect: defineKey({
    name: 'www-redirect',
    scopes: INGRESS,
    schema: bool,
    default: false,
    description:
      'Requests for www.<host> are redirected with 308 to <host> (or the other way round when the rule names www.<host>), to port 80 or 443 and without a trailing /, unless a rule names that host itself.',
  }),
};
