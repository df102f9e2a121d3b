/**
 * Installs CustomResourceDefinitions in the test cluster and waits until the API server
 * serves them: each CRD Established, then a list of each served version answered (the
 * handlers can trail the condition by a moment).
 */
import { ApiextensionsV1Api } from '@kubernetes/client-node';
import type { CustomResourceDefinition } from '../gateway-api/crds.ts';
import { eventually } from '../harness/wait.ts';
import type { TestCluster } from './cluster.ts';

export async function installCrds(
  cluster: TestCluster,
  crds: readonly CustomResourceDefinition[],
  timeoutMs = 30_000,
): Promise<void> {
  await cluster.apply([...crds]);
  const extensions = cluster.client(ApiextensionsV1Api);
  await eventually(async () => {
    for (const crd of crds) {
      const current = await extensions.readCustomResourceDefinition({ name: crd.metadata.name });
      const established = current.status?.conditions?.find((c) => c.type === 'Established');
      if (established?.status !== 'True') throw new Error(`${crd.metadata.name} is not established yet`);
    }
    // A fresh client each time: the object API caches what discovery told it.
    const objects = cluster.objects();
    for (const crd of crds)
      for (const version of crd.spec.versions.filter((v) => v.served))
        await objects.list(`${crd.spec.group}/${version.name}`, crd.spec.names.kind);
  }, timeoutMs);
}

/** Removes CRDs (and with them every object of their kinds). */
export async function uninstallCrds(
  cluster: TestCluster,
  crds: readonly CustomResourceDefinition[],
): Promise<void> {
  for (const crd of crds) await cluster.delete(crd);
}
