/**
 * A small Kubernetes API client over node:https: JSON requests and streaming
 * watches, authenticated from a KubeConfig (kubeconfig file, token, client
 * certificate or in-cluster service account). Objects stay plain JSON so that
 * the store's zod schemas are the only place they are interpreted.
 */
import http from 'node:http';
import https from 'node:https';
import { createInterface } from 'node:readline';
import { KubeConfig } from '@kubernetes/client-node';

export class ApiError extends Error {
  readonly status: number;
  readonly reason: string | undefined;
  constructor(method: string, path: string, status: number, body: unknown) {
    const status_ = body as { message?: string; reason?: string } | undefined;
    super(`${method} ${path}: ${status}${status_?.message ? ` ${status_.message}` : ''}`);
    this.status = status;
    this.reason = status_?.reason;
  }
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: Record<string, unknown>;
}

type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** Content type of the body; merge patches use `application/merge-patch+json`. */
  contentType?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** Loads configuration the way kubectl does: an explicit file, then $KUBECONFIG, then in-cluster. */
export function loadKubeConfig(path: string | undefined): KubeConfig {
  const config = new KubeConfig();
  if (path) config.loadFromFile(path);
  else if (process.env.KUBECONFIG) config.loadFromDefault();
  else if (process.env.KUBERNETES_SERVICE_HOST) config.loadFromCluster();
  else config.loadFromDefault();
  if (!config.getCurrentCluster()) throw new Error('no Kubernetes cluster configured (kubeconfig is empty)');
  return config;
}

export class ApiClient {
  readonly server: URL;
  readonly #config: KubeConfig;
  readonly #agent: http.Agent;

  constructor(config: KubeConfig) {
    const cluster = config.getCurrentCluster();
    if (!cluster) throw new Error('no current cluster in the kubeconfig');
    this.#config = config;
    this.server = new URL(cluster.server);
    const secure = this.server.protocol === 'https:';
    this.#agent = secure
      ? new https.Agent({ keepAlive: true, maxSockets: 32 })
      : new http.Agent({ keepAlive: true, maxSockets: 32 });
  }

  /** One JSON request; a status outside 2xx becomes an ApiError. */
  async request<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    // A deadline for the whole exchange: a silent connection cannot hold a request forever.
    const deadline = new AbortController();
    const timer =
      options.timeoutMs === undefined ? undefined : setTimeout(() => deadline.abort(), options.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, deadline.signal]) : deadline.signal;
    let response: http.IncomingMessage;
    let text: string;
    try {
      response = await this.#send(method, path, { ...options, signal });
      text = await readAll(response);
    } catch (error) {
      if (deadline.signal.aborted)
        throw new Error(`${method} ${path}: timed out after ${options.timeoutMs} ms`);
      throw error;
    } finally {
      clearTimeout(timer);
    }
    const body = text ? safeJson(text) : undefined;
    const status = response.statusCode ?? 0;
    if (status < 200 || status >= 300) throw new ApiError(method, path, status, body);
    return body as T;
  }

  /**
   * Streams a watch until the server ends it (resolves) or it fails (rejects).
   * The signal stops it; `inactivityMs` aborts a connection that has gone silent
   * (half-open TCP connections otherwise hang forever).
   */
  async watch(
    path: string,
    query: Query,
    onEvent: (event: WatchEvent) => void,
    options: { signal: AbortSignal; inactivityMs: number },
  ): Promise<void> {
    const local = new AbortController();
    const abort = () => local.abort(options.signal.reason);
    options.signal.addEventListener('abort', abort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    let response: http.IncomingMessage | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(
        () => local.abort(new Error(`watch silent for ${options.inactivityMs} ms`)),
        options.inactivityMs,
      );
    };
    try {
      arm();
      response = await this.#send('GET', path, {
        query: { ...query, watch: true },
        signal: local.signal,
      });
      const status = response.statusCode ?? 0;
      if (status !== 200) {
        const text = await readAll(response);
        throw new ApiError('WATCH', path, status, safeJson(text));
      }
      response.on('data', arm);
      const lines = createInterface({ input: response, crlfDelay: Number.POSITIVE_INFINITY });
      for await (const line of lines) {
        if (!line.trim()) continue;
        const event = safeJson(line) as WatchEvent | undefined;
        if (event && typeof event.type === 'string' && event.object) onEvent(event);
      }
      if (local.signal.aborted) throw local.signal.reason;
    } catch (error) {
      // Report why the watch was cut (the watchdog, a stop), not the socket error that followed.
      throw local.signal.aborted && local.signal.reason instanceof Error ? local.signal.reason : error;
    } finally {
      clearTimeout(timer);
      response?.destroy();
      options.signal.removeEventListener('abort', abort);
    }
  }

  async #send(method: string, path: string, options: RequestOptions): Promise<http.IncomingMessage> {
    const url = new URL(this.server.pathname.replace(/\/$/, '') + path, this.server);
    for (const [key, value] of Object.entries(options.query ?? {}))
      if (value !== undefined) url.searchParams.set(key, String(value));
    const tls: https.RequestOptions = { headers: {} };
    await this.#config.applyToHTTPSOptions(tls);
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: http.OutgoingHttpHeaders = {
      ...(tls.headers as http.OutgoingHttpHeaders),
      accept: 'application/json',
      ...(body !== undefined
        ? {
            'content-type': options.contentType ?? 'application/json',
            'content-length': Buffer.byteLength(body),
          }
        : {}),
    };
    const requestOptions: https.RequestOptions = {
      method,
      headers,
      agent: this.#agent,
      ca: tls.ca,
      cert: tls.cert,
      key: tls.key,
      servername: tls.servername,
      rejectUnauthorized: tls.rejectUnauthorized,
      auth: tls.auth,
      signal: options.signal,
    };
    const send = url.protocol === 'https:' ? https.request : http.request;
    return new Promise((resolve, reject) => {
      const request = send(url, requestOptions, resolve);
      request.once('error', reject);
      request.end(body);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}

function readAll(stream: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.once('error', reject);
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
