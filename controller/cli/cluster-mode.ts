/**
 * Cluster mode's parts: the API client, the informers' source, leader election
 * and the status/Event writer. Imported by main.ts only when there is a
 * cluster, so that local mode never loads the Kubernetes client library.
 */
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { ApiClient, loadKubeConfig } from '../cluster/api-client.ts';
import { LeaderElector } from '../cluster/leader-election.ts';
import { ClusterReporter } from '../emitters/cluster/cluster-reporter.ts';
import type { Metrics } from '../http/metrics.ts';
import type { ModelOptions } from '../model/build.ts';
import { KubernetesSource } from '../sources/kubernetes/kubernetes-source.ts';
import { collectionLine } from './collection-line.ts';
import { type Options, UsageError } from './options.ts';

/** Cluster mode: the API client, the informers' source, leader election and the status/Event writer. */
export function connectToCluster(options: Options, model: ModelOptions, metrics: Metrics, log: Logger) {
  let client: ApiClient;
  try {
    client = new ApiClient(loadKubeConfig(options.kubeconfig));
  } catch (error) {
    throw new UsageError(
      `no source of Kubernetes objects: pass --manifests DIR (local mode), --demo, or a cluster (--kubeconfig, $KUBECONFIG, in-cluster): ${(error as Error).message}`,
    );
  }
  const source = new KubernetesSource(
    client,
    {
      configMap: options.configmap,
      extraConfigMaps: [
        options['configmap-tcp-services'],
        options['configmap-errorfiles'],
        options['configmap-patternfiles'],
      ].filter((name): name is string => name !== undefined),
      namespaces: options['namespace-whitelist'],
      excludedNamespaces: options['namespace-blacklist'],
      onFailure: (resource) => metrics.watchFailures.inc(1, { resource }),
      onExpired: (resource) => metrics.watchExpired.inc(1, { resource }),
      timing: {
        relistMs: options['resync-period'],
        watchSeconds: Math.ceil(options['watch-timeout'] / 1000),
        absentRetryMs: Math.min(30_000, options['resync-period']),
      },
    },
    log,
  );
  const identity = process.env.POD_NAME || hostname();
  const elector = new LeaderElector(client, {
    namespace: process.env.POD_NAMESPACE || options.configmap.split('/')[0] || 'default',
    name: options['election-id'],
    identity,
    leaseDurationMs: options['election-lease-duration'],
    log: log.child({ component: 'leader-election' }),
  });
  metrics.leader.set(0);
  elector.on('elected', () => metrics.leader.set(1));
  elector.on('deposed', () => metrics.leader.set(0));
  const reporter = new ClusterReporter(
    client,
    elector,
    {
      publish: {
        publishService: options['publish-service'],
        publishAddresses: options['publish-address'],
        disabled: options['disable-ingress-status-update'],
      },
      model,
      identity,
    },
    log,
  );
  const describe = () => [
    `leader: ${elector.isLeader ? 'yes' : 'no'} (${identity})`,
    ...source.status().map(collectionLine),
  ];
  return { client, source, elector, reporter, describe };
}
