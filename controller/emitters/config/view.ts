/**
 * Flattens the desired state, the slot plan and the controller's options into
 * the exact values the templates print. Every decision about what appears in
 * haproxy.cfg is made here or in the model, never in a template.
 */
import type { DesiredState } from '../../model/types.ts';
import { BUILTIN_DEFAULT_BACKEND } from '../../model/types.ts';
import type { SlotTable } from '../runtime/slots.ts';

export interface Listen {
  ipv4Address: string | undefined;
  ipv6Address: string | undefined;
  httpPort: number;
  httpsPort: number;
  statsPort: number;
  healthzPort: number;
}

export interface Paths {
  configDir: string;
  statsSocket: string;
}

export const MAP_FILES = {
  hosts: 'maps/hosts.map',
  exact: 'maps/path-exact.map',
  prefix: 'maps/path-prefix.map',
  hostDefaults: 'maps/host-default.map',
} as const;

export const CERT_DIR = 'certs';
export const CRT_LIST = 'certs/crt-list.txt';
/** Served when no SNI name matches and no --default-ssl-certificate is set. */
export const FALLBACK_CERT = 'certs/default-selfsigned.pem';

export function formatAddress(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

function binds(listen: Listen, port: number): string[] {
  const out: string[] = [];
  if (listen.ipv4Address !== undefined) out.push(`${listen.ipv4Address}:${port}`);
  if (listen.ipv6Address !== undefined) out.push(`[${listen.ipv6Address}]:${port} v6only`);
  return out;
}

/** Server options shared by rendered slots and servers added over the Runtime API. */
export function serverOptions(settings: DesiredState['backends'][number]['settings']): string {
  const options: string[] = [];
  if (settings.check) {
    options.push('check');
    if (settings.checkInterval) options.push(`inter ${settings.checkInterval}`);
  }
  return options.join(' ');
}

export function buildView(state: DesiredState, slots: SlotTable, listen: Listen, paths: Paths) {
  const file = (relative: string) => `${paths.configDir}/${relative}`;
  return {
    runtime: { statsSocket: paths.statsSocket },
    global: state.global,
    defaults: state.defaults,
    binds: {
      http: binds(listen, listen.httpPort),
      https: binds(listen, listen.httpsPort),
      stats: binds(listen, listen.statsPort),
      healthz: binds(listen, listen.healthzPort),
    },
    maps: {
      hosts: file(MAP_FILES.hosts),
      exact: file(MAP_FILES.exact),
      prefix: file(MAP_FILES.prefix),
      hostDefaults: file(MAP_FILES.hostDefaults),
    },
    tls: {
      defaultCertificate: state.tls.defaultCertificate
        ? file(`${CERT_DIR}/${state.tls.defaultCertificate.file}`)
        : file(FALLBACK_CERT),
      crtList: file(CRT_LIST),
    },
    defaultBackend: state.defaultBackend,
    builtinDefaultBackend: BUILTIN_DEFAULT_BACKEND,
    backends: state.backends.map((b) => ({
      name: b.name,
      service: b.service,
      balance: b.settings.loadBalance,
      forwardedFor: b.settings.forwardedFor,
      timeoutServer: b.settings.timeoutServer,
      serverOptions: serverOptions(b.settings),
      servers: (slots.get(b.name) ?? []).map((s) => ({
        name: s.name,
        // Free slots park on a discard address; draining pods start disabled in a fresh worker,
        // which has no connections to finish on them.
        address: s.endpoint ? formatAddress(s.endpoint.address, s.endpoint.port) : '127.0.0.1:1',
        enabled: s.state === 'ready',
      })),
    })),
  };
}

export type ConfigView = ReturnType<typeof buildView>;
