/** Desired-state fixtures for the emitters' unit tests: backends with the registry's defaults. */
import type { Backend, BackendSettings, Endpoint } from './types.ts';

export const endpoint = (address: string, state: Endpoint['state'] = 'ready', port = 8080): Endpoint => ({
  address,
  port,
  state,
});

export const DEFAULT_BACKEND_SETTINGS: BackendSettings = {
  serversIncrement: 42,
  timeoutServer: '50s',
  check: true,
  checkInterval: undefined,
  loadBalance: 'roundrobin',
  forwardedFor: true,
};

export function makeBackend(
  name: string,
  endpoints: Endpoint[],
  settings: Partial<BackendSettings> = {},
): Backend {
  return {
    name,
    service: `Service default/${name}`,
    settings: { ...DEFAULT_BACKEND_SETTINGS, ...settings },
    endpoints,
  };
}
