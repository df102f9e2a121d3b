/**
 * Custom error pages: a Service that answers in place of the pods for
 * chosen statuses, and in place of a route without pods. They carry
 * ingress-nginx's default-backend, custom-http-errors and
 * disable-proxy-intercept-errors, and work on their own.
 */
import { z } from 'zod';
import { defineKey } from './registry.ts';
import { bool } from './values.ts';

const INGRESS = ['configmap', 'ingress'] as const;

export const ERROR_PAGE_KEYS = {
  errorPagesService: defineKey({
    name: 'error-pages-service',
    scopes: INGRESS,
    schema: z
      .string()
      .trim()
      .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, "must be a Service name (in the Ingress's namespace)")
      .optional(),
    default: undefined,
    description:
      "A Service (its first port, in the Ingress's namespace) that answers in place of the Ingress's pods: for the statuses of error-pages-codes, and with X-Code 503 while a route has no pod. It gets GET / with X-Code, X-Format, X-Original-URI, X-Namespace, X-Ingress-Name, X-Service-Name and X-Service-Port; its answer goes to the client.",
  }),
  errorPagesCodes: defineKey({
    name: 'error-pages-codes',
    scopes: INGRESS,
    schema: z
      .string()
      .refine((s) => !/[\r\n\0]/.test(s), 'must be on one line')
      .transform((s) => s.split(/[ \t,]+/).filter((c) => c !== ''))
      .pipe(
        z
          .array(
            z
              .string()
              .regex(/^[45]\d\d$/, 'each must be a status from 400 to 599')
              .transform(Number),
          )
          .min(1)
          .max(64),
      )
      .optional(),
    default: undefined,
    description:
      'Statuses of the pods (400-599, separated by commas) that error-pages-service answers instead.',
  }),
  errorPagesIntercept: defineKey({
    name: 'error-pages-intercept',
    scopes: INGRESS,
    schema: bool,
    default: true,
    description: "false: the pods' answers go to the client as they are, whatever error-pages-codes says.",
  }),
};
