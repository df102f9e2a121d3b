/**
 * The annotation dialect of an Ingress. One that carries any
 * nginx.ingress.kubernetes.io/ annotation is read as ingress-nginx reads it:
 * its annotations are translated into our keys, and ingress-nginx's defaults
 * replace ours where they differ (308 redirects, nginx's CORS headers, ...).
 * Others keep the reference controller's defaults, unless
 * --default-annotation-dialect ingress-nginx puts every Ingress in the
 * ingress-nginx dialect.
 *
 * An Ingress's settings come, most specific first, from: its own
 * annotations, its translated nginx annotations, the ConfigMap, and its
 * dialect's defaults (the ConfigMap is the operator's word and wins over them).
 */
import { objectRef, type Problem } from '../../../store/problems.ts';
import type { Ingress } from '../../../store/schemas.ts';
import type { SettingsLayer } from '../registry.ts';
import {
  carriesNginxAnnotations,
  type TranslatedAnnotations,
  translateAnnotations,
  translatedLayer,
} from './translate.ts';

export type AnnotationDialect = 'haproxy' | 'ingress-nginx';

export interface DialectOptions {
  /** How Ingresses without nginx annotations are read (--default-annotation-dialect). */
  annotationDialect?: AnnotationDialect;
  /** nginx annotations are honoured (unless --disable-ingress-nginx-annotations). */
  ingressNginxAnnotations?: boolean;
}

/** ingress-nginx's defaults where they differ from ours, as our keys. */
export const INGRESS_NGINX_DEFAULTS: Readonly<Record<string, string>> = {
  'ssl-redirect-code': '308',
  'ssl-redirect-trailing-slash': 'drop',
  'timeout-server': '60s',
  'request-body-max': '1m',
  'rate-limit-status-code': '503',
  'auth-unavailable-status': '503',
  'cookie-persistence-httponly': 'true',
  'cors-allow-methods': 'GET, PUT, POST, DELETE, PATCH, OPTIONS',
  'cors-allow-headers':
    'DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization',
  'cors-max-age': '1728000',
  'cors-allow-credentials': 'true',
  hsts: 'true',
  'hsts-max-age': '31536000',
  'hsts-include-subdomains': 'true',
};

const DEFAULT_VALUES = Object.fromEntries(
  Object.entries(INGRESS_NGINX_DEFAULTS).map(([key, value]) => [`haproxy.org/${key}`, value]),
);

export interface IngressLayers {
  dialect: AnnotationDialect;
  /** Before the ConfigMap: the Ingress's own annotations, then its translated nginx annotations. */
  before: SettingsLayer[];
  /** After the ConfigMap: the dialect's defaults. */
  after: SettingsLayer[];
  /** What became of each nginx annotation; absent when they are not honoured. */
  translated: TranslatedAnnotations | undefined;
  /** Annotations that are invalid, unsupported or unknown. */
  problems: Problem[];
}

export function dialectOf(ingress: Ingress, options: DialectOptions): AnnotationDialect {
  if (options.ingressNginxAnnotations !== false && carriesNginxAnnotations(ingress.metadata.annotations))
    return 'ingress-nginx';
  return options.annotationDialect ?? 'haproxy';
}

const read = new WeakMap<Ingress, { key: string; layers: IngressLayers }>();

/** The settings layers of an Ingress, computed once per Ingress object. */
export function ingressLayers(ingress: Ingress, options: DialectOptions): IngressLayers {
  const key = `${options.annotationDialect ?? 'haproxy'}/${options.ingressNginxAnnotations !== false}`;
  const known = read.get(ingress);
  if (known?.key === key) return known.layers;
  const ref = objectRef('Ingress', ingress.metadata);
  const own: SettingsLayer = { scope: 'ingress', ref, values: ingress.metadata.annotations };
  const honoured = options.ingressNginxAnnotations !== false;
  const translated = honoured ? translateAnnotations(ref, ingress.metadata.annotations) : undefined;
  const dialect = dialectOf(ingress, options);
  const layers: IngressLayers = {
    dialect,
    before: translated ? [own, translatedLayer(ref, translated)] : [own],
    after: dialect === 'ingress-nginx' ? [{ scope: 'ingress', ref, values: DEFAULT_VALUES }] : [],
    translated,
    problems: translated?.problems ?? [],
  };
  read.set(ingress, { key, layers });
  return layers;
}
