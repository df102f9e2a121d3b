/**
 * Keys users of the reference controller bring along that the main catalog
 * does not hold: static cookie persistence, a backend of an Ingress's own,
 * and the deprecated connection-mode keys, which map onto
 * http-connection-mode as the reference maps them.
 */
import type { Problem } from '../../store/problems.ts';
import { defineKey, type Origins, readKey, type SettingsLayer } from './registry.ts';
import { bool, cookieName } from './values.ts';

export const REFERENCE_BACKEND_KEYS = {
  cookiePersistenceNoDynamic: defineKey({
    name: 'cookie-persistence-no-dynamic',
    scopes: ['configmap', 'service'],
    schema: cookieName.optional(),
    default: undefined,
    description:
      'Sticky sessions with a static cookie of this name: it holds the name of the server slot the pod sits in (`SRV_3`), not a hash of its address. Pods move into pre-sized slots (servers-increment, else steps of 42), since HAProxy cannot set a cookie on a server added at run time. Not together with cookie-persistence: with both, neither applies.',
  }),
  standaloneBackend: defineKey({
    name: 'standalone-backend',
    scopes: ['ingress', 'service'],
    schema: bool,
    default: false,
    description:
      'Give each Ingress that routes to the Service a backend of its own, even where their settings are the same (they share one otherwise).',
  }),
};

const CONFIGMAP = ['configmap'] as const;

/** Deprecated in the reference, read only when http-connection-mode is not set. */
export const LEGACY_CONNECTION_KEYS = {
  httpServerClose: defineKey({
    name: 'http-server-close',
    scopes: CONFIGMAP,
    schema: bool.optional(),
    default: undefined,
    description:
      'Deprecated: "true" is http-connection-mode: http-server-close. Ignored when http-connection-mode is set.',
  }),
  httpKeepAlive: defineKey({
    name: 'http-keep-alive',
    scopes: CONFIGMAP,
    schema: bool.optional(),
    default: undefined,
    description:
      'Deprecated: "true" is http-connection-mode: http-keep-alive (it wins over http-server-close, as in the reference). Ignored when http-connection-mode is set.',
  }),
};

/** The connection mode the deprecated keys ask for, when http-connection-mode itself is not set. */
export function legacyConnectionMode<M extends string>(
  mode: M,
  configLayer: SettingsLayer | undefined,
  problems: Problem[],
): M {
  if (!configLayer) return mode;
  const explicit = configLayer.values['http-connection-mode'] !== undefined;
  let chosen = mode;
  for (const key of [LEGACY_CONNECTION_KEYS.httpServerClose, LEGACY_CONNECTION_KEYS.httpKeepAlive]) {
    const read = readKey(key, configLayer, problems);
    if (!read) continue;
    problems.push({
      ref: read.from.ref,
      field: read.from.field,
      reason: explicit ? 'Ineffective' : 'Unused',
      message: explicit
        ? 'deprecated, and http-connection-mode is set; ignored'
        : `deprecated: write http-connection-mode: ${key.name} instead`,
      severity: 'warning',
    });
    if (!explicit && read.value) chosen = key.name as M;
  }
  return chosen;
}

type CookieSettings = {
  cookiePersistence: string | undefined;
  cookiePersistenceNoDynamic: string | undefined;
};

/** cookie-persistence and cookie-persistence-no-dynamic exclude each other: with both, neither applies. */
export function settleCookiePersistence<S extends CookieSettings>(
  settings: S,
  origins: Origins<Record<keyof CookieSettings, unknown>>,
  problems: Problem[],
): S {
  if (settings.cookiePersistence === undefined || settings.cookiePersistenceNoDynamic === undefined)
    return settings;
  const origin = origins.cookiePersistenceNoDynamic ?? origins.cookiePersistence;
  if (origin)
    problems.push({
      ref: origin.ref,
      field: origin.field,
      reason: 'Conflict',
      message: `cookie-persistence is set as well (${origins.cookiePersistence?.field ?? 'cookie-persistence'}); neither applies, as in the reference controller`,
      severity: 'error',
    });
  return { ...settings, cookiePersistence: undefined, cookiePersistenceNoDynamic: undefined };
}
