import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { endpoint, makeBackend } from '../../model/fixtures.ts';
import type { Backend, BackendSettings, Endpoint } from '../../model/types.ts';
import { planRuntime, withChanges } from './diff.ts';
import { planSlots, type SlotTable } from './slots.ts';

const ep = endpoint;

function backend(endpoints: Endpoint[], settings: Partial<BackendSettings> = {}, name = 'B'): Backend {
  return makeBackend(name, endpoints, { serversIncrement: 3, ...settings });
}

/** The slot table as the last render or runtime plan left it. */
function applied(...backends: Backend[]): SlotTable {
  return new Map(backends.map((b) => [b.name, planSlots(b, undefined)]));
}

/** A runtime plan, with the slot table it leads to. */
function runtimeOf(table: SlotTable, ...rest: [Backend[], Backend[]?]) {
  const plan = planRuntime(table, ...rest);
  if (plan.kind !== 'runtime') assert.fail(`expected a runtime plan, got a reload: ${plan.reason}`);
  return { ...plan, slots: withChanges(table, plan.changed) };
}

describe('planRuntime', () => {
  it('does nothing when the endpoints are unchanged', () => {
    const b = backend([ep('10.0.0.1'), ep('10.0.0.2', 'drain')]);
    const plan = runtimeOf(applied(b), [b]);
    assert.deepEqual(plan.commands, []);
    assert.deepEqual(plan.slots, applied(b));
  });

  it('puts a new pod in a free slot: set addr, then state ready', () => {
    const before = backend([ep('10.0.0.1')]);
    const plan = runtimeOf(applied(before), [backend([ep('10.0.0.1'), ep('10.0.0.2')])]);
    assert.deepEqual(plan.commands, [
      'set server B/SRV_2 addr 10.0.0.2 port 8080',
      'set server B/SRV_2 state ready',
    ]);
    assert.deepEqual(plan.slots.get('B')?.[1], {
      name: 'SRV_2',
      endpoint: { address: '10.0.0.2', port: 8080 },
      state: 'ready',
    });
  });

  it('puts a removed pod in maintenance and frees its slot', () => {
    const before = backend([ep('10.0.0.1'), ep('10.0.0.2')]);
    const plan = runtimeOf(applied(before), [backend([ep('10.0.0.2')])]);
    assert.deepEqual(plan.commands, ['set server B/SRV_1 state maint']);
    assert.deepEqual(plan.slots.get('B')?.[0], { name: 'SRV_1', endpoint: undefined, state: 'maint' });
  });

  it('drains a terminating pod, and brings it back to ready', () => {
    const before = backend([ep('10.0.0.1'), ep('10.0.0.2')]);
    const draining = backend([ep('10.0.0.1'), ep('10.0.0.2', 'drain')]);
    const plan = runtimeOf(applied(before), [draining]);
    assert.deepEqual(plan.commands, ['set server B/SRV_2 state drain']);
    const back = runtimeOf(plan.slots, [before]);
    assert.deepEqual(back.commands, ['set server B/SRV_2 state ready']);
  });

  it('a new pod that is already draining enters its slot in drain', () => {
    const plan = runtimeOf(applied(backend([])), [backend([ep('10.0.0.5', 'drain')])]);
    assert.deepEqual(plan.commands, [
      'set server B/SRV_1 addr 10.0.0.5 port 8080',
      'set server B/SRV_1 state drain',
    ]);
  });

  it('replaces a pod in the slot it frees in the same plan', () => {
    const before = backend([ep('10.0.0.1'), ep('10.0.0.2'), ep('10.0.0.3')]);
    const plan = runtimeOf(applied(before), [backend([ep('10.0.0.2'), ep('10.0.0.3'), ep('10.0.0.4')])]);
    assert.deepEqual(plan.commands, [
      'set server B/SRV_1 state maint',
      'set server B/SRV_1 addr 10.0.0.4 port 8080',
      'set server B/SRV_1 state ready',
    ]);
  });

  it('adds servers when the slots run out, with health checks enabled when check is on', () => {
    const before = backend([ep('10.0.0.1'), ep('10.0.0.2'), ep('10.0.0.3')]);
    const after = backend([ep('10.0.0.1'), ep('10.0.0.2'), ep('10.0.0.3'), ep('10.0.0.4'), ep('10.0.0.5')]);
    const plan = runtimeOf(applied(before), [after]);
    assert.deepEqual(plan.commands, [
      'add server B/SRV_4 10.0.0.4:8080 check',
      'enable health B/SRV_4',
      'set server B/SRV_4 state ready',
      'add server B/SRV_5 10.0.0.5:8080 check',
      'enable health B/SRV_5',
      'set server B/SRV_5 state ready',
    ]);
    assert.deepEqual(
      plan.slots.get('B')?.map((s) => s.name),
      ['SRV_1', 'SRV_2', 'SRV_3', 'SRV_4', 'SRV_5'],
    );
    // The grown table is the base for the next plan: nothing more to do.
    assert.deepEqual(runtimeOf(plan.slots, [after]).commands, []);
  });

  it('adds servers with the check interval, and without health checks when check is off', () => {
    const full = [ep('10.0.0.1'), ep('10.0.0.2'), ep('10.0.0.3')];
    const inter = runtimeOf(applied(backend(full, { checkInterval: '500ms' })), [
      backend([...full, ep('10.0.0.4')], { checkInterval: '500ms' }),
    ]);
    assert.deepEqual(inter.commands, [
      'add server B/SRV_4 10.0.0.4:8080 check inter 500ms',
      'enable health B/SRV_4',
      'set server B/SRV_4 state ready',
    ]);
    const noCheck = runtimeOf(applied(backend(full, { check: false })), [
      backend([...full, ep('10.0.0.4')], { check: false }),
    ]);
    assert.deepEqual(noCheck.commands, [
      'add server B/SRV_4 10.0.0.4:8080',
      'set server B/SRV_4 state ready',
    ]);
  });

  it('formats IPv6 addresses for set addr and add server', () => {
    const before = backend([ep('fd00::1'), ep('fd00::2')], { serversIncrement: 3 });
    const plan = runtimeOf(applied(before), [
      backend([ep('fd00::1'), ep('fd00::2'), ep('fd00::3'), ep('fd00::4')]),
    ]);
    assert.deepEqual(plan.commands, [
      'set server B/SRV_3 addr fd00::3 port 8080',
      'set server B/SRV_3 state ready',
      'add server B/SRV_4 [fd00::4]:8080 check',
      'enable health B/SRV_4',
      'set server B/SRV_4 state ready',
    ]);
  });

  it('asks for a reload when slots run out and the algorithm cannot add servers at run time', () => {
    for (const loadBalance of ['source', 'static-rr', 'uri', 'hdr(host)']) {
      const full = [ep('10.0.0.1'), ep('10.0.0.2'), ep('10.0.0.3')];
      const plan = planRuntime(applied(backend(full, { loadBalance })), [
        backend([...full, ep('10.0.0.4')], { loadBalance }),
      ]);
      assert.equal(plan.kind, 'reload', loadBalance);
      assert.match(plan.kind === 'reload' ? plan.reason : '', /B/);
    }
  });

  it('fills free slots at run time even with source balancing', () => {
    const plan = planRuntime(applied(backend([ep('10.0.0.1')], { loadBalance: 'source' })), [
      backend([ep('10.0.0.1'), ep('10.0.0.2')], { loadBalance: 'source' }),
    ]);
    assert.equal(plan.kind, 'runtime');
  });

  it('adds servers at run time for the other dynamic algorithms', () => {
    for (const loadBalance of ['leastconn', 'first', 'random', 'random(2)']) {
      const full = [ep('10.0.0.1'), ep('10.0.0.2'), ep('10.0.0.3')];
      const plan = planRuntime(applied(backend(full, { loadBalance })), [
        backend([...full, ep('10.0.0.4')], { loadBalance }),
      ]);
      assert.equal(plan.kind, 'runtime', loadBalance);
    }
  });

  it('asks for a reload when a backend is new', () => {
    const known = backend([ep('10.0.0.1')]);
    const plan = planRuntime(applied(known), [known, backend([ep('10.0.0.9')], {}, 'NEW')]);
    assert.equal(plan.kind, 'reload');
    assert.match(plan.kind === 'reload' ? plan.reason : '', /NEW/);
  });

  it('plans several backends independently', () => {
    const one = backend([ep('10.0.0.1')], {}, 'one');
    const two = backend([ep('10.0.1.1')], {}, 'two');
    const plan = runtimeOf(applied(one, two), [
      backend([], {}, 'one'),
      backend([ep('10.0.1.1'), ep('10.0.1.2')], {}, 'two'),
    ]);
    assert.deepEqual(plan.commands, [
      'set server one/SRV_1 state maint',
      'set server two/SRV_2 addr 10.0.1.2 port 8080',
      'set server two/SRV_2 state ready',
    ]);
  });

  it('does not modify the applied slot table', () => {
    const before = applied(backend([ep('10.0.0.1'), ep('10.0.0.2')]));
    const copy = structuredClone(before);
    runtimeOf(before, [backend([ep('10.0.0.2', 'drain'), ep('10.0.0.3')])]);
    assert.deepEqual(before, copy);
  });
});

describe('planRuntime: a service-upstream backend', () => {
  const upstream = (address: string) =>
    makeBackend('U', [ep(address, 'ready', 80)], { serviceUpstream: true });

  it('has one fixed server, and no free slot to add or delete', () => {
    const b = upstream('10.96.0.5');
    assert.deepEqual(b.servers, { kind: 'increment', step: 1, addAtRunTime: false });
    assert.deepEqual(
      planSlots(b, undefined).map((s) => [s.name, s.endpoint && `${s.endpoint.address}:${s.endpoint.port}`]),
      [['SRV_1', '10.96.0.5:80']],
    );
    const plan = runtimeOf(applied(b), [upstream('10.96.0.5')]);
    assert.deepEqual(plan.commands, []);
  });

  it('a new cluster IP moves the one server at run time', () => {
    const plan = runtimeOf(applied(upstream('10.96.0.5')), [upstream('10.96.0.9')]);
    assert.ok(plan.commands.includes('set server U/SRV_1 addr 10.96.0.9 port 80'), plan.commands.join('\n'));
    assert.equal(
      plan.commands.some((c) => /^(add|del) server/.test(c)),
      false,
    );
  });
});
