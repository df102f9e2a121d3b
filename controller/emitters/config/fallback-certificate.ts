/**
 * The HTTPS frontend always needs a certificate to bind. Without
 * --default-ssl-certificate we generate a self-signed one once per config
 * directory (like the reference controller's "fake" certificate).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { selfSignedCertificate } from './self-signed.ts';

/** Returns the PEM (certificate and key) kept at `path`, creating it the first time. */
export async function fallbackCertificate(path: string): Promise<string> {
  const existing = await readFile(path, 'utf8').catch(() => undefined);
  if (existing) return existing;
  await mkdir(dirname(path), { recursive: true });
  const { cert, key } = selfSignedCertificate('haproxy-sidecar-ingress default certificate');
  const pem = cert + key;
  const tmp = join(dirname(path), `.fallback-${process.pid}.pem`);
  await writeFile(tmp, pem, { mode: 0o600 });
  await rename(tmp, path);
  return pem;
}
