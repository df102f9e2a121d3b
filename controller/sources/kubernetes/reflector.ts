/**
 * Keeps one origin of the store equal to one API collection: list, then
 * watch from the list's resourceVersion, forever. Unlike a bare informer it
 * never stops on its own: every failure (API server down, expired
 * resourceVersion, a connection gone silent) ends in a fresh list after a
 * capped, jittered backoff, and a periodic relist repairs anything a watch
 * could have missed. The reconcile loop is level-triggered, so a duplicated
 * or replayed event is harmless.
 */
import type { Logger } from 'pino';
import { z } from 'zod';
import { type ApiClient, ApiError, type WatchEvent } from '../../cluster/api-client.ts';
import type { Problem } from '../../store/problems.ts';
import { type Parsed, parseObject, refKey, type Store } from '../../store/store.ts';
import { collectionPath, type Resource } from './resources.ts';

export interface ReflectorTiming {
  /** Server-side watch length; the API server ends every watch after this. */
  watchSeconds: number;
  /** Full relist period, as a safety net. */
  relistMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** How often an optional API that is not installed (its CRDs missing) is looked for again. */
  absentRetryMs: number;
}

export const DEFAULT_TIMING: ReflectorTiming = {
  watchSeconds: 60,
  relistMs: 10 * 60_000,
  backoffBaseMs: 200,
  backoffMaxMs: 5_000,
  absentRetryMs: 30_000,
};

export interface ReflectorOptions {
  client: ApiClient;
  resource: Resource;
  namespace?: string;
  fieldSelector?: string;
  /** Client-side filter for objects the controller must not hold (other Secret types, excluded namespaces). */
  keep?: (raw: Record<string, unknown>) => boolean;
  store: Store;
  log: Logger;
  timing: ReflectorTiming;
  onFailure?: (resource: string) => void;
  /** Told of every watch the API server ended with 410 Gone (its resourceVersion compacted away). */
  onExpired?: (resource: string) => void;
}

export interface ReflectorStatus {
  name: string;
  /**
   * `syncing` until the first list, `watching` when current, `retrying` after a failure,
   * `absent` while an optional API is not installed (an empty collection, looked for again).
   */
  phase: 'syncing' | 'watching' | 'retrying' | 'absent';
  synced: boolean;
  objects: number;
  restarts: number;
  lastError: string | undefined;
}

const ListSchema = z.object({
  metadata: z.object({ resourceVersion: z.string().default(''), continue: z.string().optional() }).default({
    resourceVersion: '',
  }),
  items: z.array(z.record(z.string(), z.unknown())).nullish(),
});

const RELIST = new Error('periodic relist');
const PAGE_SIZE = 500;

