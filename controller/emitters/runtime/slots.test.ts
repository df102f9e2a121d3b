import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { endpoint, makeBackend } from '../../model/fixtures.ts';
import type { Backend, Endpoint } from '../../model/types.ts';
import { excessSlots, planSlots, type Slot, slotCount } from './slots.ts';

const ep = endpoint;

function backend(endpoints: Endpoint[], serversIncrement = 4): Backend {
  return makeBackend('default_web_80', endpoints, { serversIncrement });
}

const occupant = (slots: Slot[]) =>
  slots.map((s) => (s.endpoint ? `${s.endpoint.address}:${s.endpoint.port}` : '-'));

describe('slotCount', () => {
  it('with servers-increment: rounds up to the increment, with at least one increment', () => {
    const count = (pods: number, step: number) =>
      slotCount(
        backend(
          Array.from({ length: pods }, (_, i) => ep(`10.0.0.${i + 1}`)),
          step,
        ),
      );
    assert.equal(count(0, 42), 42);
    assert.equal(count(1, 42), 42);
    assert.equal(count(42, 42), 42);
    assert.equal(count(43, 42), 84);
    assert.equal(count(5, 3), 6);
    assert.equal(count(6, 3), 6);
    assert.equal(count(7, 1), 7);
  });

  it('sized to the pods: the pods plus one free server per ten pods, at least one', () => {
    const count = (pods: number) =>
      slotCount(
        makeBackend(
          'default_web_80',
          Array.from({ length: pods }, (_, i) => ep(`10.0.${i >> 8}.${i & 255}`)),
        ),
      );
    assert.equal(count(0), 1);
    assert.equal(count(2), 3);
    assert.equal(count(10), 11);
    assert.equal(count(11), 13);
    assert.equal(count(100), 110);
  });

  it('pre-sizes slots in steps of 42 for an algorithm that cannot add servers at run time', () => {
    assert.equal(slotCount(makeBackend('default_web_80', [ep('10.0.0.1')], { loadBalance: 'source' })), 42);
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

  it('when the slot count shrinks, remaining pods keep their servers and free ones take the lowest names', () => {
    const many = Array.from({ length: 6 }, (_, i) => ep(`10.0.0.${i + 1}`));
    const previous = planSlots(backend(many, 3), undefined);
    const next = planSlots(backend([ep('10.0.0.2'), ep('10.0.0.6')], 3), previous);
    assert.deepEqual(
      next.map((s) => s.name),
      ['SRV_1', 'SRV_2', 'SRV_6'],
    );
    assert.deepEqual(occupant(next), ['-', '10.0.0.2:8080', '10.0.0.6:8080']);
  });

  it('sized to the pods: renders the pods and the headroom, pods keeping their names', () => {
    const previous = planSlots(
      makeBackend('default_web_80', [ep('10.0.0.1'), ep('10.0.0.2'), ep('10.0.0.3')]),
      undefined,
    );
    assert.deepEqual(occupant(previous), ['10.0.0.1:8080', '10.0.0.2:8080', '10.0.0.3:8080', '-']);
    const next = planSlots(makeBackend('default_web_80', [ep('10.0.0.3')]), previous);
    assert.deepEqual(
      next.map((s) => `${s.name}=${occupant([s])[0]}`),
      ['SRV_1=-', 'SRV_3=10.0.0.3:8080'],
    );
  });

  it('does not modify the previous slots', () => {
    const previous = planSlots(backend([ep('10.0.0.1')], 2), undefined);
    const copy = structuredClone(previous);
    planSlots(backend([ep('10.0.0.1', 'drain'), ep('10.0.0.2')], 2), previous);
    assert.deepEqual(previous, copy);
  });
});

describe('excessSlots', () => {
  const slot = (name: string, address?: string): Slot => ({
    name,
    endpoint: address ? { address, port: 8080 } : undefined,
    state: address ? 'ready' : 'maint',
  });

  it('names the free servers beyond the headroom of a pod-sized backend, highest first', () => {
    const web = makeBackend('default_web_80', [ep('10.0.0.1')]);
    const slots = [slot('SRV_1', '10.0.0.1'), slot('SRV_2'), slot('SRV_3'), slot('SRV_4')];
    assert.deepEqual(
      excessSlots(web, slots).map((s) => s.name),
      ['SRV_4', 'SRV_3'],
    );
    assert.deepEqual(excessSlots(web, slots.slice(0, 2)), []);
  });

  it('never shrinks pre-sized slots', () => {
    const web = backend([ep('10.0.0.1')], 2);
    assert.deepEqual(excessSlots(web, [slot('SRV_1', '10.0.0.1'), slot('SRV_2'), slot('SRV_3')]), []);
  });
});
