/**
 * Ready and draining endpoints over all backends, for the metrics. The model
 * hands back unchanged backends as the same objects at the same places, so a
 * pass recounts only the backends that changed since the last one: at 10,000
 * backends an endpoint change costs a pointer comparison per backend.
 */
import type { Backend } from '../model/types.ts';

export interface EndpointCount {
  ready: number;
  drain: number;
}

export class EndpointTally {
  #backends: readonly Backend[] = [];
  #count: EndpointCount = { ready: 0, drain: 0 };

  count(backends: readonly Backend[]): EndpointCount {
    const last = this.#backends;
    const count = last.length === backends.length ? { ...this.#count } : { ready: 0, drain: 0 };
    const aligned = last.length === backends.length;
    for (let i = 0; i < backends.length; i++) {
      const backend = backends[i] as Backend;
      if (aligned) {
        const before = last[i] as Backend;
        if (before === backend) continue;
        add(count, before, -1);
      }
      add(count, backend, 1);
    }
    this.#backends = backends;
    this.#count = count;
    return count;
  }
}

function add(count: EndpointCount, backend: Backend, sign: 1 | -1): void {
  for (const endpoint of backend.endpoints) {
    if (endpoint.state === 'ready') count.ready += sign;
    else count.drain += sign;
  }
}
