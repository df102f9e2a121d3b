/**
 * Writes what the cluster should see of this controller: Ingress status and
 * Events for problems. Only the leader writes, so replicas never fight over
 * status or flood Events; a new leader starts from the current state.
 */
import type { Logger } from 'pino';
import { type ApiClient, ApiError } from '../../cluster/api-client.ts';
import type { LeaderElector } from '../../cluster/leader-election.ts';
import type { ModelOptions } from '../../model/build.ts';
import { ingressClassFilter } from '../../model/ingress-class.ts';
import type { DesiredState } from '../../model/types.ts';
import type { Snapshot } from '../../store/store.ts';
import { canonical, gatewayStatusPatches } from './gateway-status.ts';
import { type PublishOptions, publishedAddresses, statusUpdates } from './ingress-status.ts';
import { type PlannedEvent, plannedEvents } from './problem-events.ts';

export const REPORTING_COMPONENT = 'haproxy-sidecar-ingress';
const RETRY_MS = 2_000;

export interface ClusterReporterOptions {
  publish: PublishOptions;
  model: ModelOptions;
  identity: string;
}

export class ClusterReporter {
  readonly #client: ApiClient;
  readonly #elector: LeaderElector;
  readonly #options: ClusterReporterOptions;
  readonly #log: Logger;
  #latest: { state: DesiredState; snapshot: Snapshot } | undefined;
  /** Events already written for problems that still exist; a problem that goes and comes back is reported again. */
  #emitted = new Set<string>();
  #running: Promise<void> | undefined;
  #again = false;
  #retry: NodeJS.Timeout | undefined;
  #noAddressLogged = false;
  /** Status path → the resourceVersion a patch was worked out from, and the status it wrote. */
  #gatewayWritten = new Map<string, { from: string | undefined; status: string }>();

  constructor(client: ApiClient, elector: LeaderElector, options: ClusterReporterOptions, log: Logger) {
    this.#client = client;
    this.#elector = elector;
    this.#options = options;
    this.#log = log.child({ component: 'cluster-reporter' });
    elector.on('elected', () => {
      this.#emitted.clear();
      this.#kick();
    });
  }

  /** Called after every model build with the state and the snapshot it came from. */
  update(state: DesiredState, snapshot: Snapshot): void {
    this.#latest = { state, snapshot };
    this.#kick();
  }

