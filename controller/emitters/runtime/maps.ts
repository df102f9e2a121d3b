/**
 * Routing changes as whole-map replacements over the Runtime API: each
 * frontend's route map, the weighted splits and the SNI passthrough map,
 * each committed as one new version (see RuntimeApi.replaceMaps), and the
 * same content written to the files that haproxy.cfg loads, so a later
 * reload starts from what HAProxy holds. A change confined to a few plain
 * vhosts replaces only the route overlay map (route-overlay.ts); any other
 * replaces the changed maps, then empties the overlay. Which map files exist is structure
 * (haproxy.cfg names them): both states of a plan have the same files.
 * Pure: returns the replacements and the files.
 */
import type { MapReplacement } from '../../haproxy/runtime-api.ts';
import type { DesiredState } from '../../model/types.ts';
import { mapFile, type RenderedFile } from '../config/render.ts';
import { type MapEntry, routingMaps } from '../config/route-map.ts';
import { PASSTHROUGH_MAP } from '../config/view.ts';
import { planOverlay } from './route-overlay.ts';

/** Content of each map file, by path relative to the config directory. */
export type MapFiles = ReadonlyMap<string, string>;

type RoutingState = Pick<DesiredState, 'routing' | 'listeners'>;

function entriesOf(state: RoutingState): [string, readonly MapEntry[]][] {
  return [...routingMaps(state.routing, state.listeners), [PASSTHROUGH_MAP, state.routing.passthrough]];
}

export function mapFilesOf(state: RoutingState): MapFiles {
  return new Map(entriesOf(state).map(([path, entries]) => [path, mapFile(entries)]));
}

export interface MapPlan {
  replace: MapReplacement[];
  write: RenderedFile[];
  files: MapFiles;
  /** The vhosts the route overlay map holds once the plan is applied. */
  overlay: ReadonlySet<string>;
}

/**
 * `applied` and `overlay` are what HAProxy holds: the map files, and the vhosts in the
 * route overlay. `dir` is the config directory, as haproxy.cfg names it.
 */
export function planMaps(
  before: RoutingState,
  applied: MapFiles,
  overlay: ReadonlySet<string>,
  after: RoutingState,
  dir: string,
): MapPlan {
  // The model hands back the same routing object when nothing in it changed.
  if (before.routing === after.routing) return { replace: [], write: [], files: applied, overlay };
  return planOverlay(before, applied, overlay, after, dir) ?? planAllMaps(applied, after, dir);
}

/**
 * Every map file whose content differs from `applied`, the route overlay last (empty): the
 * base map is complete before the overlay empties. Also the fold of the overlay.
 */
export function planAllMaps(applied: MapFiles, after: RoutingState, dir: string): MapPlan {
  const plan: MapPlan = { replace: [], write: [], files: new Map(), overlay: new Set() };
  const files = new Map<string, string>();
  for (const [path, entries] of entriesOf(after)) {
    const content = mapFile(entries);
    files.set(path, content);
    if (applied.get(path) === content) continue;
    plan.replace.push({ file: `${dir}/${path}`, lines: entries.map(([key, value]) => `${key} ${value}`) });
    plan.write.push({ path, content, mode: 0o644 });
  }
  plan.files = files;
  return plan;
}
