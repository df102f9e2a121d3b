/**
 * ingress-nginx's canaries: an Ingress with `canary: "true"` takes some
 * requests of the same host and path from the Ingress that is not a canary,
 * by header, then cookie, then weight (controller/model/canaries.ts).
 */
import { boolInto, declare, type NginxAnnotation, unsupported } from './annotation.ts';

const into = (key: string) => (value: string) => ({ set: { [key]: value } });

export const CANARY_ANNOTATIONS: NginxAnnotation[] = [
  declare({
    name: 'canary',
    support: 'honoured',
    becomes: ['canary'],
    note: 'The Ingress is never a route of its own: it takes requests of the same host and path from the Ingress that is not a canary, by header, then cookie, then weight.',
    translate: boolInto('canary'),
  }),
  declare({
    name: 'canary-by-header',
    support: 'honoured',
    becomes: ['canary-header'],
    note: 'This header set to always sends a request to the canary, never to the other Ingress.',
    translate: into('canary-header'),
  }),
  declare({
    name: 'canary-by-header-value',
    support: 'honoured',
    becomes: ['canary-header-value'],
    note: 'The header with exactly this value sends a request to the canary; other values fall through to the cookie and weight.',
    translate: into('canary-header-value'),
  }),
  declare({
    name: 'canary-by-header-pattern',
    support: 'honoured',
    becomes: ['canary-header-pattern'],
    note: 'The header with a value this regular expression finds sends a request to the canary.',
    translate: into('canary-header-pattern'),
  }),
  declare({
    name: 'canary-by-cookie',
    support: 'honoured',
    becomes: ['canary-cookie'],
    note: 'This cookie set to always sends a request to the canary, never to the other Ingress.',
    translate: into('canary-cookie'),
  }),
  declare({
    name: 'canary-weight',
    support: 'honoured',
    becomes: ['canary-weight'],
    note: 'Out of canary-weight-total (100), the share of the remaining requests sent to the canary at random.',
    translate: into('canary-weight'),
  }),
  declare({
    name: 'canary-weight-total',
    support: 'honoured',
    becomes: ['canary-weight-total'],
    note: 'What canary-weight is out of (at least 100).',
    translate: into('canary-weight-total'),
  }),
  unsupported(
    'affinity-canary-behavior',
    'a request that carries the affinity cookie of the stable pods is still weighed for the canary',
  ),
];
