/**
 * In the ingress-nginx dialect, the cookie of affinity (cookie-persistence
 * set by the Ingress) has the Path of the route it came through, unless the
 * Ingress sets one: each such route gets its own variant of its backend,
 * whose cookie says so. Regular-expression paths keep `/`, as they name no path.
 */
import type { Problem } from '../store/problems.ts';
import type { Ingress } from '../store/schemas.ts';
import type { BackendExtra } from './backends.ts';
import { type IngressPath, rulesOf } from './ingress-rules.ts';
import { type DialectOptions, ingressLayers } from './settings/ingress-nginx/dialect.ts';
import { BACKEND_KEYS } from './settings/keys.ts';
import { resolveAll, type SettingsLayer } from './settings/registry.ts';

const COOKIE = {
  name: BACKEND_KEYS.cookiePersistence,
  path: BACKEND_KEYS.cookiePersistencePath,
};

export function cookiePaths(
  ingresses: readonly Ingress[],
  configLayer: SettingsLayer | undefined,
  dialect: DialectOptions,
): Map<IngressPath, BackendExtra> {
  const out = new Map<IngressPath, BackendExtra>();
  for (const ingress of ingresses) {
    const layers = ingressLayers(ingress, dialect);
    if (layers.dialect !== 'ingress-nginx') continue;
    // Problems of these keys are the backends' to report.
    const ignored: Problem[] = [];
    const own = resolveAll(COOKIE, [...layers.before, ...(configLayer ? [configLayer] : [])], ignored);
    if (!own.name || own.path !== undefined) continue;
    for (const path of rulesOf(ingress).paths)
      if (path.path !== '/' && /^\/[A-Za-z0-9\-._~/:@!$&()*+,=]{0,255}$/.test(path.path))
        out.set(path, { key: `cookie-path ${path.path}`, settings: { cookiePersistencePath: path.path } });
  }
  return out;
}

/** Two routes' extras as one: keys joined, policy and settings merged. */
export function mergeExtras(
  a: BackendExtra | undefined,
  b: BackendExtra | undefined,
): BackendExtra | undefined {
  if (!a || !b) return a ?? b;
  return {
    key: `${a.key}\u0000${b.key}`,
    policy: { ...a.policy, ...b.policy },
    settings: { ...a.settings, ...b.settings },
  };
}
