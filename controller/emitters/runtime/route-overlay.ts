/**
 * Route changes confined to a few plain vhosts (a path or a host added on
 * existing backends) as a write of the overlay map only: the vhosts it held
 * and the changed ones, each with all its keys from the new routing
 * (route-map.ts says why that is enough). At 10,000 vhosts that is a few
 * lines where replacing routes.map is 10,000. The applier folds the overlay
 * back into routes.map when routing is quiet (planMaps with an empty overlay).
 */
import type { DesiredState } from '../../model/types.ts';
import { mapFile } from '../config/render.ts';
import { plainVhostChange } from '../config/route-changes.ts';
import { type MapEntry, planRoutes, ROUTE_MAP, ROUTE_OVERLAY_MAP } from '../config/route-map.ts';
import type { MapFiles, MapPlan } from './maps.ts';

/** Beyond this many vhosts the overlay is folded at once: its writes would cost what a fold does. */
export const OVERLAY_LIMIT = 500;

type RoutingState = Pick<DesiredState, 'routing' | 'listeners'>;

/**
 * The overlay write that takes `before` to `after`, given the vhosts the overlay holds
 * (`overlay`) and the map files HAProxy holds (`applied`); undefined when the change
 * needs the full path: a vhost removed (the base map still has its keys), anything
 * beyond plain vhosts, frontends that do not all look routes up in ROUTE_MAP.
 */
export function planOverlay(
  before: RoutingState,
  applied: MapFiles,
  overlay: ReadonlySet<string>,
  after: RoutingState,
  dir: string,
): MapPlan | undefined {
  if ((after.listeners?.length ?? 0) > 0) return undefined;
  const plan = planRoutes(after.routing);
  if (plan.frontends.some((f) => f.map !== ROUTE_MAP)) return undefined;
  const change = plainVhostChange(before.routing, after.routing);
  if (!change) return undefined;
  if (change.vhosts.size === 0) return { replace: [], write: [], files: applied, overlay };
  const present = new Set(change.after.vhosts.map((v) => v.name));
  for (const vhost of change.vhosts) if (!present.has(vhost)) return undefined;
  const vhosts = new Set([...overlay, ...change.vhosts]);
  if (vhosts.size > OVERLAY_LIMIT) return undefined;
  const entries = entriesOfVhosts(plan.frontends[0]?.entries ?? [], vhosts);
  const content = mapFile(entries);
  const files = new Map(applied);
  files.set(ROUTE_OVERLAY_MAP, content);
  return {
    replace: [
      { file: `${dir}/${ROUTE_OVERLAY_MAP}`, lines: entries.map(([key, value]) => `${key} ${value}`) },
    ],
    write: [{ path: ROUTE_OVERLAY_MAP, content, mode: 0o644 }],
    files,
    overlay: vhosts,
  };
}

/**
 * The entries of these vhosts, sorted. `entries` is sorted by key, so the keys of a
 * vhost (those starting `<vhost>/`) are one run, found by binary search.
 */
export function entriesOfVhosts(entries: readonly MapEntry[], vhosts: ReadonlySet<string>): MapEntry[] {
  const found: MapEntry[] = [];
  for (const vhost of vhosts) {
    const prefix = `${vhost}/`;
    let low = 0;
    let high = entries.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((entries[mid] as MapEntry)[0] < prefix) low = mid + 1;
      else high = mid;
    }
    for (let i = low; i < entries.length && (entries[i] as MapEntry)[0].startsWith(prefix); i++)
      found.push(entries[i] as MapEntry);
  }
  return found.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
