/**
 * The Ingress-level keys of one Ingress (www-redirect and the other keys
 * that shape its routes rather than a backend's requests), resolved through
 * its layers: its own annotations, its translated ingress-nginx annotations,
 * the ConfigMap, its dialect's defaults. Once per Ingress and ConfigMap.
 */
import type { Problem } from '../store/problems.ts';
import type { Ingress } from '../store/schemas.ts';
import { type DialectOptions, ingressLayers } from './settings/ingress-nginx/dialect.ts';
import { INGRESS_ROUTE_KEYS } from './settings/ingress-route-keys.ts';
import { type Origins, type Resolved, resolveAll, type SettingsLayer } from './settings/registry.ts';

export type IngressRouteSettings = Resolved<typeof INGRESS_ROUTE_KEYS>;

interface Resolution {
  config: object | undefined;
  settings: IngressRouteSettings;
  origins: Origins<typeof INGRESS_ROUTE_KEYS>;
  problems: Problem[];
}

const resolved = new WeakMap<Ingress, Resolution>();

export function ingressRouteSettings(
  ingress: Ingress,
  configLayer: SettingsLayer | undefined,
  dialect: DialectOptions,
  problems: Problem[],
): { settings: IngressRouteSettings; origins: Origins<typeof INGRESS_ROUTE_KEYS> } {
  let known = resolved.get(ingress);
  if (!known || known.config !== configLayer?.values) {
    const layers = ingressLayers(ingress, dialect);
    const found: Problem[] = [];
    const origins: Origins<typeof INGRESS_ROUTE_KEYS> = {};
    const settings = resolveAll(
      INGRESS_ROUTE_KEYS,
      [...layers.before, ...(configLayer ? [configLayer] : []), ...layers.after],
      found,
      origins,
    );
    known = { config: configLayer?.values, settings, origins, problems: found };
    resolved.set(ingress, known);
  }
  problems.push(...known.problems);
  return known;
}
