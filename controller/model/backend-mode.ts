/**
 * The mode of a backend, and what the mode rules out. An ssl-passthrough
 * backend carries TLS unterminated (TCP): nothing HTTP can apply to it, so
 * HTTP-only settings and every request policy are left out, and those a user
 * set explicitly are reported where they were set. Defaults that only exist
 * for HTTP (forwarded-for, the TLS host's redirect) go silently.
 */
import type { Problem } from '../store/problems.ts';
import type { BackendPolicy } from './policy.ts';
import type { BACKEND_KEYS } from './settings/keys.ts';
import type { KeyOrigin, Origins } from './settings/registry.ts';
import type { REQUEST_KEYS } from './settings/request-keys.ts';
import type { BackendMode, BackendSettings } from './types.ts';

/** Backend keys that only mean something to an HTTP backend. */
export const HTTP_ONLY = [
  'forwardedFor',
  'checkHttp',
  'cookiePersistence',
  'cookiePersistenceNoDynamic',
  'abortonclose',
  'serverSsl',
  'serverCa',
  'serverCrt',
  'serverProto',
] as const satisfies readonly (keyof BackendSettings)[];

/** Request keys a TCP backend honours. */
const TCP_REQUEST_KEYS = new Set<string>(['allowList', 'denyList']);

export interface ModeDecision {
  mode: BackendMode;
  settings: BackendSettings;
  policy: BackendPolicy;
}

export function decideMode(
  settings: BackendSettings,
  policy: BackendPolicy,
  origins: { backend: Origins<typeof BACKEND_KEYS>; request: Origins<typeof REQUEST_KEYS> },
  problems: Problem[],
): ModeDecision {
  if (!settings.sslPassthrough) return { mode: 'http', settings, policy };
  const ignored = (origin: KeyOrigin | undefined) => {
    if (origin)
      problems.push({
        ref: origin.ref,
        field: origin.field,
        reason: 'Ineffective',
        message: 'has no effect on an ssl-passthrough backend, which carries TLS unterminated (TCP); ignored',
        severity: 'warning',
      });
  };
  for (const key of HTTP_ONLY) ignored(origins.backend[key]);
  // Access lists apply to a TCP backend too: by source address, when the connection starts.
  for (const [key, origin] of Object.entries(origins.request))
    if (!TCP_REQUEST_KEYS.has(key)) ignored(origin);
  return {
    mode: 'tcp',
    settings: {
      ...settings,
      forwardedFor: false,
      checkHttp: undefined,
      cookiePersistence: undefined,
      cookiePersistenceNoDynamic: undefined,
      abortonclose: false,
      serverSsl: false,
      serverCa: undefined,
      serverCrt: undefined,
      serverProto: undefined,
    },
    policy: {
      ...(policy.allowList && { allowList: policy.allowList }),
      ...(policy.denyList && { denyList: policy.denyList }),
    },
  };
}
