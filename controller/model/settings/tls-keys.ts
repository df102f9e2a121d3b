/**
 * TLS keys: the HTTPS frontend (ConfigMap only) and TLS from HAProxy to the
 * pods (ConfigMap, Ingress or Service). Secret references are
 * `namespace/name`, or a bare name resolved in the namespace of the object
 * that uses it (the ConfigMap's, or the backend Service's).
 */
import { z } from 'zod';
import { defineKey } from './registry.ts';
import { addressList, bool, secretRef } from './values.ts';

const ALL = ['configmap', 'ingress', 'service'] as const;
const CONFIGMAP = ['configmap'] as const;

/** ALPN protocol names, comma-separated: `h2,http/1.1`. */
export const alpnList = z
  .string()
  .transform((s) => s.replace(/\s*,\s*/g, ',').trim())
  .pipe(
    z
      .string()
      .regex(
        /^[A-Za-z0-9._/-]{1,32}(,[A-Za-z0-9._/-]{1,32}){0,7}$/,
        'must be protocol names separated by commas, such as h2,http/1.1',
      ),
  );

export const serverProto = z
  .string()
  .trim()
  .pipe(z.enum(['h2'], { message: 'must be h2 (HTTP/1.1 is the default)' }));

/** HTTPS frontend keys: the bind line and what the client must present. */
export const TLS_FRONTEND_KEYS = {
  sslCertificate: defineKey({
    name: 'ssl-certificate',
    scopes: CONFIGMAP,
    schema: secretRef.optional(),
    default: undefined,
    description:
      'Default certificate (a kubernetes.io/tls Secret, `namespace/name`) served when no SNI name matches. --default-ssl-certificate wins over this key.',
  }),
  clientCa: defineKey({
    name: 'client-ca',
    scopes: CONFIGMAP,
    schema: secretRef.optional(),
    default: undefined,
    description:
      'Require client certificates verified against the `ca.crt` of this Secret (else its `tls.crt`, as the reference reads it). A missing or unusable Secret refuses every HTTPS connection (fail closed) and is reported.',
  }),
  clientCrtOptional: defineKey({
    name: 'client-crt-optional',
    scopes: CONFIGMAP,
    schema: bool,
    default: false,
    description:
      'With client-ca: verify a client certificate when one is sent, but accept connections without one.',
  }),
  clientStrictSni: defineKey({
    name: 'client-strict-sni',
    scopes: CONFIGMAP,
    schema: bool,
    default: false,
    description: 'Refuse TLS handshakes whose SNI names no known certificate (no default certificate).',
  }),
  tlsAlpn: defineKey({
    name: 'tls-alpn',
    scopes: CONFIGMAP,
    schema: alpnList,
    default: 'h2,http/1.1',
    description: 'ALPN protocols offered on the HTTPS port, in order of preference.',
  }),
  proxyProtocol: defineKey({
    name: 'proxy-protocol',
    scopes: CONFIGMAP,
    schema: addressList.optional(),
    default: undefined,
    description:
      'Sources (addresses or CIDR blocks, comma-separated) that must send a PROXY protocol header (v1 or v2) on the HTTP and HTTPS ports; the client address it carries is used.',
  }),
};

/** TLS from HAProxy to the pods, and TCP passthrough of TLS by SNI. */
export const TLS_BACKEND_KEYS = {
  serverSsl: defineKey({
    name: 'server-ssl',
    scopes: ALL,
    schema: bool,
    default: false,
    description:
      'Connect to the pods over TLS. Without server-ca the pod certificate is not verified (`verify none`).',
  }),
  serverCa: defineKey({
    name: 'server-ca',
    scopes: ALL,
    schema: secretRef.optional(),
    default: undefined,
    description:
      'With server-ssl: verify pod certificates against the `ca.crt` of this Secret. A missing or unusable Secret is reported and verification falls back to the system CAs (fail closed).',
  }),
  serverCrt: defineKey({
    name: 'server-crt',
    scopes: ALL,
    schema: secretRef.optional(),
    default: undefined,
    description: 'With server-ssl: client certificate (a kubernetes.io/tls Secret) presented to the pods.',
  }),
  serverProto: defineKey({
    name: 'server-proto',
    scopes: ALL,
    schema: serverProto.optional(),
    default: undefined,
    description: 'Protocol spoken to the pods: `h2` (HTTP/2, over TLS with server-ssl, else cleartext h2c).',
  }),
  sslPassthrough: defineKey({
    name: 'ssl-passthrough',
    scopes: ALL,
    schema: bool,
    default: false,
    description:
      "Pass TLS on the HTTPS port through to the pods by SNI, unterminated (TCP): the pods present their own certificates. The route's hosts are then served only on the HTTPS port; of the request annotations only allow-list and deny-list apply (by source address, when the connection starts).",
  }),
};
