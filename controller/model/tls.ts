/**
 * TLS in the desired state: certificates served by SNI (one per Secret), the
 * HTTPS frontend's client checks, TLS to the pods, and ssl-passthrough.
 */
import { X509Certificate } from 'node:crypto';
import { objectRef, type Problem, type ProblemRef } from '../store/problems.ts';
import { type Ingress, type Secret, TLS_SECRET_TYPE } from '../store/schemas.ts';
import { nsName, type Snapshot } from '../store/store.ts';
import { type KeyOrigin, type Origins, resolveAll, type SettingsLayer } from './settings/registry.ts';
import { TLS_FRONTEND_KEYS } from './settings/tls-keys.ts';

/** A certificate served by SNI: one per Secret. */
export interface Certificate {
  /** File name in the certificate directory, `<namespace>_<secret>.pem`. */
  file: string;
  /** Certificate chain followed by the private key. */
  pem: string;
  /** SNI names this certificate is served for (may include `*.` wildcards). */
  sni: string[];
}

/** Where a Secret was named, for the problems it raises: the object and the exact key or field. */
export interface SecretOrigin {
  ref: ProblemRef;
  field: string | undefined;
}

export type SecretOf = (key: string) => Secret | undefined;

const secretProblem = (origin: SecretOrigin, key: string, message: string): Problem => ({
  ref: origin.ref,
  ...(origin.field ? { field: origin.field } : {}),
  reason: 'UnresolvedReference',
  message: `Secret ${key} ${message}`,
  severity: 'error',
});

export function certificateFromSecret(
  secretOf: SecretOf,
  key: string,
  problems: Problem[],
  origin: SecretOrigin,
): Certificate | undefined {
  const secret = secretOf(key);
  if (!secret) {
    problems.push(secretProblem(origin, key, 'not found'));
    return undefined;
  }
  if (secret.type !== TLS_SECRET_TYPE) {
    problems.push(secretProblem(origin, key, `is of type ${secret.type}, expected ${TLS_SECRET_TYPE}`));
    return undefined;
  }
  const crt = secret.values['tls.crt'] as string;
  const privateKey = secret.values['tls.key'] as string;
  return {
    file: `${key.replace('/', '_')}.pem`,
    pem: `${[...pemBlocks(crt), ...pemBlocks(privateKey)].join('\n')}\n`,
    sni: [],
  };
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]{1,64})-----\r?\n[\s\S]*?-----END \1-----/g;

/**
 * The PEM blocks of a Secret value, one line per row and nothing else: no
 * blank lines, CRs or text between blocks. The Runtime API ends a certificate
 * payload at the first empty line, so the files and the payloads are the same.
 */
export function pemBlocks(text: string): string[] {
  return [...text.matchAll(PEM_BLOCK)].map(([block]) =>
    block
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '')
      .join('\n'),
  );
}

/** Collects the certificates of our Ingresses' `tls` sections; an SNI name claimed twice goes to the oldest. */
export function collectCertificates(
  snapshot: Snapshot,
  ingresses: readonly Ingress[],
  problems: Problem[],
): Certificate[] {
  const certificates = new Map<string, Certificate>();
  const sniOwner = new Map<string, string>();
  const secretOf: SecretOf = (key) => snapshot.secrets.get(key);
  for (const ingress of ingresses) {
    const ref = objectRef('Ingress', ingress.metadata);
    for (const [index, tls] of ingress.spec.tls.entries()) {
      if (!tls.secretName) continue;
      const key = nsName(ingress.metadata.namespace, tls.secretName);
      let certificate = certificates.get(key);
      if (!certificate) {
        certificate = certificateFromSecret(secretOf, key, problems, {
          ref,
          field: `spec.tls[${index}].secretName`,
        });
        if (!certificate) continue;
        certificates.set(key, certificate);
      }
      for (const host of tls.hosts) {
        const owner = sniOwner.get(host);
        if (owner && owner !== key) {
          problems.push({
            ref,
            field: `spec.tls[${index}].hosts`,
            reason: 'Conflict',
            message: `host ${host} already served with Secret ${owner} by an older Ingress`,
            severity: 'warning',
          });
          continue;
        }
        if (!owner) {
          sniOwner.set(host, key);
          certificate.sni.push(host);
        }
      }
    }
  }
  return [...certificates.values()]
    .filter((c) => c.sni.length > 0)
    .map((c) => ({ ...c, sni: c.sni.sort() }))
    .sort((a, b) => (a.file < b.file ? -1 : 1));
}

/** How the HTTPS frontend checks clients: a CA bundle to verify against, or refuse everyone. */
export type ClientVerify =
  | { caFile: string; optional: boolean }
  /** client-ca is set but its Secret is unusable: fail closed. */
  | 'reject';

export interface TlsFrontend {
  alpn: string;
  strictSni: boolean;
  clientVerify: ClientVerify | undefined;
  /** Sources that must send a PROXY protocol header. */
  proxyProtocol: string[] | undefined;
}

