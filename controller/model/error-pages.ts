/**
 * Custom error pages (error-pages-service, ingress-nginx's default-backend
 * with custom-http-errors): the error Service of an Ingress becomes a
 * backend of its own, and each route of the Ingress gets a variant of its
 * backend whose policy asks it for the page (controller/emitters/config/
 * error-page-lines.ts, haproxy/lua/error-page.lua).
 */
import { objectRef, type Problem } from '../store/problems.ts';
import type { Ingress } from '../store/schemas.ts';
import type { Snapshot } from '../store/store.ts';
import { nsName } from '../store/store.ts';
import type { BackendCatalog, BackendExtra } from './backends.ts';
import { type IngressPath, rulesOf } from './ingress-rules.ts';
import { ingressRouteSettings } from './ingress-settings.ts';
import type { DialectOptions } from './settings/ingress-nginx/dialect.ts';
import type { SettingsLayer } from './settings/registry.ts';

export interface ErrorPagesInput {
  ingresses: readonly Ingress[];
  snapshot: Snapshot;
  backends: BackendCatalog;
  configLayer: SettingsLayer | undefined;
  dialect: DialectOptions;
  problems: Problem[];
}

export function errorPagePaths(input: ErrorPagesInput): Map<IngressPath, BackendExtra> {
  const out = new Map<IngressPath, BackendExtra>();
  for (const ingress of input.ingresses) {
    const s = ingressRouteSettings(ingress, input.configLayer, input.dialect, input.problems).settings;
    if (!s.errorPagesService) continue;
    const { namespace, name } = ingress.metadata;
    const ref = objectRef('Ingress', ingress.metadata);
    const service = input.snapshot.services.get(nsName(namespace, s.errorPagesService));
    const port = service?.spec.ports[0];
    if (!port) {
      input.problems.push({
        ref,
        field: 'error-pages-service',
        reason: 'UnresolvedReference',
        message: `Service ${namespace}/${s.errorPagesService} not found or has no port; the pods' answers go out as they are`,
        severity: 'error',
      });
      continue;
    }
    const backend = input.backends.use(
      { namespace, name: s.errorPagesService, port: { number: port.port } },
      undefined,
      ref,
    );
    const codes = s.errorPagesIntercept ? (s.errorPagesCodes ?? []) : [];
    for (const path of rulesOf(ingress).paths)
      out.set(path, {
        key: `error-pages ${backend} ${codes.join(',')}`,
        policy: {
          errorPages: {
            backend,
            codes,
            route: [
              namespace,
              name,
              path.ref.name,
              'number' in path.ref.port ? path.ref.port.number : path.ref.port.name,
            ].join(','),
          },
        },
      });
  }
  return out;
}
