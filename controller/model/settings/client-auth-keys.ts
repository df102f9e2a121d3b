/**
 * Client certificates per Ingress: its hosts ask HTTPS clients for a
 * certificate signed by a CA of its own, and its routes refuse requests
 * without a verified one. They carry ingress-nginx's auth-tls-* annotations
 * and work on their own (the ConfigMap's client-ca covers every host instead).
 */
import { z } from 'zod';
import { defineKey } from './registry.ts';
import { bool, isRegex, secretRef } from './values.ts';

const INGRESS = ['configmap', 'ingress'] as const;

export const CLIENT_AUTH_KEYS = {
  clientAuthCa: defineKey({
    name: 'client-auth-ca',
    scopes: INGRESS,
    schema: secretRef.optional(),
    default: undefined,
    description:
      "Secret (name in the Ingress's namespace, or namespace/name) whose ca.crt signs the client certificates the Ingress's HTTPS hosts ask for. Without a certificate, or with one the CA did not sign, a request gets 400 (see client-auth-verify).",
  }),
  clientAuthVerify: defineKey({
    name: 'client-auth-verify',
    scopes: INGRESS,
    schema: z
      .string()
      .transform((s) => s.trim().toLowerCase())
      .pipe(
        z.enum(['on', 'optional', 'optional_no_ca', 'off'], 'must be on, optional, optional_no_ca or off'),
      ),
    default: 'on' as 'on' | 'optional' | 'optional_no_ca' | 'off',
    description:
      'on: a verified certificate is required (400 without); optional: one that is sent must verify; optional_no_ca: any certificate, verified or not, passes; off: none is asked for.',
  }),
  clientAuthPassCertificate: defineKey({
    name: 'client-auth-pass-certificate',
    scopes: INGRESS,
    schema: bool,
    default: false,
    description: 'The client certificate reaches the pods URL-encoded (PEM) in the ssl-client-cert header.',
  }),
  clientAuthMatchSubject: defineKey({
    name: 'client-auth-match-subject',
    scopes: INGRESS,
    schema: z
      .string()
      .trim()
      .max(256, 'must be at most 256 characters')
      .regex(/^[A-Za-z0-9 =,.*+?^$()[\]{}|\\:_-]+$/, 'must be a regular expression without quotes or "#"')
      .refine(isRegex, 'must be a valid regular expression')
      .optional(),
    default: undefined,
    description:
      'A regular expression the subject of the client certificate (RFC 2253, e.g. CN=client,O=Example) must match; otherwise 403.',
  }),
  clientAuthErrorPage: defineKey({
    name: 'client-auth-error-page',
    scopes: INGRESS,
    schema: z
      .string()
      .trim()
      .max(1024, 'must be at most 1024 characters')
      .regex(/^https?:\/\/[A-Za-z0-9\-._~/:?&=,]+$/, 'must be an http(s) URL')
      .optional(),
    default: undefined,
    description:
      'Where a request without a verified certificate is redirected (302) instead of answered 400.',
  }),
};
