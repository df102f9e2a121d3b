/**
 * --configmap-tcp-services, in the reference controller's format: each key is
 * a port to listen on, each value `namespace/service:port`, optionally
 * followed by `:ssl` (TLS terminated with the controller's certificates).
 * Every entry becomes a TCP frontend and a TCP backend of its own, whose pods
 * move over the Runtime API like any other backend's. The key
 * `log-format-tcp` sets the log format of these frontends.
 */
import { z } from 'zod';
import { objectRef, type Problem } from '../store/problems.ts';
import type { Snapshot } from '../store/store.ts';
import { nsName } from '../store/store.ts';
import { HTTP_ONLY } from './backend-mode.ts';
import { clusterEndpoints, noClusterIp, serverSizing } from './backends.ts';
import { endpointsFor } from './endpoints.ts';
import { BACKEND_KEYS } from './settings/keys.ts';
import { resolveAll, type SettingsLayer } from './settings/registry.ts';
import { logFormat } from './settings/values.ts';
import type { Backend, BackendSettings, Endpoint } from './types.ts';

/** One TCP service: what its frontend binds and which backend it sends to. */
export interface TcpService {
  /** Port HAProxy listens on. */
  port: number;
  /** Terminate TLS with the controller's certificates (`:ssl`). */
  ssl: boolean;
  backend: string;
}

export interface TcpServices {
  services: TcpService[];
  /** `log-format-tcp`: the frontends log with it instead of `option tcplog`. */
  logFormat: string | undefined;
  backends: Backend[];
}

export const LOG_FORMAT_KEY = 'log-format-tcp';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const listenPort = z
  .string()
  .regex(/^\d{1,5}$/, 'must be a port number')
  .transform(Number)
  .pipe(z.number().int().min(1, 'must be a port number').max(65535, 'must be a port number'));
/** `namespace/service:port[:ssl]`; the reference ignores further fields, and so does this. */
const entry = z
  .string()
  .trim()
  .transform((s) => s.split(':'))
  .pipe(
    z
      .tuple([z.string(), z.string()], { message: 'must be NAMESPACE/SERVICE:PORT[:ssl]' })
      .rest(z.string())
      .transform(([service, port, ...options]) => ({ service, port, options })),
  )
  .pipe(
    z.object({
      service: z.string().refine((s) => {
        const [namespace, name, extra] = s.split('/');
        return extra === undefined && DNS_LABEL.test(namespace ?? '') && DNS_LABEL.test(name ?? '');
      }, 'must be NAMESPACE/SERVICE:PORT[:ssl]'),
      port: listenPort,
      options: z
        .array(z.string())
        .refine(
          (options) => options.every((o) => o === '' || o === 'ssl'),
          'the only option after the port is ssl',
        ),
    }),
  );

/** Backend name: unique per listen port, naming the Service port it sends to. */
export const tcpBackendName = (listen: number, namespace: string, service: string, port: number): string =>
  `tcp-${listen}_${namespace}_${service}_${port}`;

export function buildTcpServices(
  snapshot: Snapshot,
  configMapName: string | undefined,
  configLayer: SettingsLayer | undefined,
  problems: Problem[],
): TcpServices {
  const none: TcpServices = { services: [], logFormat: undefined, backends: [] };
  if (!configMapName) return none;
  const configMap = snapshot.configMaps.get(configMapName);
  if (!configMap) {
    problems.push({
      ref: { flag: '--configmap-tcp-services' },
      reason: 'UnresolvedReference',
      message: `ConfigMap ${configMapName} not found; no TCP services until it exists`,
      severity: 'warning',
    });
    return none;
  }
  const ref = objectRef('ConfigMap', configMap.metadata);
  const invalid = (field: string, message: string) =>
    problems.push({ ref, field, reason: 'InvalidValue', message: `${message}; ignored`, severity: 'error' });
  const result: TcpServices = { ...none, services: [], backends: [] };
  for (const [key, raw] of Object.entries(configMap.data).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (key === LOG_FORMAT_KEY) {
      const parsed = logFormat.safeParse(raw);
      if (parsed.success) result.logFormat = parsed.data;
      else invalid(key, parsed.error.issues[0]?.message ?? 'invalid log format');
      continue;
    }
    const port = listenPort.safeParse(key);
    if (!port.success) {
      invalid(key, 'the key must be the port to listen on');
      continue;
    }
    const parsed = entry.safeParse(raw);
    if (!parsed.success) {
      invalid(key, `invalid value: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      continue;
    }
    const [namespace = '', name = ''] = parsed.data.service.split('/');
    const backend = tcpBackend(
      snapshot,
      configLayer,
      port.data,
      namespace,
      name,
      parsed.data.port,
      (message) =>
        problems.push({ ref, field: key, reason: 'UnresolvedReference', message, severity: 'error' }),
    );
    problems.push(...backend.problems);
    result.backends.push(backend.backend);
    result.services.push({
      port: port.data,
      ssl: parsed.data.options.includes('ssl'),
      backend: backend.backend.name,
    });
  }
  return result;
}

/**
 * The TCP backend of one entry: the Service's annotations and the main
 * ConfigMap tune it as they tune an HTTP backend, less what only HTTP has.
 */
function tcpBackend(
  snapshot: Snapshot,
  configLayer: SettingsLayer | undefined,
  listen: number,
  namespace: string,
  name: string,
  port: number,
  unresolved: (message: string) => void,
): { backend: Backend; problems: Problem[] } {
  const service = snapshot.services.get(nsName(namespace, name));
  const layers: SettingsLayer[] = [];
  if (service)
    layers.push({
      scope: 'service',
      ref: objectRef('Service', service.metadata),
      values: service.metadata.annotations,
    });
  if (configLayer) layers.push(configLayer);
  const found: Problem[] = [];
  const resolved = resolveAll(BACKEND_KEYS, layers, found);
  // What only HTTP has goes, silently: the ConfigMap's HTTP defaults are meant for the HTTP backends.
  const settings: BackendSettings = { ...resolved, sslPassthrough: false };
  for (const key of HTTP_ONLY) (settings as Record<string, unknown>)[key] = BACKEND_KEYS[key].default;
  settings.forwardedFor = false;
  let endpoints: Endpoint[] = [];
  const label = `${namespace}/${name}`;
  const servicePort = service?.spec.ports.find((p) => p.port === port);
  if (!service) unresolved(`Service ${label} not found; connections are closed until it exists`);
  else if (!servicePort) unresolved(`Service ${label} has no port ${port}; connections are closed`);
  else endpoints = endpointsFor(servicePort, snapshot.endpointSlices.get(nsName(namespace, name)) ?? []);
  if (settings.serviceUpstream) {
    // service-upstream: the cluster IP, one fixed server; without one, the pods.
    const upstream = service && servicePort && clusterEndpoints(service, servicePort);
    if (upstream) endpoints = upstream;
    else {
      if (service) found.push(noClusterIp(service, objectRef('Service', service.metadata)));
      settings.serviceUpstream = false;
    }
  }
  return {
    backend: {
      name: tcpBackendName(listen, namespace, name, port),
      service: objectRef('Service', { namespace, name }),
      mode: 'tcp',
      settings,
      policy: {},
      servers: serverSizing(settings),
      endpoints,
    },
    problems: found,
  };
}
