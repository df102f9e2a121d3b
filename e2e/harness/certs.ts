/** Self-signed certificates and test CAs for TLS tests. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selfSignedCertificate } from '../../controller/emitters/config/self-signed.ts';

export function selfSigned(
  commonName: string,
  altNames: string[] = [commonName],
): { cert: string; key: string } {
  return selfSignedCertificate(commonName, altNames, 2);
}

export interface TestCa {
  cert: string;
  key: string;
  /** Issues a leaf certificate (server or client) signed by this CA. */
  issue(commonName: string, altNames?: string[]): { cert: string; key: string };
}

/** A throwaway certificate authority (openssl, files in a private temporary directory). */
export function testCa(name: string): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'hsi-ca-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const run = (args: string[]) =>
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', `/CN=${name}`]);
  let serial = 0;
  return {
    cert: readFileSync(join(dir, 'ca.crt'), 'utf8'),
    key: readFileSync(join(dir, 'ca.key'), 'utf8'),
    issue(commonName, altNames = [commonName]) {
      serial++;
      run([
        'req',
        '-new',
        ...ec,
        '-keyout',
        `${serial}.key`,
        '-out',
        `${serial}.csr`,
        '-subj',
        `/CN=${commonName}`,
      ]);
      writeFileSync(
        join(dir, `${serial}.ext`),
        `subjectAltName=${altNames.map((n) => `DNS:${n}`).join(',')}\n`,
      );
      run([
        'x509',
        '-req',
        '-in',
        `${serial}.csr`,
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-set_serial',
        String(serial),
        '-days',
        '2',
        '-out',
        `${serial}.crt`,
        '-extfile',
        `${serial}.ext`,
      ]);
      return {
        cert: readFileSync(join(dir, `${serial}.crt`), 'utf8'),
        key: readFileSync(join(dir, `${serial}.key`), 'utf8'),
      };
    },
  };
}
