/**
 * Lookups in the model's sorted lists: routes are sorted by vhost first
 * (compareRoutes), vhosts by name, backends by name (steps/backends.ts). A
 * change then finds what it touches by bisection instead of a pass over all.
 */
import type { Backend } from './types.ts';

/** Where the items of `vhost` sit in `items`, sorted by vhost: `[start, end)`. */
export function vhostRange<T>(
  items: readonly T[],
  vhost: string,
  vhostOf: (item: T) => string,
): [number, number] {
  const bound = (above: (v: string) => boolean) => {
    let low = 0;
    let high = items.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (above(vhostOf(items[middle] as T))) high = middle;
      else low = middle + 1;
    }
    return low;
  };
  return [bound((v) => v >= vhost), bound((v) => v > vhost)];
}

/** The backend of that name in a list sorted by name. */
export function backendNamed(backends: readonly Backend[], name: string): Backend | undefined {
  const [start, end] = vhostRange(backends, name, (b) => b.name);
  return start < end ? backends[start] : undefined;
}
