import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { endpoint, makeBackend } from '../../model/fixtures.ts';
import type { Backend, Endpoint } from '../../model/types.ts';
import { planSlots, type Slot, slotCount } from './slots.ts';

const ep = endpoint;

function backend(endpoints: Endpoint[], serversIncrement = 4): Backend {
  return makeBackend('default_web_80', endpoints, { serversIncrement });
}

const occupant = (slots: Slot[]) =>
  slots.map((s) => (s.endpoint ? `${s.endpoint.address}:${s.endpoint.port}` : '-'));

describe('slotCount', () => {
  it('rounds up to the increment, with at least one increment', () => {
    assert.equal(slotCount(0, 42), 42);
    assert.equal(slotCount(1, 42), 42);
    assert.equal(slotCount(42, 42), 42);
    assert.equal(slotCount(43, 42), 84);
    assert.equal(slotCount(5, 3), 6);
    assert.equal(slotCount(6, 3), 6);
    assert.equal(slotCount(7, 1), 7);
  });
});

describe('planSlots', () => {
  it('fills slots in order on a first render and parks the rest in maintenance', () => {
    const slots = planSlots(backend([ep('10.0.0.1'), ep('10.0.0.2', 'drain')], 4), undefined);
    assert.deepEqual(slots, [
      { name: 'SRV_1', endpoint: { address: '10.0.0.1', port: 8080 }, state: 'ready' },
      { name: 'SRV_2', endpoint: { address: '10.0.0.2', port: 8080 }, state: 'drain' },
      { name: 'SRV_3', endpoint: undefined, state: 'maint' },
      { name: 'SRV_4', endpoint: undefined, state: 'maint' },
    ]);
  });

  it('rounds the slot count up to servers-increment', () => {
    const endpoints = Array.from({ length: 5 }, (_, i) => ep(`10.0.0.${i + 1}`));
    assert.equal(planSlots(backend(endpoints, 4), undefined).length, 8);
    assert.equal(planSlots(backend(endpoints, 5), undefined).length, 5);
    assert.equal(planSlots(backend([], 3), undefined).length, 3);
    assert.deepEqual(
      planSlots(backend(endpoints, 2), undefined).map((s) => s.name),
      ['SRV_1', 'SRV_2', 'SRV_3', 'SRV_4', 'SRV_5', 'SRV_6'],
    );
  });

  it('keeps the slot an endpoint had before and fills new endpoints into the first free slots', () => {
    const previous = planSlots(backend([ep('10.0.0.1'), ep('10.0.0.2'), ep('10.0.0.3')], 4), undefined);
    // 10.0.0.1 left, 10.0.0.9 arrived, 10.0.0.3 is now terminating.
    const next = planSlots(backend([ep('10.0.0.2'), ep('10.0.0.3', 'drain'), ep('10.0.0.9')], 4), previous);
    assert.deepEqual(occupant(next), ['10.0.0.9:8080', '10.0.0.2:8080', '10.0.0.3:8080', '-']);
    assert.equal(next[2]?.state, 'drain');
    assert.equal(next[3]?.state, 'maint');
  });

  it('keeps slots that are not first in line', () => {
    const previous: Slot[] = [
      { name: 'SRV_1', endpoint: undefined, state: 'maint' },
      { name: 'SRV_2', endpoint: undefined, state: 'maint' },
      { name: 'SRV_3', endpoint: { address: '10.0.0.7', port: 8080 }, state: 'ready' },
    ];
    const next = planSlots(backend([ep('10.0.0.1'), ep('10.0.0.7')], 3), previous);
    assert.deepEqual(occupant(next), ['10.0.0.1:8080', '-', '10.0.0.7:8080']);
  });

  it('an endpoint whose port changed is a new endpoint', () => {
    const previous = planSlots(backend([ep('10.0.0.1', 'ready', 8080)], 2), undefined);
    const next = planSlots(backend([ep('10.0.0.1', 'ready', 9090), ep('10.0.0.2')], 2), previous);
    assert.deepEqual(occupant(next), ['10.0.0.1:9090', '10.0.0.2:8080']);
  });

  it('when the slot count shrinks, endpoints beyond it move into the remaining slots', () => {
    const many = Array.from({ length: 6 }, (_, i) => ep(`10.0.0.${i + 1}`));
    const previous = planSlots(backend(many, 3), undefined);
    const next = planSlots(backend([ep('10.0.0.2'), ep('10.0.0.6')], 3), previous);
    assert.equal(next.length, 3);
    assert.deepEqual(occupant(next), ['10.0.0.6:8080', '10.0.0.2:8080', '-']);
  });

  it('does not modify the previous slots', () => {
    const previous = planSlots(backend([ep('10.0.0.1')], 2), undefined);
    const copy = structuredClone(previous);
    planSlots(backend([ep('10.0.0.1', 'drain'), ep('10.0.0.2')], 2), previous);
    assert.deepEqual(previous, copy);
  });
});
