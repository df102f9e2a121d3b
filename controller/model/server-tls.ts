/**
 * TLS to the pods of one backend: server-ca and server-crt name Secrets,
 * qualified in the Service's namespace and read here, so that the backend
 * carries the file names HAProxy loads and the problems point at the key
 * that named the Secret (Service, Ingress or ConfigMap). An unusable CA
 * fails closed (the system trust store: pods with private certificates get
 * 503); an unusable client certificate is left out.
 */
import type { Problem } from '../store/problems.ts';
import type { BACKEND_KEYS } from './settings/keys.ts';
import type { Origins } from './settings/registry.ts';
import {
  caBundleFromSecret,
  certificateFromSecret,
  qualify,
  type SecretOf,
  SYSTEM_CA,
  type TlsFile,
  tlsFileName,
} from './tls.ts';
import type { BackendSettings } from './types.ts';

export function resolveServerTls(
  settings: BackendSettings,
  origins: Origins<typeof BACKEND_KEYS>,
  namespace: string,
  secretOf: SecretOf,
  problems: Problem[],
): { settings: BackendSettings; files: TlsFile[] } {
  const { serverSsl, serverCa, serverCrt } = settings;
  if (!serverCa && !serverCrt) return { settings, files: [] };
  if (!serverSsl) {
    const origin = serverCa ? origins.serverCa : origins.serverCrt;
    if (origin)
      problems.push({
        ref: origin.ref,
        field: origin.field,
        reason: 'Ineffective',
        message: 'has no effect without server-ssl; ignored',
        severity: 'warning',
      });
    return { settings: { ...settings, serverCa: undefined, serverCrt: undefined }, files: [] };
  }
  const files: TlsFile[] = [];
  const resolved = { ...settings };
  if (serverCa && origins.serverCa) {
    const key = qualify(serverCa, namespace);
    const pem = caBundleFromSecret(secretOf, key, problems, origins.serverCa);
    if (pem) {
      files.push({ file: tlsFileName('server-ca', key), pem });
      resolved.serverCa = key;
    } else resolved.serverCa = SYSTEM_CA;
  }
  if (serverCrt && origins.serverCrt) {
    const key = qualify(serverCrt, namespace);
    const certificate = certificateFromSecret(secretOf, key, problems, origins.serverCrt);
    if (certificate) {
      files.push({ file: tlsFileName('server-crt', key), pem: certificate.pem });
      resolved.serverCrt = key;
    } else resolved.serverCrt = undefined;
  }
  return { settings: resolved, files };
}
