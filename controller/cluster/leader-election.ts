/**
 * Leader election on a coordination.k8s.io Lease, so that several replicas
 * can run while only one writes Ingress status and Events. Expiry is judged
 * by when this replica last saw the Lease record change, not by comparing
 * timestamps written by another machine's clock. Every write carries the
 * resourceVersion it read, so two candidates can never both win.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { z } from 'zod';
import { type ApiClient, ApiError } from './api-client.ts';

export interface LeaderElectionOptions {
  namespace: string;
  name: string;
  identity: string;
  /** How long a Lease is honoured without renewal. */
  leaseDurationMs: number;
  log: Logger;
}

const LeaseSchema = z.object({
  metadata: z.object({ resourceVersion: z.string() }).loose(),
  spec: z
    .object({
      holderIdentity: z.string().nullish(),
      leaseDurationSeconds: z.number().int().nullish(),
      acquireTime: z.string().nullish(),
      renewTime: z.string().nullish(),
      leaseTransitions: z.number().int().nullish(),
    })
    .loose()
    .default({}),
});
type Lease = z.infer<typeof LeaseSchema>;

/** MicroTime as the API expects it. */
const microTime = (date = new Date()): string => date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

export class LeaderElector extends EventEmitter<{ elected: []; deposed: [] }> {
  readonly #client: ApiClient;
  readonly #options: LeaderElectionOptions;
  readonly #path: string;
  #leader = false;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #lastRenew = 0;
  /** The last record seen from another holder, and when it was first seen. */
  #observed: { key: string; at: number } | undefined;
  #round: Promise<void> | undefined;

  constructor(client: ApiClient, options: LeaderElectionOptions) {
    super();
    this.#client = client;
    this.#options = options;
    this.#path = `/apis/coordination.k8s.io/v1/namespaces/${options.namespace}/leases/${options.name}`;
  }

  get isLeader(): boolean {
    return this.#leader;
  }

  /** Renew (or retry) period: several attempts fit in one lease duration. */
  get #retryMs(): number {
    return Math.max(100, Math.round(this.#options.leaseDurationMs / 7.5));
  }

  /** A leader that could not renew for this long steps down before others may take over. */
  get #renewDeadlineMs(): number {
    return Math.round((this.#options.leaseDurationMs * 2) / 3);
  }

  start(): void {
    const tick = () => {
      if (this.#stopped) return;
      this.#round = this.#tryAcquireOrRenew().finally(() => {
        this.#timer = setTimeout(tick, this.#retryMs);
      });
    };
    tick();
  }

  /** Stops campaigning; a leader releases the Lease so a standby takes over at once. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#round;
    if (!this.#leader) return;
    this.#setLeader(false);
    try {
      const lease = await this.#get();
      if (lease?.spec.holderIdentity !== this.#options.identity) return;
      await this.#client.request('PUT', this.#path, {
        body: this.#body(lease, { holderIdentity: null, leaseDurationSeconds: 1, renewTime: microTime() }),
        timeoutMs: 2_000,
      });
      this.#options.log.info({ lease: this.#options.name }, 'released leadership');
    } catch (error) {
      this.#options.log.warn({ err: (error as Error).message }, 'could not release the Lease');
    }
  }

  async #tryAcquireOrRenew(): Promise<void> {
    const { identity, log } = this.#options;
    const now = Date.now();
    const seconds = Math.max(1, Math.ceil(this.#options.leaseDurationMs / 1000));
    try {
      const lease = await this.#get();
      if (!lease) {
        await this.#client.request('POST', this.#path.slice(0, this.#path.lastIndexOf('/')), {
          body: {
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: { name: this.#options.name, namespace: this.#options.namespace },
            spec: {
              holderIdentity: identity,
              leaseDurationSeconds: seconds,
              acquireTime: microTime(),
              renewTime: microTime(),
              leaseTransitions: 0,
            },
          },
          timeoutMs: this.#retryMs * 2,
        });
        this.#renewed(now);
        return;
      }
      const holder = lease.spec.holderIdentity ?? '';
      if (holder === identity) {
        await this.#put(lease, { renewTime: microTime(), leaseDurationSeconds: seconds });
        this.#renewed(now);
        return;
      }
      if (this.#leader) {
        log.warn({ holder }, 'another replica holds the Lease');
        this.#setLeader(false);
      }
      const key = `${holder}|${lease.spec.renewTime ?? ''}|${lease.metadata.resourceVersion}`;
      if (this.#observed?.key !== key) this.#observed = { key, at: now };
      const held =
        holder !== '' && now - this.#observed.at < (lease.spec.leaseDurationSeconds ?? seconds) * 1000;
      if (held) return;
      await this.#put(lease, {
        holderIdentity: identity,
        leaseDurationSeconds: seconds,
        acquireTime: microTime(),
        renewTime: microTime(),
        leaseTransitions: (lease.spec.leaseTransitions ?? 0) + (holder ? 1 : 0),
      });
      this.#renewed(now);
    } catch (error) {
      // 409: someone else wrote first; they lead this round.
      if (!(error instanceof ApiError && error.status === 409))
        log.warn({ err: (error as Error).message }, 'leader election round failed');
      if (this.#leader && Date.now() - this.#lastRenew > this.#renewDeadlineMs) {
        log.warn('could not renew the Lease in time; stepping down');
        this.#setLeader(false);
      }
    }
  }

  #renewed(at: number): void {
    this.#lastRenew = at;
    this.#observed = undefined;
    if (!this.#leader) this.#setLeader(true);
  }

  #setLeader(leader: boolean): void {
    if (this.#leader === leader) return;
    this.#leader = leader;
    this.#options.log.info(
      { lease: this.#options.name, identity: this.#options.identity, leader },
      leader ? 'became leader' : 'lost leadership',
    );
    this.emit(leader ? 'elected' : 'deposed');
  }

  async #get(): Promise<Lease | undefined> {
    try {
      return LeaseSchema.parse(
        await this.#client.request('GET', this.#path, { timeoutMs: this.#retryMs * 2 }),
      );
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  #put(lease: Lease, spec: Record<string, unknown>): Promise<unknown> {
    return this.#client.request('PUT', this.#path, {
      body: this.#body(lease, spec),
      timeoutMs: this.#retryMs * 2,
    });
  }

  #body(lease: Lease, spec: Record<string, unknown>): unknown {
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { ...lease.metadata, name: this.#options.name, namespace: this.#options.namespace },
      spec: { ...lease.spec, ...spec },
    };
  }
}
