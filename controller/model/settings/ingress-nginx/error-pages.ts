/** ingress-nginx's custom error pages: default-backend, custom-http-errors, disable-proxy-intercept-errors. */
import { boolInto, declare, type NginxAnnotation, type Translation } from './annotation.ts';

export const ERROR_PAGE_ANNOTATIONS: NginxAnnotation[] = [
  declare({
    name: 'default-backend',
    support: 'honoured',
    becomes: ['error-pages-service'],
    note: "A Service of the Ingress's namespace that answers while a route has no pod (X-Code 503), and for the statuses of custom-http-errors.",
    translate: (value) => ({ set: { 'error-pages-service': value } }),
  }),
  declare({
    name: 'custom-http-errors',
    support: 'honoured',
    becomes: ['error-pages-codes'],
    note: 'Statuses of the pods answered by the default-backend Service instead, with X-Code, X-Format, X-Original-URI, X-Namespace, X-Ingress-Name, X-Service-Name and X-Service-Port.',
    translate: (value): Translation =>
      /^[45\d,\s]*$/.test(value)
        ? { set: { 'error-pages-codes': value } }
        : { invalid: 'must be statuses 400-599 separated by commas' },
  }),
  declare({
    name: 'disable-proxy-intercept-errors',
    support: 'honoured',
    becomes: ['error-pages-intercept'],
    note: "The pods' answers go out as they are, whatever custom-http-errors says.",
    translate: boolInto('error-pages-intercept', true),
  }),
];
