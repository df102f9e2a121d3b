/**
 * What the templates print for --configmap-tcp-services: one TCP frontend per
 * entry, bound like the HTTP ones, sending to the entry's backend. `:ssl`
 * terminates TLS with the certificates the HTTPS frontend serves (the default
 * one, and by SNI those of the crt-list).
 */
import type { DesiredState } from '../../model/types.ts';
import { CERT_DIR, CRT_LIST, FALLBACK_CERT, type Listen, type Paths } from './view.ts';

export function tcpServicesView(state: DesiredState, listen: Listen, paths: Paths) {
  const tcp = state.tcpServices;
  if (!tcp) return [];
  const file = (relative: string) => `${paths.configDir}/${relative}`;
  const certificate = state.tls.defaultCertificate
    ? file(`${CERT_DIR}/${state.tls.defaultCertificate.file}`)
    : file(FALLBACK_CERT);
  const ssl = `ssl crt ${certificate} crt-list ${file(CRT_LIST)}`;
  return tcp.services.map((service) => {
    const addresses: string[] = [];
    if (listen.ipv4Address !== undefined) addresses.push(`${listen.ipv4Address}:${service.port}`);
    if (listen.ipv6Address !== undefined) addresses.push(`[${listen.ipv6Address}]:${service.port} v6only`);
    return {
      name: `tcp-${service.port}`,
      binds: addresses.map((a) => (service.ssl ? `${a} ${ssl}` : a)),
      logFormat: tcp.logFormat === undefined ? undefined : `"${tcp.logFormat}"`,
      backend: service.backend,
    };
  });
}
