/**
 * A real Kubernetes control plane for end-to-end tests: etcd and the kube-apiserver built
 * from Go modules (e2e/kube-apiserver), on free loopback ports, in a temp dir. RBAC is on,
 * service account tokens are signed by the API server; the admin is a static token in
 * `system:masters`. There is no kubelet and no controller-manager: tests create the
 * EndpointSlices that point at echo pods on loopback addresses themselves.
 *
 * One cluster per test file: starting the API server takes a couple of seconds.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ApiException,
  type ApiType,
  type AuthenticationV1TokenRequest,
  CoordinationV1Api,
  CoreV1Api,
  type CoreV1Event,
  KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  NetworkingV1Api,
  type V1IngressLoadBalancerIngress,
  type V1Lease,
} from '@kubernetes/client-node';
import { freePort } from '../harness/net.ts';
import { ensureKubeApiserver } from '../kube-apiserver/build.ts';
import {
  applyOrder,
  describeApiError,
  describeObject,
  RawObjectApi,
  readManifests,
  type SourcedObject,
} from './apply.ts';
import { type EtcdPorts, etcdUrl, startEtcd } from './etcd.ts';
import { serverUrl, startKubeApiserver } from './kube-apiserver.ts';
import { kubeconfigYaml, writeKubeconfig } from './kubeconfig.ts';
import { namespace as namespaceObject } from './objects.ts';
import { type ClusterPki, writeClusterPki } from './pki.ts';
import type { ServerProcess } from './process.ts';

type ApiConstructor<T extends ApiType> = new (config: never) => T;

export interface ClusterPorts extends EtcdPorts {
  apiserver: number;
}

/** How long each start took, in milliseconds, for test diagnostics. */
export interface ClusterTimings {
  build: number;
  etcd: number;
  apiserver: number;
}

export class TestCluster {
  readonly dir: string;
  readonly pki: ClusterPki;
  readonly ports: ClusterPorts;
  readonly binary: string;
  readonly server: string;
  readonly timings: ClusterTimings;
  readonly #adminToken: string;
  readonly #adminKubeconfig: string;
  #etcd: ServerProcess | undefined;
  #apiserver: ServerProcess | undefined;
  #kubeConfig: KubeConfig | undefined;

  private constructor(dir: string, pki: ClusterPki, ports: ClusterPorts, binary: string, buildMs: number) {
    this.dir = dir;
    this.pki = pki;
    this.ports = ports;
    this.binary = binary;
    this.server = serverUrl(ports.apiserver);
    this.timings = { build: buildMs, etcd: 0, apiserver: 0 };
    this.#adminToken = randomBytes(24).toString('hex');
    this.#adminKubeconfig = join(dir, 'admin.kubeconfig');
  }

