/**
 * ingress-nginx annotations of the features still to come here: CORS,
 * affinity, regex paths and rewrites, canaries, external and client
 * certificate auth, error pages. Declared so that they are reported, and
 * listed in the docs with what they need.
 */
import { type NginxAnnotation, unsupported } from './annotation.ts';

const LATER = 'not supported yet';

export const LATER_ANNOTATIONS: NginxAnnotation[] = [
  ...['default-backend', 'custom-http-errors', 'disable-proxy-intercept-errors'].map((name) =>
    unsupported(name, LATER),
  ),
];
