/**
 * Incremental route planning: for random routings and random edits, plain or
 * not, planning from the previous plan gives exactly the full plan, and the
 * change is found (or refused) as route-changes.ts says.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareRoutes } from '../../model/routes.ts';
import type { PathMatch, Route, Routing, Vhost } from '../../model/types.ts';
import { plainVhostChange } from './route-changes.ts';
import { fullPlan, planIncrementally, planRoutes } from './route-map.ts';

/** A small deterministic generator (mulberry32), so that a failure can be replayed. */
function random(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)] as T;
  return { next, int, pick };
}
type Random = ReturnType<typeof random>;

const HOSTS = ['a.example', 'a.example.org', 'b.example', 'ab.example', '*.w.example', 'x.w.example', '*'];
const ODD_HOSTS = ['**.s.example', 'y.s.example'];
const PATHS = ['/', '/a', '/a/b', '/ab', '/b', '/api', '/api/v1'];
const MATCHES: PathMatch[] = ['Exact', 'Prefix', 'StringPrefix'];
const BACKENDS = ['web', 'api', 'docs'];

/** Routes of one vhost; `plain` false lets conditions, regular expressions and ports in. */
function vhostRoutes(rnd: Random, vhost: string, plain: boolean): Route[] {
  const routes: Route[] = [];
  for (let n = 1 + rnd.int(4); n > 0; n--) {
    const odd = !plain && rnd.next() < 0.3;
    const route: Route = {
      vhost,
      path: rnd.pick(PATHS),
      match: rnd.pick(MATCHES),
      backend: rnd.pick(BACKENDS),
    };
    if (odd) {
      const kind = rnd.int(3);
      if (kind === 0) route.conditions = [{ kind: 'method', method: rnd.pick(['GET', 'POST']) }];
      else if (kind === 1)
        Object.assign(route, { match: 'RegularExpression', path: rnd.pick(['/r.*', '/x[0-9]+']) });
      else route.ports = [rnd.pick([80, 443])];
    }
    routes.push(route);
  }
  return routes;
}

function routingOf(
  byVhost: Map<string, { routes: Route[]; vhost: Vhost }>,
  defaultBackend = 'default_404',
): Routing {
  const names = [...byVhost.keys()].sort();
  return {
    vhosts: names.map((n) => byVhost.get(n)?.vhost as Vhost),
    routes: names.flatMap((n) => byVhost.get(n)?.routes ?? []).sort(compareRoutes),
    defaultBackend,
    passthrough: [],
  };
}

function randomVhosts(rnd: Random): Map<string, { routes: Route[]; vhost: Vhost }> {
  const byVhost = new Map<string, { routes: Route[]; vhost: Vhost }>();
  for (const name of [...HOSTS, ...ODD_HOSTS])
    if (rnd.next() < 0.6) {
      const routes = vhostRoutes(rnd, name, rnd.next() < 0.6);
      const fallback = rnd.next() < 0.3 ? rnd.pick(BACKENDS) : undefined;
      const vhost: Vhost = { name, fallback, ...(rnd.next() < 0.05 && { ports: [443] }) };
      byVhost.set(name, { routes, vhost });
    }
  return byVhost;
}

/** A few edits; unchanged vhosts keep their Route objects, or equal copies of them. */
function edited(rnd: Random, before: Map<string, { routes: Route[]; vhost: Vhost }>) {
  const after = new Map(
    [...before].map(([name, v]) =>
      rnd.next() < 0.1
        ? [name, { routes: v.routes.map((r) => ({ ...r })), vhost: { ...v.vhost } }]
        : [name, v],
    ),
  );
  for (let n = 1 + rnd.int(3); n > 0; n--) {
    const name = rnd.pick([...HOSTS, ...(rnd.next() < 0.2 ? ODD_HOSTS : [])]);
    const current = after.get(name);
    const edit = rnd.int(6);
    if (edit === 0) after.delete(name);
    else if (edit === 1 || !current)
      after.set(name, {
        routes: vhostRoutes(rnd, name, rnd.next() < 0.8),
        vhost: { name, fallback: undefined },
      });
    else if (edit === 2)
      after.set(name, {
        ...current,
        vhost: { ...current.vhost, fallback: rnd.pick([undefined, ...BACKENDS]) },
      });
    else if (edit === 3)
      after.set(name, {
        ...current,
        routes: [...current.routes, ...vhostRoutes(rnd, name, rnd.next() < 0.8)],
      });
    else {
      // The first route, or the last (the vhost's routes then part after some the same).
      const at = edit === 4 ? 0 : current.routes.length - 1;
      after.set(name, {
        ...current,
        routes: current.routes.map((r, i) => (i === at ? { ...r, backend: rnd.pick(BACKENDS) } : r)),
      });
    }
  }
  return after;
}

describe('incremental route planning', () => {
  it('plans exactly what full planning does, for random routings and edits', () => {
    let incremental = 0;
    for (let seed = 1; seed <= 3000; seed++) {
      const rnd = random(seed);
      const vhosts = randomVhosts(rnd);
      const before = routingOf(vhosts);
      const next = edited(rnd, vhosts);
      const after = routingOf(next, rnd.next() < 0.05 ? 'other_404' : 'default_404');
      const plan = planIncrementally(before, fullPlan(before, [80, 443]), after);
      const expected = fullPlan(after, [80, 443]);
      if (plan) {
        incremental++;
        assert.deepEqual(plan, expected, `seed ${seed}`);
      }
      // planRoutes takes whichever way applies, from the plan it made last.
      planRoutes(before);
      assert.deepEqual(planRoutes(after), expected, `seed ${seed} (planRoutes)`);
    }
    // Enough of the edits are plain for the incremental way to be the one tested.
    assert.ok(incremental > 1000, `${incremental} incremental plans`);
  });

  it('names the changed vhosts, and refuses changes beyond plain vhosts', () => {
    const route = (vhost: string, path: string, extra: Partial<Route> = {}): Route => ({
      vhost,
      path,
      match: 'Prefix',
      backend: 'web',
      ...extra,
    });
    const a = route('a.example', '/');
    const b = route('b.example', '/');
    const base: Routing = {
      vhosts: [
        { name: 'a.example', fallback: undefined },
        { name: 'b.example', fallback: undefined },
      ],
      routes: [a, b],
      defaultBackend: 'd',
      passthrough: [],
    };
    const added: Routing = { ...base, routes: [a, route('a.example', '/v2', { backend: 'api' }), b] };
    assert.deepEqual([...(plainVhostChange(base, added)?.vhosts ?? [])], ['a.example']);
    const fallback: Routing = {
      ...base,
      vhosts: [base.vhosts[0] as Vhost, { name: 'b.example', fallback: 'x' }],
    };
    assert.deepEqual([...(plainVhostChange(base, fallback)?.vhosts ?? [])], ['b.example']);
    const conditional: Routing = {
      ...base,
      routes: [a, route('a.example', '/v2', { conditions: [{ kind: 'method', method: 'GET' }] }), b],
    };
    assert.equal(plainVhostChange(base, conditional), undefined);
    assert.equal(plainVhostChange(base, { ...base, defaultBackend: 'e' }), undefined);
    // Equal copies of the routes are no change.
    assert.equal(plainVhostChange(base, { ...base, routes: [{ ...a }, { ...b }] })?.vhosts.size, 0);
  });
});
