// The client the plugins use, @kubernetes/client-node, against the simulator.
import {
  type KubernetesObject,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  Metrics,
  PatchStrategy,
  Watch,
} from '@kubernetes/client-node';
import { startDemoCluster, type DemoCluster } from './DemoCluster';
import { loadScenario } from './scenario/loadScenario';
import { RESOURCE_TYPES } from './store/resources';

let cluster: DemoCluster;
const namespaces = RESOURCE_TYPES.find(t => t.plural === 'namespaces')!;

function kubeConfig(token: string, impersonate?: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: 'demo',
        server: cluster.url,
        caData: Buffer.from(cluster.caPem).toString('base64'),
        skipTLSVerify: false,
      },
    ],
    users: [
      {
        name: 'u',
        token,
        ...(impersonate ? { impersonateUser: impersonate } : {}),
      },
    ],
    contexts: [{ name: 'c', cluster: 'demo', user: 'u' }],
    currentContext: 'c',
  });
  return kc;
}

beforeAll(async () => {
  cluster = await startDemoCluster({
    scenario: { ...loadScenario('default'), memoryConvergenceSeconds: 0 },
    port: 0,
    metricsPort: 0,
  });
});
afterAll(() => cluster?.stop());

describe('@kubernetes/client-node against the demo cluster', () => {
  it('lists pods by the Kubernetes plugin label, pages with limit/continue', async () => {
    const core = kubeConfig('demo-reader-token').makeApiClient(CoreV1Api);
    const pods = await core.listNamespacedPod({
      namespace: 'istio-demo',
      labelSelector: 'backstage.io/kubernetes-id=reviews',
    });
    expect(pods.items.map(p => p.metadata?.labels?.version).sort()).toEqual([
      'v1',
      'v2',
      'v3',
    ]);
    const proxy = pods.items[0].spec?.initContainers?.find(
      c => c.name === 'istio-proxy',
    );
    expect(proxy?.restartPolicy).toBe('Always');

    const first = await core.listPodForAllNamespaces({ limit: 500 });
    expect(first.items).toHaveLength(500);
    expect(first.metadata?._continue).toBeTruthy();
    const second = await core.listPodForAllNamespaces({
      limit: 500,
      _continue: first.metadata?._continue,
    });
    expect(second.items[0].metadata?.name).not.toBe(
      first.items[0].metadata?.name,
    );
  });

  it('reads the MeshConfig ConfigMap and lists Istio custom objects', async () => {
    const kc = kubeConfig('demo-reader-token');
    const cm = await kc
      .makeApiClient(CoreV1Api)
      .readNamespacedConfigMap({ name: 'istio', namespace: 'istio-system' });
    expect(cm.data?.mesh).toContain(
      'address: jaeger-collector.observability:9411',
    );
    const sidecars = await kc
      .makeApiClient(CustomObjectsApi)
      .listClusterCustomObject({
        group: 'networking.istio.io',
        version: 'v1beta1',
        plural: 'sidecars',
      });
    expect(sidecars.items.length).toBeGreaterThan(10);
    expect(sidecars.items[0].apiVersion).toBe('networking.istio.io/v1beta1');
  });

  it('answers 404 for the IstioOperator CRD that a Helm install does not have', async () => {
    const custom =
      kubeConfig('demo-reader-token').makeApiClient(CustomObjectsApi);
    await expect(
      custom.listNamespacedCustomObject({
        group: 'install.istio.io',
        version: 'v1alpha1',
        namespace: 'istio-system',
        plural: 'istiooperators',
      }),
    ).rejects.toMatchObject({ code: 404 });
  });

  it('server-side applies with dryRun and a field manager, under impersonation', async () => {
    const objects = KubernetesObjectApi.makeApiClient(
      kubeConfig('demo-writer-token', 'user:default/guest'),
    );
    const spec = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Sidecar',
      metadata: { name: 'default', namespace: 'istio-demo' },
      spec: {
        egress: [{ hosts: ['./*', 'istio-system/*', 'observability/*'] }],
      },
    };
    const dry: KubernetesObject = await objects.patch(
      spec,
      undefined,
      'All',
      'backstage-istio',
      false,
      PatchStrategy.ServerSideApply,
    );
    expect(dry.metadata?.uid).toBeTruthy();
    await expect(
      objects.read({
        apiVersion: spec.apiVersion,
        kind: spec.kind,
        metadata: spec.metadata,
      }),
    ).rejects.toMatchObject({ code: 404 });
    const applied: KubernetesObject = await objects.patch(
      spec,
      undefined,
      undefined,
      'backstage-istio',
      false,
      PatchStrategy.ServerSideApply,
    );
    expect(applied.metadata?.managedFields?.[0].manager).toBe(
      'backstage-istio',
    );
  });

  it('creates a Namespace with POST as Kubernetes does: dry run, AlreadyExists, and an Update entry of its own', async () => {
    const kc = kubeConfig('demo-writer-token');
    const core = kc.makeApiClient(CoreV1Api);
    const body = {
      metadata: {
        name: 'posted',
        labels: { 'app.kubernetes.io/managed-by': 'backstage-istio' },
      },
    };
    await core.createNamespace({
      body,
      dryRun: 'All',
      fieldManager: 'backstage-istio',
    });
    expect(cluster.store.get(namespaces, undefined, 'posted')).toBeUndefined();
    const created = await core.createNamespace({
      body,
      fieldManager: 'backstage-istio',
    });
    expect(created.metadata?.managedFields).toEqual([
      expect.objectContaining({
        manager: 'backstage-istio',
        operation: 'Update',
        fieldsV1: {
          'f:metadata': {
            'f:labels': { 'f:app.kubernetes.io/managed-by': {} },
          },
        },
      }),
    ]);
    const again = await core
      .createNamespace({ body, fieldManager: 'backstage-istio' })
      .catch((error: { code: number; body: string }) => error);
    expect(again).toMatchObject({ code: 409 });
    expect(JSON.parse((again as { body: string }).body)).toMatchObject({
      reason: 'AlreadyExists',
      message: 'namespaces "posted" already exists',
      details: { name: 'posted', kind: 'namespaces' },
    });

    // The same manager's apply is a second entry; a value only its create wrote
    // conflicts with that entry, as in Kubernetes.
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const apply = (labels: Record<string, string>) =>
      objects.patch(
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: 'posted', labels },
        },
        undefined,
        undefined,
        'backstage-istio',
        false,
        PatchStrategy.ServerSideApply,
      );
    const applied: KubernetesObject = await apply({
      'app.kubernetes.io/managed-by': 'backstage-istio',
      'istio-injection': 'enabled',
    });
    expect(
      applied.metadata?.managedFields?.map(f => [f.manager, f.operation]),
    ).toEqual([
      ['backstage-istio', 'Update'],
      ['backstage-istio', 'Apply'],
    ]);
    await expect(
      apply({ 'app.kubernetes.io/managed-by': 'someone' }),
    ).rejects.toMatchObject({
      code: 409,
      body: expect.stringContaining(
        'conflict with \\"backstage-istio\\" using v1: .metadata.labels.app.kubernetes.io/managed-by',
      ),
    });
  });

  it('refuses impersonation to a token that may not impersonate', async () => {
    const core = kubeConfig(
      'demo-reader-token',
      'user:default/guest',
    ).makeApiClient(CoreV1Api);
    await expect(
      core.listNamespacedPod({ namespace: 'istio-demo' }),
    ).rejects.toMatchObject({ code: 403 });
  });

  it('reads pod metrics like kubectl top, and Envoy stats through pods/proxy', async () => {
    const kc = kubeConfig('demo-reader-token');
    const metrics = await new Metrics(kc).getPodMetrics('istio-demo');
    const containers = metrics.items.flatMap(i =>
      i.containers.map(c => c.name),
    );
    expect(containers.filter(c => c === 'istio-proxy')).toHaveLength(6);

    const pod = metrics.items[0].metadata.name;
    const text = await kc
      .makeApiClient(CoreV1Api)
      .connectGetNamespacedPodProxyWithPath({
        name: `${pod}:15020`,
        namespace: 'istio-demo',
        path: 'stats/prometheus',
      });
    expect(text).toMatch(/^envoy_cluster_manager_active_clusters \d+$/m);
    expect(text).toMatch(/^envoy_server_memory_allocated \d+$/m);
  });

  it('streams watch events for Sidecars', async () => {
    const kc = kubeConfig('demo-writer-token');
    const events: string[] = [];
    const watch = new Watch(kc);
    const request = await watch.watch(
      '/apis/networking.istio.io/v1/namespaces/istio-demo/sidecars',
      { resourceVersion: cluster.store.resourceVersion },
      (type, obj) => events.push(`${type} ${obj.metadata.name}`),
      () => undefined,
    );
    const objects = KubernetesObjectApi.makeApiClient(kc);
    await objects.patch(
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'Sidecar',
        metadata: { name: 'productpage', namespace: 'istio-demo' },
        spec: {
          workloadSelector: { labels: { app: 'productpage' } },
          egress: [{ hosts: ['./*'] }],
        },
      },
      undefined,
      undefined,
      'test',
      false,
      PatchStrategy.ServerSideApply,
    );
    for (let i = 0; i < 50 && events.length === 0; i++)
      await new Promise(r => setTimeout(r, 20));
    request.abort();
    expect(events).toEqual(['ADDED productpage']);
  });

  it('replays what changed since a watch resourceVersion, as the API server does', async () => {
    const kc = kubeConfig('demo-writer-token');
    const from = cluster.store.resourceVersion;
    // Changed (by someone else) before the watch starts, after the version it starts from.
    cluster.store.create(
      RESOURCE_TYPES.find(t => t.group === '' && t.plural === 'services')!,
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'missed-by-nobody', namespace: 'istio-demo' },
        spec: { ports: [{ port: 80 }] },
      },
      { manager: 'someone-else' },
    );
    const events: string[] = [];
    const request = await new Watch(kc).watch(
      '/api/v1/namespaces/istio-demo/services',
      { resourceVersion: from },
      (type, obj) => events.push(`${type} ${obj.metadata.name}`),
      () => undefined,
    );
    for (let i = 0; i < 50 && events.length === 0; i++)
      await new Promise(r => setTimeout(r, 20));
    request.abort();
    expect(events).toEqual(['ADDED missed-by-nobody']);
  });

  it('answers a watch from before its kept history with 410 Expired', async () => {
    const kc = kubeConfig('demo-reader-token');
    const events: Array<{ type: string; code?: number }> = [];
    let ended = false;
    await new Watch(kc).watch(
      '/api/v1/services',
      { resourceVersion: '1' },
      (type, obj) => events.push({ type, code: obj.code }),
      () => {
        ended = true;
      },
    );
    for (let i = 0; i < 50 && !ended; i++)
      await new Promise(r => setTimeout(r, 20));
    expect(events).toEqual([{ type: 'ERROR', code: 410 }]);
  });
});