  async stop(): Promise<void> {
    clearTimeout(this.#retry);
    this.#latest = undefined;
    await this.#running;
  }

  #kick(): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#pass().finally(() => {
      this.#running = undefined;
      if (this.#again) {
        this.#again = false;
        this.#kick();
      }
    });
  }

  async #pass(): Promise<void> {
    const latest = this.#latest;
    if (!latest || !this.#elector.isLeader) return;
    const failures =
      (await this.#writeStatus(latest.snapshot)) +
      (await this.#writeGatewayStatus(latest)) +
      (await this.#writeEvents(latest));
    if (failures > 0) {
      clearTimeout(this.#retry);
      this.#retry = setTimeout(() => this.#kick(), RETRY_MS);
      this.#retry.unref();
    }
  }

  async #writeStatus(snapshot: Snapshot): Promise<number> {
    if (this.#options.publish.disabled) return 0;
    const wanted = publishedAddresses(snapshot, this.#options.publish);
    if (!wanted) {
      if (this.#options.publish.publishService && !this.#noAddressLogged) {
        this.#noAddressLogged = true;
        this.#log.warn(
          { service: this.#options.publish.publishService },
          'publish Service not found; Ingress status is left as it is',
        );
      }
      return 0;
    }
    this.#noAddressLogged = false;
    const ours = snapshot.ingresses.filter(ingressClassFilter(snapshot.ingressClasses, this.#options.model));
    let failures = 0;
    for (const update of statusUpdates(ours, wanted)) {
      if (!this.#elector.isLeader) return failures;
      const path = `/apis/networking.k8s.io/v1/namespaces/${update.namespace}/ingresses/${update.name}/status`;
      try {
        await this.#client.request('PATCH', path, {
          body: { status: { loadBalancer: { ingress: update.ingress } } },
          contentType: 'application/merge-patch+json',
          timeoutMs: 10_000,
        });
        this.#log.info(
          { ingress: `${update.namespace}/${update.name}`, status: update.ingress },
          'Ingress status updated',
        );
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) continue;
        failures++;
        this.#log.warn({ err: (error as Error).message }, 'Ingress status update failed; will retry');
      }
    }
    return failures;
  }

  /**
   * Gateway API status of the state HAProxy serves. A patch carries the
   * resourceVersion it was worked out from: a conflict is retried from the
   * next snapshot. What was just written is not written again while the
   * watch has not brought the object back yet.
   */
  async #writeGatewayStatus({
    state,
    snapshot,
  }: {
    state: DesiredState;
    snapshot: Snapshot;
  }): Promise<number> {
    if (!state.gatewayStatus) return 0;
    const addresses = publishedAddresses(snapshot, this.#options.publish);
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    let failures = 0;
    for (const patch of gatewayStatusPatches(state.gatewayStatus, snapshot, addresses, now)) {
      if (!this.#elector.isLeader) return failures;
      const written = this.#gatewayWritten.get(patch.path);
      const status = canonical(patch.body.status);
      if (written && written.from === patch.resourceVersion && written.status === status) continue;
      try {
        await this.#client.request('PATCH', patch.path, {
          body: patch.body,
          contentType: 'application/merge-patch+json',
          timeoutMs: 10_000,
        });
        this.#gatewayWritten.set(patch.path, { from: patch.resourceVersion, status });
        this.#log.info({ object: patch.object }, 'Gateway API status updated');
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) continue;
        failures++;
        this.#log.warn(
          { err: (error as Error).message, object: patch.object },
          'Gateway API status update failed; will retry',
        );
      }
    }
    return failures;
  }

  async #writeEvents({ state, snapshot }: { state: DesiredState; snapshot: Snapshot }): Promise<number> {
    const planned = plannedEvents(state.problems, snapshot);
    const current = new Set(planned.map((e) => `${e.involvedObject.namespace}/${e.name}`));
    for (const key of this.#emitted) if (!current.has(key)) this.#emitted.delete(key);
    let failures = 0;
    for (const event of planned) {
      const key = `${event.involvedObject.namespace}/${event.name}`;
      if (this.#emitted.has(key)) continue;
      if (!this.#elector.isLeader) return failures;
      try {
        await this.#record(event);
        this.#emitted.add(key);
      } catch (error) {
        failures++;
        this.#log.warn({ err: (error as Error).message, event: event.name }, 'Event could not be written');
      }
    }
    return failures;
  }

  /** Creates the Event, or counts one more occurrence when it exists already. */
  async #record(event: PlannedEvent): Promise<void> {
    const namespace = event.involvedObject.namespace;
    const collection = `/api/v1/namespaces/${namespace}/events`;
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    try {
      await this.#client.request('POST', collection, {
        body: {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name: event.name, namespace },
          involvedObject: event.involvedObject,
          reason: event.reason,
          message: event.message,
          type: 'Warning',
          count: 1,
          firstTimestamp: now,
          lastTimestamp: now,
          source: { component: REPORTING_COMPONENT },
          reportingComponent: REPORTING_COMPONENT,
          reportingInstance: this.#options.identity,
        },
        timeoutMs: 10_000,
      });
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 409)) throw error;
      const existing = await this.#client.request<{ count?: number }>('GET', `${collection}/${event.name}`, {
        timeoutMs: 10_000,
      });
      await this.#client.request('PATCH', `${collection}/${event.name}`, {
        body: { count: (existing.count ?? 1) + 1, lastTimestamp: now },
        contentType: 'application/merge-patch+json',
        timeoutMs: 10_000,
      });
    }
  }
}