  /** Builds the API server if it is not cached yet, then starts etcd and the API server and waits for /readyz. */
  static async start(log: (line: string) => void = () => {}): Promise<TestCluster> {
    const build = await ensureKubeApiserver(log);
    let lastError: unknown;
    // A free port can be taken by someone else before etcd or the API server binds it: retry with new ones.
    for (let attempt = 0; attempt < 3; attempt++) {
      const dir = await mkdtemp(join(tmpdir(), 'hsi-cluster-'));
      const ports = { client: await freePort(), peer: await freePort(), apiserver: await freePort() };
      const cluster = new TestCluster(dir, writeClusterPki(dir), ports, build.path, build.seconds * 1000);
      try {
        await writeFile(join(dir, 'tokens.csv'), `${cluster.#adminToken},admin,admin,"system:masters"\n`, {
          mode: 0o600,
        });
        await writeKubeconfig(cluster.#adminKubeconfig, {
          server: cluster.server,
          caPem: cluster.pki.caPem,
          user: 'admin',
          token: cluster.#adminToken,
        });
        await cluster.#startEtcd();
        await cluster.startApiServer();
        return cluster;
      } catch (error) {
        lastError = error;
        await cluster.stop();
        if (!/address already in use/i.test(String(error))) break;
      }
    }
    throw lastError;
  }

  async #startEtcd(): Promise<void> {
    const started = performance.now();
    this.#etcd = await startEtcd(this.dir, this.ports);
    this.timings.etcd = performance.now() - started;
  }

  /** Starts the API server on the same port as before and waits for /readyz. */
  async startApiServer(): Promise<void> {
    if (this.#apiserver && this.#apiserver.exitStatus === undefined) return;
    const started = performance.now();
    this.#apiserver = await startKubeApiserver({
      binary: this.binary,
      dir: this.dir,
      port: this.ports.apiserver,
      etcdUrl: etcdUrl(this.ports),
      pki: this.pki,
      tokenFile: join(this.dir, 'tokens.csv'),
      adminToken: this.#adminToken,
    });
    this.timings.apiserver = performance.now() - started;
  }

  /** Stops the API server only: etcd and its data stay; clients see connection refused on the same address. */
  async stopApiServer(): Promise<void> {
    await this.#apiserver?.stop();
  }

  /** Stops the API server and etcd, keeps etcd's data, and starts both again on the same ports. */
  async restart(): Promise<void> {
    await this.#stopProcesses();
    await this.#startEtcd();
    await this.startApiServer();
  }

  /** Stops everything and removes the temp dir. */
  async stop(): Promise<void> {
    await this.#stopProcesses();
    await rm(this.dir, { recursive: true, force: true });
  }

  async #stopProcesses(): Promise<void> {
    await this.#apiserver?.stop();
    await this.#etcd?.stop();
  }

  /** The last lines of both logs, for a failing test's message. */
  async logTails(lines = 40): Promise<string> {
    const tails = await Promise.all([this.#etcd, this.#apiserver].map((p) => p?.tail(lines) ?? ''));
    return tails.join('\n');
  }

  /** Path of a kubeconfig with the admin token (group `system:masters`). */
  adminKubeconfig(): string {
    return this.#adminKubeconfig;
  }

  kubeConfig(): KubeConfig {
    if (!this.#kubeConfig) {
      this.#kubeConfig = new KubeConfig();
      this.#kubeConfig.loadFromString(
        kubeconfigYaml({
          server: this.server,
          caPem: this.pki.caPem,
          user: 'admin',
          token: this.#adminToken,
        }),
      );
    }
    return this.#kubeConfig;
  }

  /** A typed client with admin rights, e.g. `cluster.client(CoreV1Api)`. */
  client<T extends ApiType>(api: ApiConstructor<T>): T {
    return this.kubeConfig().makeApiClient(api as never) as T;
  }

  objects(): KubernetesObjectApi {
    return KubernetesObjectApi.makeApiClient(this.kubeConfig());
  }

  /**
   * Creates or updates objects (server-side apply, strict field validation): the files of a
   * manifests directory (`.yaml`, `.yml`, `.json` directly in it), or objects given directly.
   * Namespaces, service accounts and RBAC go first. Fails on the first object the API server refuses.
   */
  async apply(target: string | object[]): Promise<KubernetesObject[]> {
    const entries: SourcedObject[] =
      typeof target === 'string'
        ? await readManifests(target)
        : target.map((object, index) => ({
            object: object as KubernetesObject,
            source: `object ${index + 1}`,
          }));
    const applier = this.kubeConfig().makeApiClient(RawObjectApi);
    const applied: KubernetesObject[] = [];
    for (const { object, source } of applyOrder(entries)) {
      try {
        applied.push(await applier.applyStrict(object));
      } catch (error) {
        throw new Error(`${source}: ${describeObject(object)} refused: ${describeApiError(error)}`);
      }
    }
    return applied;
  }

  /** Deletes an object; one that does not exist is not an error. */
  async delete(object: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }) {
    try {
      await this.objects().delete(object);
    } catch (error) {
      if (!(error instanceof ApiException && error.code === 404)) throw error;
    }
  }

  async ensureNamespace(name: string): Promise<void> {
    await this.apply([namespaceObject(name)]);
  }

  /**
   * Writes a kubeconfig holding a fresh token of the service account (TokenRequest API),
   * whose default namespace is the account's own, and returns its path.
   */
  async serviceAccountKubeconfig(namespace: string, name: string, expirationSeconds = 3600): Promise<string> {
    const body: AuthenticationV1TokenRequest = {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { audiences: [], expirationSeconds },
    };
    const reply = await this.client(CoreV1Api).createNamespacedServiceAccountToken({ namespace, name, body });
    const token = reply.status?.token;
    if (!token) throw new Error(`no token for service account ${namespace}/${name}`);
    return writeKubeconfig(join(this.dir, `sa-${namespace}-${name}.kubeconfig`), {
      server: this.server,
      caPem: this.pki.caPem,
      user: `system:serviceaccount:${namespace}:${name}`,
      token,
      namespace,
    });
  }

  /** The load balancer addresses in an Ingress's status (empty until a controller writes them). */
  async ingressStatus(namespace: string, name: string): Promise<V1IngressLoadBalancerIngress[]> {
    const ingress = await this.client(NetworkingV1Api).readNamespacedIngressStatus({ namespace, name });
    return ingress.status?.loadBalancer?.ingress ?? [];
  }

  /**
   * Events about one object, oldest first. Core and events.k8s.io Events are one resource
   * seen through two APIs, so this finds the ones recorded through either.
   */
  async events(namespace: string, kind: string, name: string): Promise<CoreV1Event[]> {
    const list = await this.client(CoreV1Api).listNamespacedEvent({
      namespace,
      fieldSelector: `involvedObject.kind=${kind},involvedObject.name=${name}`,
    });
    const time = (e: CoreV1Event) =>
      new Date(
        e.eventTime ?? e.lastTimestamp ?? e.firstTimestamp ?? e.metadata.creationTimestamp ?? 0,
      ).getTime();
    return list.items.sort((a, b) => time(a) - time(b));
  }

  /** A coordination.k8s.io Lease, or undefined when there is none. */
  async lease(namespace: string, name: string): Promise<V1Lease | undefined> {
    try {
      return await this.client(CoordinationV1Api).readNamespacedLease({ namespace, name });
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) return undefined;
      throw error;
    }
  }
}