export class Reflector {
  readonly name: string;
  readonly #options: ReflectorOptions;
  readonly #path: string;
  readonly #origin: string;
  readonly #objects = new Map<string, Parsed>();
  readonly #problems = new Map<string, Problem>();
  readonly #stop = new AbortController();
  #cycle: AbortController | undefined;
  #resourceVersion = '';
  #status: ReflectorStatus;
  #flushScheduled = false;
  /** Why the API was last said to be unavailable (404 or 403); cleared by the next successful list. */
  #absentReported: 404 | 403 | undefined;
  #relistTimer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #synced!: () => void;
  readonly #firstSync = new Promise<void>((resolve) => {
    this.#synced = resolve;
  });

  constructor(options: ReflectorOptions) {
    this.#options = options;
    this.#path = collectionPath(options.resource, options.namespace);
    this.name = `${options.resource.kind}${options.namespace ? ` in ${options.namespace}` : ''}${
      options.fieldSelector ? ` (${options.fieldSelector})` : ''
    }`;
    this.#origin = `cluster:${this.name}`;
    this.#status = {
      name: this.name,
      phase: 'syncing',
      synced: false,
      objects: 0,
      restarts: 0,
      lastError: undefined,
    };
  }

  get status(): ReflectorStatus {
    return { ...this.#status, objects: this.#objects.size };
  }

  /** Starts the list/watch loop; resolves once the first list is in the store. */
  start(): Promise<void> {
    this.#running ??= this.#run();
    this.#relistTimer = setInterval(() => this.#cycle?.abort(RELIST), this.#options.timing.relistMs);
    this.#relistTimer.unref();
    return this.#firstSync;
  }

  async stop(): Promise<void> {
    clearInterval(this.#relistTimer);
    this.#stop.abort(new Error('stopped'));
    await this.#running;
  }

  async #run(): Promise<void> {
    const { timing, log } = this.#options;
    let delay = 0;
    while (!this.#stop.signal.aborted) {
      const cycle = new AbortController();
      this.#cycle = cycle;
      const stop = () => cycle.abort(this.#stop.signal.reason);
      this.#stop.signal.addEventListener('abort', stop, { once: true });
      const started = Date.now();
      try {
        if (!this.#resourceVersion) await this.#list(cycle.signal);
        await this.#watch(cycle.signal);
        // The API server ended the watch. A watch that ends at once, again and again, is a failure too.
        if (Date.now() - started < 1000) throw new Error('watch closed immediately');
        delay = 0;
      } catch (error) {
        if (this.#stop.signal.aborted) break;
        if (cycle.signal.reason === RELIST) {
          this.#resourceVersion = '';
          continue;
        }
        // Expired resourceVersion: an immediate fresh list is the documented answer.
        if (error instanceof ApiError && error.status === 410) {
          log.info(
            { resource: this.name, resourceVersion: this.#resourceVersion, err: error.message },
            'watch expired (410 Gone: resourceVersion too old); listing again',
          );
          this.#options.onExpired?.(this.#options.resource.kind);
          this.#resourceVersion = '';
          continue;
        }
        // An optional API that is not installed, or not granted: Ingress keeps working without it.
        if (
          error instanceof ApiError &&
          (error.status === 404 || error.status === 403) &&
          this.#options.resource.optional
        ) {
          this.#absent(error.status === 404 ? 404 : 403);
          delay = 0;
          await sleep(timing.absentRetryMs, this.#stop.signal);
          continue;
        }
        // Anything else: relist after a backoff, so nothing missed meanwhile can linger.
        this.#resourceVersion = '';
        delay = delay ? Math.min(delay * 2, timing.backoffMaxMs) : timing.backoffBaseMs;
        const message = (error as Error).message;
        this.#status = {
          ...this.#status,
          phase: 'retrying',
          restarts: this.#status.restarts + 1,
          lastError: message,
        };
        log.warn({ resource: this.name, err: message, retryInMs: delay }, 'list/watch failed; retrying');
        this.#options.onFailure?.(this.#options.resource.kind);
        await sleep(delay * (0.75 + Math.random() * 0.5), this.#stop.signal);
      } finally {
        this.#stop.signal.removeEventListener('abort', stop);
      }
    }
  }

  async #list(signal: AbortSignal): Promise<void> {
    const items: Record<string, unknown>[] = [];
    let resourceVersion = '';
    let token: string | undefined;
    do {
      const page = ListSchema.parse(
        await this.#options.client.request('GET', this.#path, {
          query: { limit: PAGE_SIZE, continue: token, fieldSelector: this.#options.fieldSelector },
          signal,
          // A list that stalls (a silent connection) is abandoned like a silent watch.
          timeoutMs: Math.min(60_000, Math.max(10_000, this.#options.timing.watchSeconds * 2000)),
        }),
      );
      items.push(...(page.items ?? []));
      resourceVersion = page.metadata.resourceVersion;
      token = page.metadata.continue || undefined;
    } while (token);

    this.#objects.clear();
    this.#problems.clear();
    for (const item of items) this.#apply('ADDED', item);
    this.#flush();
    this.#resourceVersion = resourceVersion;
    const first = !this.#status.synced;
    if (this.#absentReported)
      this.#options.log.info({ resource: this.name }, `${this.#apiName()} is available now; watching`);
    this.#absentReported = undefined;
    this.#status = { ...this.#status, phase: 'watching', synced: true, lastError: undefined };
    this.#options.log.debug({ resource: this.name, objects: this.#objects.size, resourceVersion }, 'listed');
    if (first) this.#synced();
  }

  /**
   * The API is not served (404: its CRDs are not installed, or were removed) or not
   * readable (403): the collection is empty. Said once per disappearance, not on every look.
   */
  #absent(status: 404 | 403): void {
    this.#resourceVersion = '';
    if (this.#objects.size > 0 || this.#problems.size > 0) {
      this.#objects.clear();
      this.#problems.clear();
      this.#flush();
    }
    const first = !this.#status.synced;
    this.#options.log.debug(
      { resource: this.name, status },
      `${this.#apiName()} not served; looking again later`,
    );
    if (this.#absentReported !== status)
      this.#options.log.warn(
        { resource: this.name, retryInMs: this.#options.timing.absentRetryMs },
        status === 404
          ? `${this.#apiName()} is not installed (its CRDs are missing); ${this.name} objects are ignored until it is`
          : `${this.#apiName()} cannot be read (403: the controller's RBAC does not grant it); ${this.name} objects are ignored until it can`,
      );
    this.#absentReported = status;
    this.#status = { ...this.#status, phase: 'absent', synced: true, lastError: undefined };
    if (first) this.#synced();
  }

  #apiName(): string {
    return `API ${this.#options.resource.apiVersion} ${this.#options.resource.plural}`;
  }

  #watch(signal: AbortSignal): Promise<void> {
    const { watchSeconds } = this.#options.timing;
    return this.#options.client.watch(
      this.#path,
      {
        resourceVersion: this.#resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds: watchSeconds,
        fieldSelector: this.#options.fieldSelector,
      },
      (event) => this.#onEvent(event),
      // Watchdog: the server ends every watch after watchSeconds; silence well past that means a dead connection.
      { signal, inactivityMs: watchSeconds * 1000 + Math.min(15_000, watchSeconds * 500) },
    );
  }

  #onEvent(event: WatchEvent): void {
    if (event.type === 'ERROR') {
      const status = event.object as { code?: number; message?: string };
      throw new ApiError('WATCH', this.#path, status.code ?? 500, status);
    }
    const metadata = event.object.metadata as { resourceVersion?: string } | undefined;
    if (event.type !== 'BOOKMARK') {
      this.#apply(event.type, event.object);
      this.#scheduleFlush();
    }
    if (metadata?.resourceVersion) this.#resourceVersion = metadata.resourceVersion;
  }

  #apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', raw: Record<string, unknown>): void {
    const { resource, keep } = this.#options;
    // List items carry no kind; the store's schemas expect one.
    const object = { ...raw, kind: resource.kind, apiVersion: resource.apiVersion };
    const metadata = (raw.metadata ?? {}) as { name?: string; namespace?: string };
    const key = refKey({
      kind: resource.kind,
      namespace: metadata.namespace ?? '',
      name: metadata.name ?? '',
    });
    if (type === 'DELETED' || (keep && !keep(object))) {
      this.#objects.delete(key);
      this.#problems.delete(key);
      return;
    }
    const result = parseObject(object);
    if (result.ok) {
      this.#objects.set(key, result.value);
      this.#problems.delete(key);
    } else if (!result.ignored) {
      // The last valid version keeps working, as with a manifest file that breaks.
      this.#problems.set(key, {
        ref: result.ref,
        reason: 'InvalidObject',
        message: result.message,
        severity: 'error',
      });
    }
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => {
      this.#flushScheduled = false;
      this.#flush();
    });
  }

  #flush(): void {
    this.#options.store.replaceOrigin(
      this.#origin,
      [...this.#objects.values()],
      [...this.#problems.values()],
    );
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
