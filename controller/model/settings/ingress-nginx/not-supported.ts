/**
 * ingress-nginx annotations that cannot be honoured here, each with why:
 * nginx-language snippets, Lua, ModSecurity, and nginx-only features.
 */
import { type NginxAnnotation, unsupported } from './annotation.ts';

const SNIPPET =
  'nginx configuration language cannot be run by HAProxy; HAProxy lines go in haproxy.org/backend-config-snippet (with --allow-config-snippets)';

export const NOT_SUPPORTED_ANNOTATIONS: NginxAnnotation[] = [
  unsupported('configuration-snippet', SNIPPET),
  unsupported('server-snippet', SNIPPET),
  unsupported('stream-snippet', SNIPPET),
  unsupported('auth-snippet', SNIPPET),
  unsupported(
    'modsecurity-snippet',
    'ModSecurity rules need the ModSecurity WAF, which HAProxy does not embed',
  ),
  unsupported('enable-modsecurity', 'the ModSecurity WAF is not embedded in HAProxy'),
  unsupported('enable-owasp-core-rules', 'the ModSecurity WAF is not embedded in HAProxy'),
  unsupported('modsecurity-transaction-id', 'the ModSecurity WAF is not embedded in HAProxy'),
  unsupported('enable-opentelemetry', 'OpenTelemetry tracing is not supported'),
  unsupported('opentelemetry-operation-name', 'OpenTelemetry tracing is not supported'),
  unsupported('opentelemetry-trust-incoming-span', 'OpenTelemetry tracing is not supported'),
  unsupported('mirror-target', 'request mirroring needs a SPOE agent; not supported'),
  unsupported('mirror-host', 'request mirroring needs a SPOE agent; not supported'),
  unsupported('mirror-request-body', 'request mirroring needs a SPOE agent; not supported'),
  unsupported('fastcgi-index', 'FastCGI to the pods is not supported'),
  unsupported('fastcgi-params-configmap', 'FastCGI to the pods is not supported'),
  unsupported('http2-push-preload', 'HTTP/2 server push is not supported by browsers or HAProxy'),
  unsupported('enable-access-log', 'access logs are set for all routes (ConfigMap log-format, dontlognull)'),
  unsupported('enable-rewrite-log', 'nginx rewrite logs have no HAProxy equivalent'),
  unsupported('ssl-ciphers', 'ciphers are set for the HTTPS frontend as a whole'),
  unsupported('ssl-prefer-server-ciphers', 'cipher preference is set for the HTTPS frontend as a whole'),
];
