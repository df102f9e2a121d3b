/**
 * www-redirect (ingress-nginx's from-to-www-redirect): for each host of an
 * Ingress that asks for it, the other spelling (`www.<host>`, or `<host>`
 * without `www.`) gets a route of its own whose every request is redirected
 * (308) to the host the rule names, unless some rule names the other
 * spelling itself. The route goes to a variant of the host's backend whose
 * policy only redirects.
 */
import type { Problem } from '../store/problems.ts';
import type { Ingress } from '../store/schemas.ts';
import type { BackendCatalog } from './backends.ts';
import { rulesOf } from './ingress-rules.ts';
import { ingressRouteSettings } from './ingress-settings.ts';
import type { RouteTable } from './routes.ts';
import type { DialectOptions } from './settings/ingress-nginx/dialect.ts';
import type { SettingsLayer } from './settings/registry.ts';
import { ANY_HOST } from './types.ts';

/** The other spelling of a host: with `www.` added or taken away; none for wildcards. */
export function otherSpelling(host: string): string | undefined {
  if (host === ANY_HOST || host.startsWith('*')) return undefined;
  return host.startsWith('www.') ? host.slice(4) : `www.${host}`;
}

export interface WwwRedirectInput {
  ingresses: readonly Ingress[];
  table: RouteTable;
  backends: BackendCatalog;
  configLayer: SettingsLayer | undefined;
  dialect: DialectOptions;
  rankOf: (ingress: Ingress) => number;
  problems: Problem[];
}

/** Adds the redirect routes; call once every Ingress has added its own hosts. */
export function addWwwRedirects(input: WwwRedirectInput): void {
  const named = new Set(input.table.hosts());
  for (const ingress of input.ingresses) {
    const { settings } = ingressRouteSettings(ingress, input.configLayer, input.dialect, input.problems);
    if (!settings.wwwRedirect) continue;
    const rules = rulesOf(ingress);
    for (const path of rules.paths) {
      const from = otherSpelling(path.vhost);
      if (from) input.table.noteReader(from, rules.ref);
      if (!from || named.has(from)) continue;
      named.add(from);
      const backend = input.backends.use(path.ref, ingress, rules.ref, false, undefined, {
        key: `www-redirect ${path.vhost}`,
        policy: { wwwRedirect: path.vhost },
      });
      input.table.add(from, '/', 'Prefix', { backend, rank: input.rankOf(ingress), owner: rules.ref });
    }
  }
}
