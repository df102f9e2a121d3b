/**
 * Client certificates per Ingress (client-auth-ca, ingress-nginx's
 * auth-tls-secret): each HTTPS host of such an Ingress asks clients for a
 * certificate and verifies it against the Ingress's CA. The verdict does not
 * end the handshake: the routes' request rules answer 400 (policy), as
 * ingress-nginx does. The oldest Ingress that names a host decides for it.
 */
import { objectRef, type Problem } from '../store/problems.ts';
import type { Ingress, Secret } from '../store/schemas.ts';
import { rulesOf } from './ingress-rules.ts';
import { CLIENT_AUTH_KEYS } from './settings/client-auth-keys.ts';
import { type DialectOptions, ingressLayers } from './settings/ingress-nginx/dialect.ts';
import { type Origins, type Resolved, resolveAll, type SettingsLayer } from './settings/registry.ts';
import { caBundleFromSecret, qualify, type TlsFile, type TlsState, tlsFileName } from './tls.ts';
import { ANY_HOST } from './types.ts';

export interface ClientAuthHost {
  /** The host, as an SNI name. */
  sni: string;
  /** File of the certificate served for it (certs/), or none: the default certificate. */
  certificate: string | undefined;
  /** CA bundle to verify clients against (certs/). */
  caFile: string;
}

export interface ClientAuthInput {
  ingresses: readonly Ingress[];
  tls: TlsState;
  configLayer: SettingsLayer | undefined;
  dialect: DialectOptions;
  secretOf: (key: string) => Secret | undefined;
  problems: Problem[];
}

const KEYS = { ca: CLIENT_AUTH_KEYS.clientAuthCa, verify: CLIENT_AUTH_KEYS.clientAuthVerify };

/** Does a certificate's SNI name (maybe `*.parent`) cover a host? */
const covers = (sni: string, host: string): boolean =>
  sni === host || (sni.startsWith('*.') && host.slice(host.indexOf('.')) === sni.slice(1));

/** The two keys of one Ingress, resolved once per Ingress, ConfigMap and dialect options. */
const resolved = new WeakMap<
  Ingress,
  {
    config: object | undefined;
    dialect: DialectOptions;
    s: Resolved<typeof KEYS>;
    origins: Origins<typeof KEYS>;
  }
>();

function clientAuthOf(ingress: Ingress, input: ClientAuthInput) {
  const known = resolved.get(ingress);
  if (known && known.config === input.configLayer?.values && known.dialect === input.dialect) return known;
  const layers = ingressLayers(ingress, input.dialect);
  const origins: Origins<typeof KEYS> = {};
  // Problems of these keys are the backends' to report (the same keys, resolved for the policy).
  const s = resolveAll(
    KEYS,
    [...layers.before, ...(input.configLayer ? [input.configLayer] : []), ...layers.after],
    [],
    origins,
  );
  const fresh = { config: input.configLayer?.values, dialect: input.dialect, s, origins };
  resolved.set(ingress, fresh);
  return fresh;
}

export function clientAuthHosts(input: ClientAuthInput): { hosts: ClientAuthHost[]; files: TlsFile[] } {
  const hosts = new Map<string, ClientAuthHost>();
  const files = new Map<string, string>();
  for (const ingress of input.ingresses) {
    const { s, origins } = clientAuthOf(ingress, input);
    if (!s.ca || s.verify === 'off') continue;
    const key = qualify(s.ca, ingress.metadata.namespace);
    const ref = objectRef('Ingress', ingress.metadata);
    const pem = caBundleFromSecret(input.secretOf, key, input.problems, {
      ref: origins.ca?.ref ?? ref,
      field: origins.ca?.field,
    });
    if (!pem) continue;
    const caFile = tlsFileName('client-ca', key);
    files.set(caFile, pem);
    for (const vhost of rulesOf(ingress).vhosts) {
      if (vhost === ANY_HOST || vhost.startsWith('*') || hosts.has(vhost)) continue;
      const certificate = input.tls.certificates.find((c) => c.sni.some((sni) => covers(sni, vhost)));
      hosts.set(vhost, {
        sni: vhost,
        certificate: certificate?.file ?? input.tls.defaultCertificate?.file,
        caFile,
      });
    }
  }
  return {
    hosts: [...hosts.values()].sort((a, b) => (a.sni < b.sni ? -1 : 1)),
    files: [...files].map(([file, pem]) => ({ file, pem })),
  };
}
