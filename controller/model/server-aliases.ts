/**
 * server-alias (ingress-nginx's server-alias): more host names for an
 * Ingress, each with the same routes as the Ingress's own hosts. A name
 * that a rule of some Ingress names keeps its own routes; the alias is
 * reported, as ingress-nginx ignores it.
 */
import { objectRef } from '../store/problems.ts';
import type { IngressRouteInput } from './ingress-route-input.ts';
import { rulesOf } from './ingress-rules.ts';
import { ingressRouteSettings } from './ingress-settings.ts';
import type { RouteTable } from './routes.ts';

/** `ingresses`: those whose paths are routes (no canaries). */
export interface AliasInput extends IngressRouteInput {
  table: RouteTable;
}

/** Adds the aliases' routes; call once every Ingress has added its own hosts. */
export function addServerAliases(input: AliasInput): void {
  const named = new Set(input.table.hosts());
  const taken = new Set<string>();
  for (const ingress of input.ingresses) {
    const aliases = ingressRouteSettings(ingress, input.configLayer, input.dialect, input.problems).settings
      .serverAlias;
    if (!aliases) continue;
    const ref = objectRef('Ingress', ingress.metadata);
    for (const alias of aliases) {
      input.table.noteReader(alias, ref);
      if (named.has(alias) || taken.has(alias)) {
        input.problems.push({
          ref,
          field: 'server-alias',
          reason: 'Conflict',
          message: `alias ${alias} is a host of its own${taken.has(alias) ? ' (an alias of an older Ingress)' : ''}; ignored`,
          severity: 'warning',
        });
        continue;
      }
      taken.add(alias);
      for (const path of rulesOf(ingress).paths) {
        const route = input.routeOf(path);
        if (!route) continue;
        input.table.add(alias, route.written, route.match, {
          backend: input.backendOf(ingress, path),
          rank: input.rankOf(ingress),
          owner: ref,
        });
      }
    }
  }
}
