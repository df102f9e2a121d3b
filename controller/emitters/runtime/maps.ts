/**
 * Routing changes as whole-map replacements over the Runtime API: the route
 * map and the SNI passthrough map, each committed as one new version (see
 * RuntimeApi.replaceMaps), and the same content written to the files that
 * haproxy.cfg loads, so a later reload starts from what HAProxy holds.
 * Pure: returns the replacements and the files.
 */
import type { MapReplacement } from '../../haproxy/runtime-api.ts';
import type { Routing } from '../../model/types.ts';
import { mapFile, type RenderedFile } from '../config/render.ts';
import { type MapEntry, routeMapEntries } from '../config/route-map.ts';
import { PASSTHROUGH_MAP, ROUTE_MAP } from '../config/view.ts';

/** Content of each map file, by path relative to the config directory. */
export type MapFiles = ReadonlyMap<string, string>;

function entriesOf(routing: Routing): [string, readonly MapEntry[]][] {
  return [
    [ROUTE_MAP, routeMapEntries(routing)],
    [PASSTHROUGH_MAP, routing.passthrough],
  ];
}

export function mapFilesOf(routing: Routing): MapFiles {
  return new Map(entriesOf(routing).map(([path, entries]) => [path, mapFile(entries)]));
}

export interface MapPlan {
  replace: MapReplacement[];
  write: RenderedFile[];
  files: MapFiles;
}

/** `dir` is the config directory, as haproxy.cfg names it. */
export function planMaps(before: Routing, applied: MapFiles, after: Routing, dir: string): MapPlan {
  // The model hands back the same routing object when nothing in it changed.
  if (before === after) return { replace: [], write: [], files: applied };
  const plan: MapPlan = { replace: [], write: [], files: new Map() };
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
