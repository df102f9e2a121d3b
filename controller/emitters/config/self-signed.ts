/** Self-signed certificates made with openssl: the fallback certificate, and test and benchmark fixtures. */
import { execFileSync } from 'node:child_process';

export interface KeyPair {
  cert: string;
  key: string;
}

export function selfSignedCertificate(commonName: string, altNames: string[] = [], days = 3650): KeyPair {
  const san = altNames.length
    ? ['-addext', `subjectAltName=${altNames.map((n) => `DNS:${n}`).join(',')}`]
    : [];
  // Key and certificate both go to stdout: no private key ever touches a temporary file.
  const pem = execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      '-',
      '-out',
      '-',
      '-days',
      String(days),
      '-subj',
      `/CN=${commonName}`,
      ...san,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const key = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----\n/.exec(pem)?.[0];
  const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/.exec(pem)?.[0];
  if (!key || !cert) throw new Error('openssl did not produce a certificate and key');
  return { cert, key };
}
