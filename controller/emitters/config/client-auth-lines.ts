/**
 * Client certificates per Ingress (client-auth-*, ingress-nginx's auth-tls-*).
 * The HTTPS frontend asks the Ingress's hosts for a certificate through a
 * crt-list of their own, listed before the main one (the first line naming
 * an SNI wins), and verifies it without ending the handshake; the routes'
 * request rules then answer as ingress-nginx does: 400 without a verified
 * certificate (or a redirect to the error page), 403 when the subject does
 * not match, and the ssl-client-* headers for the pods (never the client's own).
 */
import type { BackendPolicy } from '../../model/policy.ts';
import type { DesiredState } from '../../model/types.ts';

/** The crt-list of the hosts that ask for client certificates, relative to the config directory. */
export const CLIENT_AUTH_CRT_LIST = 'certs/client-auth.crt-list';

/** Its lines: the host's certificate (else the default one), the Ingress's CA, `verify optional`. */
export function clientAuthCrtList(state: DesiredState, dir: string, defaultCertificate: string): string {
  return (state.tls.clientAuth ?? [])
    .map((h) => {
      const certificate = h.certificate ? `${dir}/certs/${h.certificate}` : `${dir}/${defaultCertificate}`;
      return `${certificate} [ca-file ${dir}/certs/${h.caFile} verify optional] ${h.sni}\n`;
    })
    .join('');
}

type ClientAuth = NonNullable<BackendPolicy['clientAuth']>;

export function clientAuthLines(auth: ClientAuth): string[] {
  const verified = '{ ssl_c_used } { ssl_c_verify 0 }';
  const failed = '{ ssl_c_used } !{ ssl_c_verify 0 }';
  const missing = '{ ssl_fc } !{ ssl_c_used }';
  const refuse = (when: string) =>
    auth.errorPage
      ? `http-request redirect location '${auth.errorPage}' code 302 if ${when}`
      : `http-request deny deny_status 400 if ${when}`;
  return [
    ...(auth.verify === 'on' ? [refuse(missing)] : []),
    ...(auth.verify !== 'optional_no_ca' ? [refuse(failed)] : []),
    ...(auth.matchSubject
      ? [
          `http-request deny deny_status 403 if { ssl_fc } !{ ssl_c_s_dn(,0,rfc2253) -m reg '${auth.matchSubject}' }`,
        ]
      : []),
    'http-request del-header ssl-client-verify',
    'http-request del-header ssl-client-subject-dn',
    'http-request del-header ssl-client-issuer-dn',
    'http-request del-header ssl-client-cert',
    `http-request set-header ssl-client-verify SUCCESS if ${verified}`,
    `http-request set-header ssl-client-verify FAILED:%[ssl_c_verify] if ${failed}`,
    `http-request set-header ssl-client-verify NONE if ${missing}`,
    'http-request set-header ssl-client-subject-dn %[ssl_c_s_dn(,0,rfc2253)] if { ssl_c_used }',
    'http-request set-header ssl-client-issuer-dn %[ssl_c_i_dn(,0,rfc2253)] if { ssl_c_used }',
    ...(auth.passCertificate
      ? ['http-request set-header ssl-client-cert %[lua.client_cert_pem] if { ssl_c_used }']
      : []),
  ];
}
