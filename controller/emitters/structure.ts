/**
 * What needs a reload and what does not: the structure of the desired state
 * is everything except which pods sit behind each backend.
 */
import type { DesiredState } from '../model/types.ts';

export function structureOf(state: DesiredState): string {
  const { problems: _problems, backends, ...rest } = state;
  return JSON.stringify({ ...rest, backends: backends.map(({ endpoints: _endpoints, ...b }) => b) });
}

/** A short, human reason for a reload, naming the first parts that changed. */
export function describeChange(before: DesiredState | undefined, after: DesiredState): string {
  if (!before) return 'initial config';
  const reasons: string[] = [];
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  if (!same(before.global, after.global) || !same(before.defaults, after.defaults))
    reasons.push('global settings');
  if (!same(before.routes, after.routes) || before.defaultBackend !== after.defaultBackend)
    reasons.push('routes');
  if (!same(before.tls, after.tls)) reasons.push('certificates');
  const names = (s: DesiredState) => s.backends.map((b) => b.name);
  const added = names(after).filter((n) => !names(before).includes(n));
  const removed = names(before).filter((n) => !names(after).includes(n));
  if (added.length)
    reasons.push(`backends added (${added.slice(0, 3).join(', ')}${added.length > 3 ? ', …' : ''})`);
  if (removed.length)
    reasons.push(`backends removed (${removed.slice(0, 3).join(', ')}${removed.length > 3 ? ', …' : ''})`);
  const settings = after.backends.filter((b) => {
    const old = before.backends.find((o) => o.name === b.name);
    return old && !same(old.settings, b.settings);
  });
  if (settings.length)
    reasons.push(
      `backend settings (${settings
        .slice(0, 3)
        .map((b) => b.name)
        .join(', ')})`,
    );
  return reasons.join(', ') || 'config';
}
