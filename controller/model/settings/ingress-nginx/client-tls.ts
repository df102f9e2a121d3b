/**
 * ingress-nginx's client certificate authentication (auth-tls-*): the
 * Ingress's HTTPS hosts ask for a certificate of its CA; requests without a
 * verified one get 400, and the pods get the ssl-client-* headers.
 */
import { declare, type NginxAnnotation, type Translation } from './annotation.ts';

const into = (key: string) => (value: string) => ({ set: { [key]: value } });

export const CLIENT_TLS_ANNOTATIONS: NginxAnnotation[] = [
  declare({
    name: 'auth-tls-secret',
    support: 'honoured',
    becomes: ['client-auth-ca'],
    note: 'The Secret (namespace/name) whose ca.crt signs client certificates: without one, or with an untrusted one, a request gets 400; ssl-client-verify, ssl-client-subject-dn and ssl-client-issuer-dn reach the pods.',
    translate: into('client-auth-ca'),
  }),
  declare({
    name: 'auth-tls-verify-client',
    support: 'honoured',
    becomes: ['client-auth-verify'],
    note: 'on (default), optional, optional_no_ca or off.',
    translate: into('client-auth-verify'),
  }),
  declare({
    name: 'auth-tls-pass-certificate-to-upstream',
    support: 'honoured',
    becomes: ['client-auth-pass-certificate'],
    note: 'The client certificate reaches the pods URL-encoded (PEM) in ssl-client-cert.',
    translate: into('client-auth-pass-certificate'),
  }),
  declare({
    name: 'auth-tls-match-cn',
    support: 'honoured',
    becomes: ['client-auth-match-subject'],
    note: 'CN=<regular expression> the subject of the certificate must match; otherwise 403.',
    translate: (value): Translation =>
      value.trim().startsWith('CN=')
        ? { set: { 'client-auth-match-subject': value.trim() } }
        : { invalid: 'must start with CN=' },
  }),
  declare({
    name: 'auth-tls-error-page',
    support: 'honoured',
    becomes: ['client-auth-error-page'],
    note: 'Where a request without a verified certificate is redirected instead of answered 400.',
    translate: into('client-auth-error-page'),
  }),
  declare({
    name: 'auth-tls-verify-depth',
    support: 'mapped',
    becomes: [],
    note: 'HAProxy verifies the whole chain up to the CA, whatever its length.',
    translate: (value): Translation =>
      /^\d{1,3}$/.test(value.trim())
        ? { set: {}, differs: 'chains of any length are verified' }
        : { invalid: 'must be a whole number' },
  }),
];
