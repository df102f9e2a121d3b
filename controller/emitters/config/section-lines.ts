/**
 * The lines of the global, defaults and backend sections, worked out from
 * the desired state in typed code: the templates print them as they are, so
 * a misspelt setting fails type-checking instead of printing nothing.
 */
import { createHash } from 'node:crypto';
import type { Backend, DesiredState } from '../../model/types.ts';
import { cookieAttributeLines } from './cookie-lines.ts';
import { serverOptions } from './view.ts';

/** `log` arguments for one syslog target: `<target> [len N] [format F] <facility> [level [minlevel]]`. */
export function logTarget(server: NonNullable<DesiredState['global']['syslogServer']>[number]): string {
  const parts = [server.target];
  if (server.length !== undefined) parts.push(`len ${server.length}`);
  if (server.format) parts.push(`format ${server.format}`);
  parts.push(server.facility);
  if (server.level) parts.push(server.level);
  if (server.level && server.minlevel) parts.push(server.minlevel);
  return parts.join(' ');
}

/** Without syslog-server, logs go to HAProxy's stdout. */
const DEFAULT_LOG_TARGETS = ['stdout format raw local0 notice'];

export function globalLines(state: DesiredState, statsSocket: string, certificateDir: string): string[] {
  const { global } = state;
  const lines = [
    `stats socket ${statsSocket} mode 600 level admin expose-fd listeners`,
    'stats timeout 2m',
    ...(global.syslogServer?.map(logTarget) ?? DEFAULT_LOG_TARGETS).map((target) => `log ${target}`),
  ];
  if (global.maxconn !== undefined) lines.push(`maxconn ${global.maxconn}`);
  if (global.nbthread !== undefined) lines.push(`nbthread ${global.nbthread}`);
  lines.push(
    `hard-stop-after ${global.hardStopAfter}`,
    'ssl-default-bind-options ssl-min-ver TLSv1.2 no-tls-tickets',
    'ssl-default-server-options ssl-min-ver TLSv1.2',
    'tune.ssl.default-dh-param 2048',
    // Relative ca-file / crt paths of servers (server-ca, server-crt) resolve here.
    `ca-base ${certificateDir}`,
    `crt-base ${certificateDir}`,
  );
  return lines;
}

export function defaultsLines(state: DesiredState): string[] {
  const { defaults } = state;
  const lines = ['mode http', 'log global'];
  lines.push(defaults.logFormat === undefined ? 'option httplog' : `log-format "${defaults.logFormat}"`);
  if (defaults.dontlognull) lines.push('option dontlognull');
  // Every log target drops per-request lines: build them only for requests that failed.
  if (!defaults.logTraffic) lines.push('option dontlog-normal');
  if (defaults.logasap) lines.push('option logasap');
  lines.push(
    `option ${defaults.httpConnectionMode}`,
    'option redispatch',
    'retries 3',
    `timeout http-request ${defaults.timeoutHttpRequest}`,
    `timeout http-keep-alive ${defaults.timeoutHttpKeepAlive}`,
    `timeout queue ${defaults.timeoutQueue}`,
    `timeout tunnel ${defaults.timeoutTunnel}`,
    `timeout connect ${defaults.timeoutConnect}`,
    `timeout client ${defaults.timeoutClient}`,
    `timeout server ${defaults.timeoutServer}`,
  );
  if (defaults.timeoutClientFin) lines.push(`timeout client-fin ${defaults.timeoutClientFin}`);
  if (defaults.timeoutServerFin) lines.push(`timeout server-fin ${defaults.timeoutServerFin}`);
  return lines;
}

/** `http-check send` arguments for check-http; HTTP/1.1 requires a Host header. */
function httpCheckSend(check: NonNullable<Backend['settings']['checkHttp']>): string {
  const parts = [`meth ${check.method}`, `uri ${check.uri}`];
  if (check.version) parts.push(`ver ${check.version}`);
  if (check.version === 'HTTP/1.1') parts.push('hdr Host localhost');
  return parts.join(' ');
}

/** Same key in every replica and on every reload, so a cookie keeps naming the same pod. */
const dynamicCookieKey = (backend: string): string =>
  createHash('sha256').update(`haproxy-sidecar-ingress/${backend}`).digest('hex').slice(0, 32);

/** A backend's own lines, before its request policy, snippet and servers. */
export function backendLines(backend: Backend): string[] {
  const s = backend.settings;
  const lines = [`mode ${backend.mode}`, `balance ${s.loadBalance}`];
  if (s.forwardedFor) lines.push('option forwardfor');
  if (s.abortonclose) lines.push('option abortonclose');
  lines.push(`timeout connect ${s.timeoutConnect}`, `timeout server ${s.timeoutServer}`);
  if (s.timeoutCheck) lines.push(`timeout check ${s.timeoutCheck}`);
  if (s.check && s.checkHttp) lines.push('option httpchk', `http-check send ${httpCheckSend(s.checkHttp)}`);
  if (s.cookiePersistence)
    lines.push(
      `cookie ${s.cookiePersistence} insert indirect nocache dynamic`,
      `dynamic-cookie-key ${dynamicCookieKey(backend.name)}`,
    );
  lines.push(...cookieAttributeLines(s));
  // Static: each server line names its cookie value (the server name).
  if (s.cookiePersistenceNoDynamic)
    lines.push(`cookie ${s.cookiePersistenceNoDynamic} insert indirect nocache`);
  return lines;
}

/** `default-server` line of a backend, if it has server options. */
export function defaultServerLines(backend: Backend): string[] {
  const options = serverOptions(backend.settings);
  return options ? [`default-server ${options}`] : [];
}