/** A file written beside the certificates: a CA bundle or a client certificate, under certs/. */
export interface TlsFile {
  file: string;
  pem: string;
}

export interface TlsState {
  /** Served by SNI through the crt-list (changed over the Runtime API). */
  certificates: Certificate[];
  /** Served when no SNI name matches; the bind line names it. */
  defaultCertificate: Certificate | undefined;
  frontend: TlsFrontend;
  files: TlsFile[];
  /** Hosts whose clients are asked for a certificate of their Ingress's CA (client-auth.ts). */
  clientAuth?: { sni: string; certificate: string | undefined; caFile: string }[];
}

/** `ns/name`, with a bare name taken in `namespace`. */
export const qualify = (ref: string, namespace: string): string =>
  ref.includes('/') ? ref : `${namespace}/${ref}`;

/** File (relative to the certificate directory) for a Secret used as `kind`. */
export const tlsFileName = (kind: 'client-ca' | 'server-ca' | 'server-crt', ref: string): string =>
  `${kind}/${ref.replace('/', '_')}.pem`;

/** The certificates in a Secret's `ca.crt`, or a problem. */
export function caBundleFromSecret(
  secretOf: SecretOf,
  key: string,
  problems: Problem[],
  origin: SecretOrigin,
): string | undefined {
  const fail = (message: string) => {
    problems.push(secretProblem(origin, key, message));
    return undefined;
  };
  const secret = secretOf(key);
  if (!secret) return fail('not found');
  // As in the reference controller, a CA kept as a TLS Secret's tls.crt is read too.
  const field = secret.values['ca.crt'] !== undefined ? 'ca.crt' : 'tls.crt';
  const text = secret.values[field];
  if (!text) return fail('has no ca.crt (nor tls.crt)');
  const blocks = pemBlocks(text).filter((b) => b.startsWith('-----BEGIN CERTIFICATE-----'));
  if (blocks.length === 0) return fail(`${field} holds no PEM certificate`);
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch (error) {
      return fail(`${field} is not a valid certificate (${(error as Error).message})`);
    }
  }
  return `${blocks.join('\n')}\n`;
}

/** Trust anchor for server-ca when its Secret is unusable: pods with private certificates get 503. */
export const SYSTEM_CA = '@system-ca';

export interface TlsInput {
  snapshot: Snapshot;
  /** The ConfigMap as a settings layer, and its namespace for bare Secret names. */
  configLayer: SettingsLayer | undefined;
  configNamespace: string;
  /** --default-ssl-certificate, which wins over the ssl-certificate key. */
  defaultSslCertificate: string | undefined;
  ingresses: readonly Ingress[];
  /** CA bundles and client certificates the backends' server TLS needs (server-tls.ts). */
  serverFiles: readonly TlsFile[];
}

/**
 * Everything TLS in the desired state: certificates, frontend options, the
 * files for client/server CAs and client certificates, server TLS settings
 * with their Secrets qualified (or failed closed).
 */
export function buildTls(input: TlsInput, problems: Problem[]): TlsState {
  const { snapshot, configLayer, configNamespace } = input;
  const secretOf: SecretOf = (key) => snapshot.secrets.get(key);
  const layers = configLayer ? [configLayer] : [];
  const origins: Origins<typeof TLS_FRONTEND_KEYS> = {};
  const keys = resolveAll(TLS_FRONTEND_KEYS, layers, problems, origins);
  const files = new Map<string, string>(input.serverFiles.map((f) => [f.file, f.pem]));
  const originOf = (origin: KeyOrigin | undefined): SecretOrigin => ({
    ref: origin?.ref ?? { flag: '--configmap' },
    field: origin?.field,
  });

  let defaultCertificate: Certificate | undefined;
  if (input.defaultSslCertificate)
    defaultCertificate = certificateFromSecret(secretOf, input.defaultSslCertificate, problems, {
      ref: { flag: '--default-ssl-certificate' },
      field: undefined,
    });
  else if (keys.sslCertificate)
    defaultCertificate = certificateFromSecret(
      secretOf,
      qualify(keys.sslCertificate, configNamespace),
      problems,
      originOf(origins.sslCertificate),
    );

  let clientVerify: ClientVerify | undefined;
  if (keys.clientCa) {
    const ref = qualify(keys.clientCa, configNamespace);
    const pem = caBundleFromSecret(secretOf, ref, problems, originOf(origins.clientCa));
    if (pem) {
      const file = tlsFileName('client-ca', ref);
      files.set(file, pem);
      clientVerify = { caFile: file, optional: keys.clientCrtOptional };
    } else clientVerify = 'reject';
  }

  return {
    certificates: collectCertificates(snapshot, input.ingresses, problems),
    defaultCertificate,
    frontend: {
      alpn: keys.tlsAlpn,
      strictSni: keys.clientStrictSni,
      clientVerify,
      proxyProtocol: keys.proxyProtocol,
    },
    files: [...files].map(([file, pem]) => ({ file, pem })).sort((a, b) => (a.file < b.file ? -1 : 1)),
  };
}
