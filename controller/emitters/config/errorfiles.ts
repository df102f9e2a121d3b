/**
 * Error pages from --configmap-errorfiles: an `errorfile` line in the
 * defaults section per status code, and the file it names. A change is
 * structure (HAProxy reads these files when it loads its config): it reloads.
 */
import { errorfilePath } from '../../model/errorfiles.ts';
import type { DesiredState } from '../../model/types.ts';
import type { RenderedFile } from './render.ts';

export function errorfileLines(state: DesiredState, configDir: string): string[] {
  return (state.errorfiles ?? []).map((e) => `errorfile ${e.code} ${configDir}/${errorfilePath(e.code)}`);
}

export function errorfileFiles(state: DesiredState): RenderedFile[] {
  return (state.errorfiles ?? []).map((e) => ({
    path: errorfilePath(e.code),
    content: e.content,
    mode: 0o644,
  }));
}
