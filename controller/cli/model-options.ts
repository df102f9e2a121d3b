/**
 * What the controller's flags mean to the model and to the rendered config: one place,
 * so that `render` and `lint` build exactly what the controller would.
 */
import type { Listen } from '../emitters/config/view.ts';
import type { ModelOptions } from '../model/build.ts';
import type { Options } from './options.ts';

/** Every option of the model, listed: a new one fails type-checking here until it is read from a flag. */
type AllModelOptions = { [K in keyof Required<ModelOptions>]: ModelOptions[K] };

/** `local`: the objects come from a manifests directory (local mode, the demo, `render` and `lint`). */
export function modelOptionsOf(options: Options, local: boolean): AllModelOptions {
  return {
    configMap: options.configmap,
    ingressClass: options['ingress.class'],
    emptyIngressClass: options['empty-ingress-class'],
    defaultBackendService: options['default-backend-service'],
    defaultSslCertificate: options['default-ssl-certificate'],
    allowConfigSnippets: options['allow-config-snippets'],
    annotationDialect: options['default-annotation-dialect'],
    ingressNginxAnnotations: !options['disable-ingress-nginx-annotations'],
    tcpServicesConfigMap: options['configmap-tcp-services'],
    errorfilesConfigMap: options['configmap-errorfiles'],
    patternfilesConfigMap: options['configmap-patternfiles'],
    local,
    gatewayApi: {
      controllerName: options['gateway-controller-name'],
      // Ports the controller and HAProxy bind for themselves: not for Gateway listeners.
      reservedPorts: [
        options['http-bind-port'],
        options['https-bind-port'],
        options['stats-bind-port'],
        options['healthz-bind-port'],
        options['controller-port'],
      ],
    },
  };
}

/** Where HAProxy listens; `ipv6` false where the host has no IPv6 (the controller checks). */
export function listenOf(options: Options, ipv6 = !options['disable-ipv6']): Listen {
  return {
    ipv4Address: options['disable-ipv4'] ? undefined : options['ipv4-bind-address'],
    ipv6Address: ipv6 ? options['ipv6-bind-address'] : undefined,
    httpPort: options['http-bind-port'],
    httpsPort: options['https-bind-port'],
    statsPort: options['stats-bind-port'],
    healthzPort: options['healthz-bind-port'],
    disabledPorts: [
      ...(options['disable-http'] ? [options['http-bind-port']] : []),
      ...(options['disable-https'] ? [options['https-bind-port']] : []),
    ],
  };
}
