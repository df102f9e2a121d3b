/**
 * Cluster mode and the Gateway API: a controller started on a cluster without the Gateway
 * API CRDs says so once per kind and serves Ingresses as ever; once the CRDs are installed it
 * watches GatewayClasses, Gateways, HTTPRoutes, GRPCRoutes and ReferenceGrants (and
 * Namespaces) with the manifests' RBAC, and objects created through the API reach its store;
 * when the CRDs go away, their collections empty and it says so once more. RBAC that grants
 * neither the Gateway API nor Namespaces (an install older than them) is said once too, and
 * Ingresses still work. What the controller holds is read from its /readyz body (one line
 * per watched collection).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readManifests } from './cluster/apply.ts';
import { installCrds, uninstallCrds } from './cluster/crds.ts';
import { type GatewayApiCrds, gatewayApiCrds } from './gateway-api/crds.ts';
import {
  type ClusterEnv,
  loopbackSlice,
  MANIFESTS_DIR,
  startClusterController,
  startClusterWithManifests,
} from './harness/cluster-setup.ts';
import type { TestController } from './harness/controller.ts';
import { httpGet } from './harness/http.ts';
import { ingress, service } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { eventually } from './harness/wait.ts';

const NS = 'shop';
const V1 = 'gateway.networking.k8s.io/v1';
const GATEWAY_KINDS = ['GatewayClass', 'Gateway', 'HTTPRoute', 'GRPCRoute', 'ReferenceGrant'] as const;
const PLURALS: Record<(typeof GATEWAY_KINDS)[number], string> = {
  GatewayClass: 'gatewayclasses',
  Gateway: 'gateways',
  HTTPRoute: 'httproutes',
  GRPCRoute: 'grpcroutes',
  ReferenceGrant: 'referencegrants',
};

const GATEWAY_OBJECTS = [
  {
    apiVersion: V1,
    kind: 'GatewayClass',
    metadata: { name: 'haproxy' },
    spec: { controllerName: 'haproxy.org/gateway-controller' },
  },
  {
    apiVersion: V1,
    kind: 'Gateway',
    metadata: { name: 'web', namespace: NS },
    spec: {
      gatewayClassName: 'haproxy',
      listeners: [
        {
          name: 'http',
          port: 80,
          protocol: 'HTTP',
          allowedRoutes: { namespaces: { from: 'Selector', selector: { matchLabels: { team: 'shop' } } } },
        },
      ],
    },
  },
  {
    apiVersion: V1,
    kind: 'HTTPRoute',
    metadata: { name: 'web', namespace: NS },
    spec: {
      parentRefs: [{ name: 'web' }],
      hostnames: ['gateway.shop.example'],
      rules: [
        { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'web', port: 80 }] },
      ],
    },
  },
  {
    apiVersion: V1,
    kind: 'GRPCRoute',
    metadata: { name: 'rpc', namespace: NS },
    spec: {
      parentRefs: [{ name: 'web' }],
      rules: [{ matches: [{ method: { service: 'shop.Cart' } }], backendRefs: [{ name: 'web', port: 80 }] }],
    },
  },
  {
    apiVersion: 'gateway.networking.k8s.io/v1beta1',
    kind: 'ReferenceGrant',
    metadata: { name: 'from-shop', namespace: 'default' },
    spec: {
      from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: NS }],
      to: [{ group: '', kind: 'Service' }],
    },
  },
];

interface RbacObject {
  kind: string;
  rules: { apiGroups: string[]; resources: string[] }[];
}

interface LogLine {
  level: number;
  msg: string;
  resource?: string;
}

describe('cluster mode with and without the Gateway API', () => {
  let env: ClusterEnv;
  let controller: TestController;
  let pods: Pods;
  let gatewayApi: GatewayApiCrds;

  before(async () => {
    gatewayApi = await gatewayApiCrds();
    env = await startClusterWithManifests();
    await env.cluster.apply([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, labels: { team: 'shop' } } },
    ]);
    pods = await startPods('web', 2);
    await env.cluster.apply([
      service('web', [{ port: 80 }], {}, NS),
      loopbackSlice(
        'web',
        pods.port,
        pods.addresses.map((address) => ({ address })),
        NS,
      ),
      ingress(
        'web',
        { rules: [{ host: 'shop.example', paths: [{ path: '/', service: 'web', port: 80 }] }] },
        { namespace: NS },
      ),
    ]);
    // A resync period of 1s: a missing API is looked for every second.
    controller = await startClusterController(env, { args: ['--resync-period', '1s'] });
  });

  after(async () => {
    await controller?.cleanup();
    await pods?.stop();
    await env?.cluster.stop();
  });

  /**
   * Phase and object count of each watched collection, from /readyz, e.g. `HTTPRoute` →
   * `watching, 1 objects` (restarts left out: a CRD just installed answers its first
   * watches with 429 while its watch cache fills).
   */
  async function collections(of = controller): Promise<Map<string, string>> {
    const body = (await httpGet(of.ports.controller, '/readyz')).body;
    return new Map(
      body
        .split('\n')
        .map((line) => /^([A-Za-z]+): ([a-z]+, \d+ objects)/.exec(line.trim()))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => [m[1] as string, m[2] as string]),
    );
  }

  async function logLines(of = controller): Promise<LogLine[]> {
    return (await of.log())
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogLine);
  }

  const served = async (host: string) => assert.equal((await controller.get(host, '/')).status, 200);

  it('without the CRDs: ready, serves Ingresses, and says once per kind that the API is missing', async () => {
    await eventually(() => served('shop.example'));
    // Several looks, so that "once" means once.
    await eventually(
      async () => {
        const looks = (await logLines()).filter(
          (l) => l.level === 20 && /not served; looking again later/.test(l.msg),
        );
        for (const kind of GATEWAY_KINDS)
          assert.ok(looks.filter((l) => l.resource === kind).length >= 3, `${kind} looked for 3 times`);
      },
      20_000,
      100,
    );
    const warnings = (await logLines()).filter((l) => l.level === 40 && /is not installed/.test(l.msg));
    assert.deepEqual(warnings.map((l) => l.resource).sort(), [...GATEWAY_KINDS].sort());
    for (const kind of GATEWAY_KINDS)
      assert.match(
        warnings.find((l) => l.resource === kind)?.msg ?? '',
        new RegExp(
          `^API gateway\\.networking\\.k8s\\.io/v1(beta1)? ${PLURALS[kind]} is not installed \\(its CRDs are missing\\)`,
        ),
      );
    const state = await collections();
    for (const kind of GATEWAY_KINDS) assert.equal(state.get(kind), 'absent, 0 objects', kind);
    assert.match(state.get('Namespace') ?? '', /^watching, \d+ objects$/);
    await served('shop.example');
  });

  it('once the CRDs are installed: watches them, and the objects created through the API reach the store', async (t) => {
    const installing = performance.now();
    await installCrds(env.cluster, gatewayApi.crds);
    const installed = performance.now() - installing;
    const seen = await eventually(
      async () => {
        const state = await collections();
        for (const kind of GATEWAY_KINDS) assert.equal(state.get(kind), 'watching, 0 objects', kind);
      },
      15_000,
      50,
    );
    const found = (await logLines()).filter(
      (l) => l.level === 30 && /is available now; watching/.test(l.msg),
    );
    assert.deepEqual(found.map((l) => l.resource).sort(), [...GATEWAY_KINDS].sort());

    await env.cluster.apply(GATEWAY_OBJECTS);
    // Counted once parsed: an object refused at the store boundary would not be.
    await eventually(async () => {
      const state = await collections();
      for (const kind of GATEWAY_KINDS) assert.equal(state.get(kind), 'watching, 1 objects', kind);
    });

    const route = GATEWAY_OBJECTS.find((o) => o.kind === 'HTTPRoute') as (typeof GATEWAY_OBJECTS)[number];
    await env.cluster.delete(route);
    await eventually(async () => assert.equal((await collections()).get('HTTPRoute'), 'watching, 0 objects'));
    await served('shop.example');
    t.diagnostic(
      `${gatewayApi.crds.length} CRDs of Gateway API ${gatewayApi.version} installed and served in ${installed.toFixed(0)} ms; seen by the controller ${seen.toFixed(0)} ms later`,
    );
  });

  it('with RBAC that grants neither the Gateway API nor Namespaces (an older install): says so once per kind and serves Ingresses', async () => {
    const manifests = (await readManifests(MANIFESTS_DIR)).map((entry) => entry.object as RbacObject);
    const role = manifests.find((o) => o.kind === 'ClusterRole') as RbacObject;
    const older = {
      ...role,
      rules: role.rules.filter(
        (rule) =>
          !rule.apiGroups.includes('gateway.networking.k8s.io') && !rule.resources.includes('namespaces'),
      ),
    };
    const optional = [...GATEWAY_KINDS, 'Namespace'].sort();
    await env.cluster.apply([older]);
    const second = await startClusterController(env, {
      podName: 'haproxy-ingress-1',
      args: ['--resync-period', '1s'],
    });
    try {
      assert.equal((await second.get('shop.example', '/')).status, 200);
      await eventually(
        async () => {
          const looks = (await logLines(second)).filter((l) => /not served; looking again/.test(l.msg));
          for (const kind of optional) assert.ok(looks.filter((l) => l.resource === kind).length >= 2, kind);
        },
        20_000,
        100,
      );
      const warnings = (await logLines(second)).filter(
        (l) =>
          l.level === 40 && /cannot be read \(403: the controller's RBAC does not grant it\)/.test(l.msg),
      );
      assert.deepEqual(warnings.map((l) => l.resource).sort(), optional);
      const state = await collections(second);
      for (const kind of optional) assert.equal(state.get(kind), 'absent, 0 objects', kind);
    } finally {
      await second.cleanup();
      await env.cluster.apply([role]);
    }
  });

  it('once the CRDs are removed: their collections are empty, said once more, and Ingresses are still served', async () => {
    const watchingAll = async () => {
      const state = await collections();
      for (const kind of GATEWAY_KINDS) assert.match(state.get(kind) ?? '', /^watching/, kind);
    };
    // Back to watching, whatever the RBAC change of the test before did meanwhile.
    await eventually(watchingAll, 15_000, 50);
    await uninstallCrds(env.cluster, gatewayApi.crds);
    await eventually(
      async () => {
        const state = await collections();
        for (const kind of GATEWAY_KINDS) assert.equal(state.get(kind), 'absent, 0 objects', kind);
      },
      30_000,
      100,
    );
    // The warning can reach the log a moment after /readyz shows the collection absent.
    await eventually(async () => {
      const warnings = (await logLines()).filter((l) => l.level === 40 && /is not installed/.test(l.msg));
      for (const kind of GATEWAY_KINDS)
        assert.equal(
          warnings.filter((l) => l.resource === kind).length,
          2,
          `${kind}: once per disappearance`,
        );
    }, 5_000);
    await served('shop.example');
  });
});
