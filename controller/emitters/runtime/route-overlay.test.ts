/**
 * The route overlay: which vhosts a route change writes to the overlay map,
 * which changes take the full path (the base map, then the overlay emptied),
 * and what the fold writes. Requests are looked up as routingLines() does:
 * the overlay first, the base map unless the overlay found a key.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Route, Routing, Vhost } from '../../model/types.ts';
import {
  lookupRoute,
  type MapEntry,
  ROUTE_MAP,
  ROUTE_OVERLAY_MAP,
  routeMapEntries,
} from '../config/route-map.ts';
import { type MapFiles, mapFilesOf, planAllMaps, planMaps } from './maps.ts';
import { OVERLAY_LIMIT } from './route-overlay.ts';

const DIR = '/etc/haproxy';
const route = (vhost: string, path: string, backend = 'web', extra: Partial<Route> = {}): Route => ({
  vhost,
  path,
  match: 'Prefix',
  backend,
  ...extra,
});

/** A routing with a `/` route on each host, and `extra` routes. */
function routingOf(hosts: string[], extra: Route[] = []): { routing: Routing } {
  const routes = [...hosts.map((h) => route(h, '/')), ...extra].sort((a, b) =>
    a.vhost < b.vhost ? -1 : a.vhost > b.vhost ? 1 : a.path < b.path ? -1 : 1,
  );
  const vhosts: Vhost[] = [...new Set(routes.map((r) => r.vhost))]
    .sort()
    .map((name) => ({ name, fallback: undefined }));
  return { routing: { vhosts, routes, defaultBackend: 'default_404', passthrough: [] } };
}

const parse = (content: string): MapEntry[] =>
  content
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' ') as unknown as MapEntry);

/** What HAProxy answers with these map files: the overlay for the hosts it holds, else the base map. */
function effective(files: MapFiles, host: string, path: string): string | undefined {
  const overlay = parse(files.get(ROUTE_OVERLAY_MAP) ?? '');
  const base = parse(files.get(ROUTE_MAP) ?? '');
  for (const vhost of [host, host.replace(/^[^.]*/, '*'), '*']) {
    const answer = lookupRoute(overlay, vhost, path) ?? lookupRoute(base, vhost, path);
    if (answer !== undefined) return answer;
  }
  return undefined;
}

const HOSTS = ['a.example', 'b.example', 'ab.example', 'a.example.org'];

describe('route overlay', () => {
  const start = routingOf(HOSTS);
  const applied = mapFilesOf(start);

  it('writes only the overlay, with all keys of the changed vhosts, for a path and a host added', () => {
    const next = routingOf([...HOSTS, 'new.example'], [route('a.example', '/v2', 'api')]);
    const plan = planMaps(start, applied, new Set(), next, DIR);
    assert.deepEqual(
      plan.replace.map((r) => r.file),
      [`${DIR}/${ROUTE_OVERLAY_MAP}`],
    );
    assert.deepEqual(plan.replace[0]?.lines, [
      'a.example/ web',
      'a.example/v2/ api',
      'a.example/v2? api',
      'new.example/ web',
    ]);
    assert.deepEqual([...plan.overlay].sort(), ['a.example', 'new.example']);
    assert.equal(plan.files.get(ROUTE_MAP), applied.get(ROUTE_MAP), 'the base map is not touched');
    assert.deepEqual(
      plan.write.map((w) => [w.path, w.content]),
      [[ROUTE_OVERLAY_MAP, plan.files.get(ROUTE_OVERLAY_MAP)]],
    );
    for (const [host, path, backend] of [
      ['a.example', '/v2/x', 'api'],
      ['a.example', '/v2x', 'web'],
      ['ab.example', '/v2', 'web'],
      ['a.example.org', '/v2', 'web'],
      ['new.example', '/', 'web'],
      ['other.example', '/', 'default_404'],
    ])
      assert.equal(effective(plan.files, host as string, path as string), backend, `${host}${path}`);

    // The next change keeps the vhosts the overlay holds, with their entries from the new routing.
    const third = routingOf(
      [...HOSTS, 'new.example'],
      [route('a.example', '/v2', 'api'), route('b.example', '/b', 'api')],
    );
    const again = planMaps(next, plan.files, plan.overlay, third, DIR);
    assert.deepEqual([...again.overlay].sort(), ['a.example', 'b.example', 'new.example']);
    assert.deepEqual(
      parse(again.files.get(ROUTE_OVERLAY_MAP) ?? '').map(([k]) => k),
      [
        'a.example/',
        'a.example/v2/',
        'a.example/v2?',
        'b.example/',
        'b.example/b/',
        'b.example/b?',
        'new.example/',
      ],
    );
  });

  it('takes the full path when a vhost is removed: the base map first, then the overlay emptied', () => {
    const next = routingOf(HOSTS, [route('a.example', '/v2', 'api')]);
    const written = planMaps(start, applied, new Set(), next, DIR);
    const removed = routingOf(
      HOSTS.filter((h) => h !== 'b.example'),
      [route('a.example', '/v2', 'api')],
    );
    const plan = planMaps(next, written.files, written.overlay, removed, DIR);
    assert.deepEqual(
      plan.replace.map((r) => r.file),
      [`${DIR}/${ROUTE_MAP}`, `${DIR}/${ROUTE_OVERLAY_MAP}`],
    );
    assert.deepEqual(plan.replace[1]?.lines, []);
    assert.equal(plan.overlay.size, 0);
    assert.deepEqual(plan.files, mapFilesOf(removed));
    assert.equal(effective(plan.files, 'b.example', '/'), 'default_404');
    assert.equal(effective(plan.files, 'a.example', '/v2'), 'api');
  });

  it('takes the full path for a change beyond plain vhosts, or an overlay grown too large', () => {
    const conditional = routingOf(HOSTS, [
      route('a.example', '/v2', 'api', { conditions: [{ kind: 'method', method: 'POST' }] }),
    ]);
    assert.equal(
      planMaps(start, applied, new Set(), conditional, DIR).replace[0]?.file,
      `${DIR}/${ROUTE_MAP}`,
    );
    const many = new Set(Array.from({ length: OVERLAY_LIMIT + 1 }, (_, i) => `h${i}.example`));
    const next = routingOf([...HOSTS, ...many]);
    const plan = planMaps(start, applied, new Set(), next, DIR);
    assert.deepEqual(
      plan.replace.map((r) => r.file),
      [`${DIR}/${ROUTE_MAP}`],
    );
    assert.equal(plan.overlay.size, 0);
  });

  it('folds: the base map gets the full entries of the routing, the overlay is emptied', () => {
    const next = routingOf([...HOSTS, 'new.example'], [route('a.example', '/v2', 'api')]);
    const written = planMaps(start, applied, new Set(), next, DIR);
    const fold = planAllMaps(written.files, next, DIR);
    assert.deepEqual(
      fold.replace.map((r) => r.file),
      [`${DIR}/${ROUTE_MAP}`, `${DIR}/${ROUTE_OVERLAY_MAP}`],
    );
    assert.deepEqual(
      fold.replace[0]?.lines,
      routeMapEntries(next.routing).map(([k, v]) => `${k} ${v}`),
    );
    assert.deepEqual(fold.replace[1]?.lines, []);
    assert.deepEqual(fold.files, mapFilesOf(next));
    assert.equal(fold.overlay.size, 0);
  });
});
