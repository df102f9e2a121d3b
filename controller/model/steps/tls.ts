/**
 * Step 4, TLS: the Ingresses' certificates and frontend options (tls.ts), the
 * Gateway listeners' certificates joined to them, and the hosts that ask
 * clients for a certificate (client-auth.ts).
 */
import { clientAuthHosts } from '../client-auth.ts';
import { buildTls } from '../tls.ts';
import type { Certificate } from '../types.ts';
import type { BuildStep } from './builder.ts';

export const tls: BuildStep<'tls'> = {
  name: 'tls',
  run({ snapshot, options, problems, classes: { configLayer, ingresses }, routes }) {
    const tls = buildTls(
      {
        snapshot,
        configLayer,
        configNamespace: options.configMap.split('/')[0] ?? 'default',
        defaultSslCertificate: options.defaultSslCertificate,
        ingresses,
        serverFiles: routes.serverFiles,
      },
      problems,
    );
    tls.certificates = withGatewayCertificates(tls.certificates, routes.gatewayApi.certificates);
    const clientAuth = clientAuthHosts({
      ingresses,
      tls,
      configLayer,
      dialect: options,
      secretOf: (key) => snapshot.secrets.get(key),
      problems,
    });
    if (clientAuth.hosts.length > 0) {
      tls.clientAuth = clientAuth.hosts;
      tls.files = [
        ...tls.files,
        ...clientAuth.files.filter((f) => !tls.files.some((t) => t.file === f.file)),
      ];
    }
    return tls;
  },
};

/**
 * Certificates of Gateway listeners join the Ingresses' (a Secret used by
 * both is one file, served for the names of both); an SNI name Ingresses
 * already serve stays theirs.
 */
export function withGatewayCertificates(
  certificates: Certificate[],
  gateway: readonly Certificate[],
): Certificate[] {
  if (gateway.length === 0) return certificates;
  const byFile = new Map(certificates.map((c) => [c.file, { ...c, sni: [...c.sni] }]));
  const served = new Set(certificates.flatMap((c) => c.sni));
  for (const certificate of gateway) {
    const sni = certificate.sni.filter((name) => !served.has(name));
    for (const name of sni) served.add(name);
    const known = byFile.get(certificate.file);
    if (known) known.sni = [...new Set([...known.sni, ...sni])].sort();
    else byFile.set(certificate.file, { ...certificate, sni });
  }
  return [...byFile.values()].sort((a, b) => (a.file < b.file ? -1 : 1));
}
