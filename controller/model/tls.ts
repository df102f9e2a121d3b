/** TLS certificates for the HTTPS frontend: one per Secret, served by SNI. */
import type { Problem } from '../store/problems.ts';
import { type Ingress, TLS_SECRET_TYPE } from '../store/schemas.ts';
import { nsName, type Snapshot } from '../store/store.ts';
import type { Certificate } from './types.ts';

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
    pem: `${crt.trimEnd()}\n${privateKey.trimEnd()}\n`,
    sni: [],
  };
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
