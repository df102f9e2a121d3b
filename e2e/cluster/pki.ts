/**
 * The test cluster's keys, made with openssl into its temp dir: a CA, the API server's
 * serving certificate for 127.0.0.1 signed by it, and the key pair that signs and
 * verifies service account tokens.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ClusterPki {
  caCert: string;
  /** The CA certificate in PEM, for kubeconfigs and HTTPS clients. */
  caPem: string;
  servingCert: string;
  servingKey: string;
  serviceAccountKey: string;
  serviceAccountPub: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export function writeClusterPki(dir: string, days = 2): ClusterPki {
  const file = (name: string) => join(dir, name);
  openssl(
    [
      'req',
      '-x509',
      ...EC_KEY,
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      String(days),
      '-subj',
      '/CN=e2e-cluster-ca',
    ],
    dir,
  );
  openssl(
    ['req', ...EC_KEY, '-keyout', 'serving.key', '-out', 'serving.csr', '-subj', '/CN=kube-apiserver'],
    dir,
  );
  writeFileSync(
    file('serving.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n',
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'serving.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      String(days),
      '-extfile',
      'serving.ext',
      '-out',
      'serving.crt',
    ],
    dir,
  );
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'sa.key'], dir);
  openssl(['pkey', '-in', 'sa.key', '-pubout', '-out', 'sa.pub'], dir);
  return {
    caCert: file('ca.crt'),
    caPem: readFileSync(file('ca.crt'), 'utf8'),
    servingCert: file('serving.crt'),
    servingKey: file('serving.key'),
    serviceAccountKey: file('sa.key'),
    serviceAccountPub: file('sa.pub'),
  };
}
