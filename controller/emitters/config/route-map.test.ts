/**
 * Route map keys of StringPrefix routes (ingress-nginx's ImplementationSpecific
 * paths), and that the longest key that starts `<host><path>?` gives nginx's
 * answer where they mix with Exact and Prefix paths: an exact location first,
 * else the longest string prefix, where a Prefix path p is `location p/` plus
 * `location = p`, and the server's own `location /` takes the rest.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PathMatch, Route, Routing } from '../../model/types.ts';
import { lookupRoute, planRoutes, routeMapEntries } from './route-map.ts';

const HOST = 'app.example';

const routingOf = (
  routes: [match: PathMatch, path: string, backend: string][],
  fallback?: string,
): Routing => ({
  vhosts: [{ name: HOST, fallback }],
  routes: routes.map(([match, path, backend]): Route => ({ vhost: HOST, path, match, backend })),
  defaultBackend: 'default_backend_404',
  passthrough: [],
});

/** nginx's choice among the locations ingress-nginx writes for these paths (no regular expressions). */
function nginxChoice(routes: [PathMatch, string, string][], path: string, fallback: string): string {
  const exact = new Map<string, string>();
  const prefixes = new Map<string, string>();
  for (const [match, p, backend] of routes) {
    if (match === 'Exact') exact.set(p, exact.get(p) ?? backend);
    else if (match === 'StringPrefix') prefixes.set(p, prefixes.get(p) ?? backend);
    else if (p === '/') prefixes.set('/', prefixes.get('/') ?? backend);
    else {
      prefixes.set(`${p}/`, prefixes.get(`${p}/`) ?? backend);
      if (!exact.has(p)) exact.set(p, backend);
    }
  }
  if (!prefixes.has('/')) prefixes.set('/', fallback);
  const found = exact.get(path);
  if (found) return found;
  let best = '';
  for (const p of prefixes.keys()) if (path.startsWith(p) && p.length > best.length) best = p;
  return prefixes.get(best) as string;
}

describe('route map: StringPrefix paths', () => {
  it('are keyed as written: no trailing ? or / added, so /api takes /apix and /api/x', () => {
    const entries = routeMapEntries(
      routingOf([
        ['StringPrefix', '/api', 'is_api'],
        ['StringPrefix', '/docs/', 'is_docs'],
      ]),
    );
    const keys = entries.map(([key]) => key);
    assert.ok(keys.includes(`${HOST}/api`));
    assert.ok(keys.includes(`${HOST}/docs/`));
    assert.equal(lookupRoute(entries, HOST, '/api'), 'is_api');
    assert.equal(lookupRoute(entries, HOST, '/apix'), 'is_api');
    assert.equal(lookupRoute(entries, HOST, '/api/x'), 'is_api');
    assert.equal(lookupRoute(entries, HOST, '/ap'), 'default_backend_404');
    assert.equal(lookupRoute(entries, HOST, '/docs/a'), 'is_docs');
    assert.equal(lookupRoute(entries, HOST, '/docs/'), 'is_docs');
    assert.equal(lookupRoute(entries, HOST, '/docs'), 'default_backend_404');
    assert.equal(lookupRoute(entries, `${HOST}:8080`, '/apix'), 'is_api');
    assert.equal(lookupRoute(entries, 'other.example', '/api'), 'default_backend_404');
  });

  it('a StringPrefix / is the vhost root, before the vhost fallback', () => {
    const entries = routeMapEntries(routingOf([['StringPrefix', '/', 'root']], 'fallback'));
    assert.equal(lookupRoute(entries, HOST, '/anything'), 'root');
    assert.deepEqual(
      entries.filter(([key]) => key === `${HOST}/`),
      [[`${HOST}/`, 'root']],
    );
  });

  it('one holding ? has no key (no request path holds ?)', () => {
    const entries = routeMapEntries(routingOf([['StringPrefix', '/a?b', 'never']]));
    assert.equal(
      entries.some(([, backend]) => backend === 'never'),
      false,
    );
    assert.equal(lookupRoute(entries, HOST, '/a'), 'default_backend_404');
  });

  it('mixed with Exact and Prefix paths, the longest key gives what nginx gives', () => {
    const cases: [PathMatch, string, string][][] = [
      [
        ['StringPrefix', '/api', 'is'],
        ['Prefix', '/api', 'prefix'],
      ],
      [
        ['StringPrefix', '/api', 'is'],
        ['Exact', '/api', 'exact'],
        ['Prefix', '/api/v1', 'v1'],
      ],
      [
        ['StringPrefix', '/api/', 'is'],
        ['Exact', '/api', 'exact'],
        ['StringPrefix', '/ap', 'short'],
        ['Prefix', '/api/x', 'x'],
      ],
      [
        ['StringPrefix', '/api', 'is'],
        ['Prefix', '/ap', 'prefix'],
        ['StringPrefix', '/', 'root'],
        ['StringPrefix', '/api/x/', 'deep'],
      ],
      [
        ['Prefix', '/', 'root'],
        ['StringPrefix', '/a', 'a'],
        ['StringPrefix', '/ab', 'ab'],
        ['Exact', '/abc', 'abc'],
      ],
    ];
    const paths = [
      '/',
      '/a',
      '/ab',
      '/abc',
      '/abcd',
      '/ap',
      '/api',
      '/api/',
      '/apix',
      '/api/x',
      '/api/x/',
      '/api/x/y',
    ];
    paths.push('/api/v1', '/api/v1/z', '/api/v1z', '/ap/', '/x');
    for (const routes of cases) {
      const sorted = [...routes].sort(([ma, pa], [mb, pb]) =>
        pa < pb ? -1 : pa > pb ? 1 : ma < mb ? -1 : 1,
      );
      const routing = routingOf(sorted, 'fallback');
      const plan = planRoutes(routing);
      const entries = plan.frontends[0]?.entries ?? [];
      assert.equal(plan.frontends[0]?.groups.length, 0, 'plain keys only: one lookup');
      for (const path of paths)
        assert.equal(
          lookupRoute(entries, HOST, path),
          nginxChoice(routes, path, 'fallback'),
          `${JSON.stringify(routes)} ${path}`,
        );
    }
  });

  it('a rule group whose conditions fail falls back to the longest StringPrefix key that starts its key', () => {
    const routing = routingOf([['StringPrefix', '/ap', 'short']]);
    routing.routes.push({
      vhost: HOST,
      path: '/api/x',
      match: 'Exact',
      backend: 'post',
      conditions: [{ kind: 'method', method: 'POST' }],
    });
    const frontend = planRoutes(routing).frontends[0];
    const group = frontend?.groups[0];
    assert.ok(group);
    assert.deepEqual(
      frontend?.targets.find(([key]) => key === group.name),
      [group.name, 'short'],
    );
  });
});
