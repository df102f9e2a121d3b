/** What the Ingress route features built on the route table (canaries, server aliases) read. */
import type { Problem } from '../store/problems.ts';
import type { Ingress } from '../store/schemas.ts';
import type { IngressPath } from './ingress-rules.ts';
import type { DialectOptions } from './settings/ingress-nginx/dialect.ts';
import type { SettingsLayer } from './settings/registry.ts';
import type { PathMatch } from './types.ts';

export interface IngressRouteInput {
  /** The Ingresses the feature reads, oldest first. */
  ingresses: readonly Ingress[];
  configLayer: SettingsLayer | undefined;
  dialect: DialectOptions;
  rankOf: (ingress: Ingress) => number;
  /** The backend a path of an Ingress routes to. */
  backendOf: (ingress: Ingress, path: IngressPath) => string;
  /** How a path is routed: its path or pattern and match; undefined when it is not served. */
  routeOf: (path: IngressPath) => { written: string; match: PathMatch } | undefined;
  problems: Problem[];
}
