/**
 * Every annotation of ingress-nginx v1.15 (its annotations-risk table), each
 * declared once. The order is the precedence among annotations that set the
 * same key of ours: the first one set keeps it.
 */

import { ACCESS_ANNOTATIONS } from './access.ts';
import { AFFINITY_ANNOTATIONS } from './affinity.ts';
import type { NginxAnnotation } from './annotation.ts';
import { CANARY_ANNOTATIONS } from './canary.ts';
import { CLIENT_TLS_ANNOTATIONS } from './client-tls.ts';
import { CORS_ANNOTATIONS } from './cors.ts';
import { ERROR_PAGE_ANNOTATIONS } from './error-pages.ts';
import { EXTERNAL_AUTH_ANNOTATIONS } from './external-auth.ts';
import { NOT_SUPPORTED_ANNOTATIONS } from './not-supported.ts';
import { REDIRECT_ANNOTATIONS } from './redirects.ts';
import { UPSTREAM_ANNOTATIONS } from './upstream.ts';

export const INGRESS_NGINX_ANNOTATIONS: readonly NginxAnnotation[] = [
  ...REDIRECT_ANNOTATIONS,
  ...ACCESS_ANNOTATIONS,
  ...UPSTREAM_ANNOTATIONS,
  ...CORS_ANNOTATIONS,
  ...AFFINITY_ANNOTATIONS,
  ...CANARY_ANNOTATIONS,
  ...EXTERNAL_AUTH_ANNOTATIONS,
  ...CLIENT_TLS_ANNOTATIONS,
  ...ERROR_PAGE_ANNOTATIONS,
  ...NOT_SUPPORTED_ANNOTATIONS,
];

export const ANNOTATIONS_BY_NAME: ReadonlyMap<string, NginxAnnotation> = new Map(
  INGRESS_NGINX_ANNOTATIONS.map((a) => [a.name, a]),
);
