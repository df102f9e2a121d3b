/** Desired-state fixtures for the emitters' unit tests: settings at the registry's defaults. */
import { serverSizing } from './backends.ts';
import { BACKEND_KEYS, DEFAULTS_KEYS, GLOBAL_KEYS } from './settings/keys.ts';
import type { Resolved, SettingKey } from './settings/registry.ts';
import type { Backend, BackendSettings, DesiredState, Endpoint } from './types.ts';

export const endpoint = (address: string, state: Endpoint['state'] = 'ready', port = 8080): Endpoint => ({
  address,
  port,
  state,
});

function defaultsOf<K extends Record<string, SettingKey<unknown>>>(keys: K): Resolved<K> {
  return Object.fromEntries(Object.entries(keys).map(([field, key]) => [field, key.default])) as Resolved<K>;
}

export const DEFAULT_BACKEND_SETTINGS: BackendSettings = defaultsOf(BACKEND_KEYS);
export const DEFAULT_GLOBAL: DesiredState['global'] = defaultsOf(GLOBAL_KEYS);
export const DEFAULT_DEFAULTS: DesiredState['defaults'] = {
  ...defaultsOf(DEFAULTS_KEYS),
  timeoutServer: BACKEND_KEYS.timeoutServer.default,
  logTraffic: false,
};

export function makeBackend(
  name: string,
  endpoints: Endpoint[],
  settings: Partial<BackendSettings> = {},
): Backend {
  return {
    name,
    service: { kind: 'Service', namespace: 'default', name },
    mode: settings.sslPassthrough ? 'tcp' : 'http',
    settings: { ...DEFAULT_BACKEND_SETTINGS, ...settings },
    policy: {},
    servers: serverSizing({ ...DEFAULT_BACKEND_SETTINGS, ...settings }),
    endpoints,
  };
}
