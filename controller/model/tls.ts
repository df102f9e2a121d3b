/**
 * TLS in the desired state: certificates served by SNI (one per Secret), the
 * HTTPS frontend's client checks, TLS to the pods, and ssl-passthrough.
 */
import { X509Certificate } from 'node:crypto';
import type { Problem } from '../store/problems.ts';
import { type Ingress, TLS_SECRET_TYPE } from '../store/schemas.ts';
import { nsName, type Snapshot } from '../store/store.ts';
import { resolveAll, type SettingsLayer } from './settings/registry.ts';
import { TLS_FRONTEND_KEYS } from './settings/tls-keys.ts';
import type { Backend, Certificate } from './types.ts';

export function certificateFromSecret(
  snapshot: Snapshot,
  key: string,
  problems: Problem[],
  referrer: string,
): Certificate | undefined {
  const secret = snapshot.secrets.get(key);
  if (!secret) {
    problems.push({
      object: referrer,
      field: `secret ${key}`,
      message: 'Secret not found',
      severity: 'error',
    });
    return undefined;
  }
  if (secret.type !== TLS_SECRET_TYPE) {
    problems.push({
      object: referrer,
      field: `secret ${key}`,
      message: `Secret is of type ${secret.type}, expected ${TLS_SECRET_TYPE}`,
      severity: 'error',
    });
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
  for (const ingress of ingresses) {
    const label = `Ingress ${ingress.metadata.namespace}/${ingress.metadata.name}`;
    for (const tls of ingress.spec.tls) {
      if (!tls.secretName) continue;
      const key = nsName(ingress.metadata.namespace, tls.secretName);
      let certificate = certificates.get(key);
      if (!certificate) {
        certificate = certificateFromSecret(snapshot, key, problems, label);
        if (!certificate) continue;
        certificates.set(key, certificate);
      }
      for (const host of tls.hosts) {
        const owner = sniOwner.get(host);
        if (owner && owner !== key) {
          problems.push({
            object: label,
            field: `tls ${host}`,
            message: `host already served with Secret ${owner} by an older Ingress`,
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
}

/** `ns/name`, with a bare name taken in `namespace`. */
export const qualify = (ref: string, namespace: string): string =>
  ref.includes('/') ? ref : `${namespace}/${ref}`;

/** File (relative to the certificate directory) for a Secret used as `kind`. */
export const tlsFileName = (kind: 'client-ca' | 'server-ca' | 'server-crt', ref: string): string =>
  `${kind}/${ref.replace('/', '_')}.pem`;

/** The certificates in a Secret's `ca.crt`, or a problem. */
export function caBundleFromSecret(
  snapshot: Snapshot,
  key: string,
  problems: Problem[],
  referrer: string,
  field: string,
): string | undefined {
  const fail = (message: string) => {
    problems.push({ object: referrer, field, message: `Secret ${key}: ${message}`, severity: 'error' });
    return undefined;
  };
  const secret = snapshot.secrets.get(key);
  if (!secret) return fail('not found');
  const text = secret.values['ca.crt'];
  if (!text) return fail('has no ca.crt');
  const blocks = pemBlocks(text).filter((b) => b.startsWith('-----BEGIN CERTIFICATE-----'));
  if (blocks.length === 0) return fail('ca.crt holds no PEM certificate');
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch (error) {
      return fail(`ca.crt is not a valid certificate (${(error as Error).message})`);
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
  backends: Backend[];
}

/**
 * Everything TLS in the desired state: certificates, frontend options, the
 * files for client/server CAs and client certificates, server TLS settings
 * with their Secrets qualified (or failed closed).
 */
export function buildTls(input: TlsInput, problems: Problem[]): { tls: TlsState; backends: Backend[] } {
  const { snapshot, configLayer, configNamespace } = input;
  const layers = configLayer ? [configLayer] : [];
  const keys = resolveAll(TLS_FRONTEND_KEYS, layers, problems);
  const files = new Map<string, string>();

  let defaultCertificate: Certificate | undefined;
  if (input.defaultSslCertificate)
    defaultCertificate = certificateFromSecret(
      snapshot,
      input.defaultSslCertificate,
      problems,
      '--default-ssl-certificate',
    );
  else if (keys.sslCertificate)
    defaultCertificate = certificateFromSecret(
      snapshot,
      qualify(keys.sslCertificate, configNamespace),
      problems,
      configLayer?.object ?? 'ConfigMap',
    );

  let clientVerify: ClientVerify | undefined;
  if (keys.clientCa) {
    const ref = qualify(keys.clientCa, configNamespace);
    const pem = caBundleFromSecret(snapshot, ref, problems, configLayer?.object ?? 'ConfigMap', 'client-ca');
    if (pem) {
      const file = tlsFileName('client-ca', ref);
      files.set(file, pem);
      clientVerify = { caFile: file, optional: keys.clientCrtOptional };
    } else clientVerify = 'reject';
  }

  const backends = input.backends.map((backend) => serverTls(backend, snapshot, files, problems));

  return {
    tls: {
      certificates: collectCertificates(snapshot, input.ingresses, problems),
      defaultCertificate,
      frontend: {
        alpn: keys.tlsAlpn,
        strictSni: keys.clientStrictSni,
        clientVerify,
        proxyProtocol: keys.proxyProtocol,
      },
      files: [...files].map(([file, pem]) => ({ file, pem })).sort((a, b) => (a.file < b.file ? -1 : 1)),
    },
    backends,
  };
}

/** Qualifies a backend's server-ca / server-crt Secrets and records their files. */
function serverTls(
  backend: Backend,
  snapshot: Snapshot,
  files: Map<string, string>,
  problems: Problem[],
): Backend {
  const { serverSsl, serverCa, serverCrt } = backend.settings;
  if (!serverCa && !serverCrt) return backend;
  const namespace = backend.service.replace(/^Service /, '').split('/')[0] ?? 'default';
  const settings = { ...backend.settings };
  if (!serverSsl) {
    problems.push({
      object: backend.service,
      field: serverCa ? 'server-ca' : 'server-crt',
      message: 'has no effect without server-ssl; ignored',
      severity: 'warning',
    });
    return { ...backend, settings: { ...settings, serverCa: undefined, serverCrt: undefined } };
  }
  if (serverCa) {
    const ref = qualify(serverCa, namespace);
    const pem = caBundleFromSecret(snapshot, ref, problems, backend.service, 'server-ca');
    if (pem) {
      files.set(tlsFileName('server-ca', ref), pem);
      settings.serverCa = ref;
    } else settings.serverCa = SYSTEM_CA;
  }
  if (serverCrt) {
    const ref = qualify(serverCrt, namespace);
    const certificate = certificateFromSecret(snapshot, ref, problems, `${backend.service} server-crt`);
    if (certificate) {
      files.set(tlsFileName('server-crt', ref), certificate.pem);
      settings.serverCrt = ref;
    } else settings.serverCrt = undefined;
  }
  return { ...backend, settings };
}
