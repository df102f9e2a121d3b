/** Self-signed certificates for TLS tests. */
import { selfSignedCertificate } from '../../controller/emitters/config/self-signed.ts';

export function selfSigned(
  commonName: string,
  altNames: string[] = [commonName],
): { cert: string; key: string } {
  return selfSignedCertificate(commonName, altNames, 2);
}
