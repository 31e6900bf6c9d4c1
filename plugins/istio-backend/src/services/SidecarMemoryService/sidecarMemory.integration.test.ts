// The sidecar-memory endpoint against the demo cluster (HTTPS) and a real Prometheus
// scraping it, with the catalog's bookinfo entities.
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  loadScenario,
  RESOURCE_TYPES,
  startDemoCluster,
  startPrometheus,
  queryPrometheus,
  waitForSeries,
  type DemoCluster,
  type RunningPrometheus,
} from '@istio-backstage/demo-cluster';
import type { IstioSidecarMemoryResponse } from '@istio-backstage/plugin-istio-common';
import {
  KubernetesObjectApi,
  KubeConfig,
  PatchStrategy,
} from '@kubernetes/client-node';
import request from 'supertest';
import yaml from 'yaml';
import { bookinfoEntities } from '../../__testUtils__/bookinfoEntities';
import { fitMemoryPerCluster } from '../../lib/sidecar';
import { createClusterReads } from '../ClusterReads';
import {
  clusterAccessFor,
  startIstioBackend,
} from '../../__testUtils__/startIstioBackend';

jest.setTimeout(120_000);

let demo: DemoCluster;
let prometheus: RunningPrometheus;
let server: Awaited<ReturnType<typeof startIstioBackend>>;

const get = (path: string) =>
  request(server).get(path).set('Authorization', mockCredentials.user.header());

beforeAll(async () => {
  demo = await startDemoCluster({
    scenario: { ...loadScenario('default'), memoryConvergenceSeconds: 0 },
    port: 0,
    metricsPort: 0,
  });
  prometheus = await startPrometheus({ scrapeTargets: [demo.metricsUrl] });
  // Two scrapes of traffic so increase() has something to measure.
  await waitForSeries(
    prometheus.url,
    'increase(istio_requests_total{reporter="source",source_workload_namespace="istio-demo"}[1m]) > 0',
    60_000,
  );
  // The cluster changes between calls here (Sidecars written straight into it), so
  // answers are not reused (the cache has its own test).
  server = await startIstioBackend(
    [
      {
        name: 'demo',
        demo,
        prometheusUrl: prometheus.url,
        token: 'demo-writer-token',
      },
    ],
    [],
    bookinfoEntities,
    { sidecarMemory: { cacheSeconds: 0 } },
  );
});
afterAll(async () => {
  await prometheus?.stop();
  await demo?.stop();
});

describe('GET /api/istio/sidecar-memory', () => {
  it('answers for productpage: its proxy, memory now and over the window, and a workload-scoped recommendation', async () => {
    const res = await get(
      '/api/istio/sidecar-memory?entityRef=component:default/productpage',
    );
    expect(res.status).toBe(200);
    const body = res.body as IstioSidecarMemoryResponse;
    expect(body.errors).toEqual([]);
    expect(body.items).toHaveLength(1);
    const item = body.items[0];
    expect(item).toMatchObject({
      cluster: 'demo',
      namespace: 'istio-demo',
      windowDays: 7,
    });
    expect(item.proxies).toHaveLength(1);
    expect(item.proxies[0]).toMatchObject({
      proxyKind: 'native-sidecar',
      proxyVersion: '1.28.1',
    });
    expect(item.proxies[0].memoryNowBytes).toBeGreaterThan(150 * 1024 * 1024);
    expect(item.proxies[0].memoryPeakBytes).toBeGreaterThan(150 * 1024 * 1024);
    expect(item.proxies[0].envoyActiveClusters).toBeGreaterThan(1000);
    // productpage shares istio-demo with the other bookinfo services.
    expect(item.recommendation?.scope).toBe('workload');
    const hosts = item.recommendation!.egress.map(h => h.host);
    expect(hosts).toEqual(expect.arrayContaining(['istio-system/*']));
    // details and reviews share the namespace: `./*` carries them, with the calls as reasons.
    const ownNamespace = item.recommendation!.egress.find(
      h => h.host === './*',
    )!;
    const observed = ownNamespace.reasons
      .filter(r => r.kind === 'observed-traffic')
      .map(r => r.detail)
      .join('\n');
    expect(observed).toMatch(/details/);
    expect(observed).toMatch(/reviews/);
    expect(hosts.some(h => h.startsWith('observability/'))).toBe(true);
    expect(item.recommendation!.clustersAfter!).toBeLessThan(
      item.recommendation!.clustersBefore! / 10,
    );
    // The simulator's per-cluster cost is 118 KiB; the fit must recover it within 25 %.
    expect(item.estimate?.method).toBe('fitted');
    expect(item.estimate!.bytesPerCluster! / (118 * 1024)).toBeGreaterThan(
      0.75,
    );
    expect(item.estimate!.bytesPerCluster! / (118 * 1024)).toBeLessThan(1.25);
  });

  it('keeps the memory fit from the scheduled refresh, the same fit a request reads', async () => {
    const scheduler = mockServices.scheduler();
    const reads = createClusterReads({
      clusters: clusterAccessFor([
        { name: 'demo', demo, prometheusUrl: prometheus.url },
      ]),
      scheduler,
      logger: mockServices.logger.mock(),
      reuseMs: 0,
      watch: false,
      memoryFitRefreshMs: 300_000,
    });
    await reads.scheduleRefreshes();
    await scheduler.triggerTask('istio-memory-fit');
    const kept = (await reads.memoryFit('demo'))!;
    expect(kept.n).toBeGreaterThan(10);
    expect(await reads.memoryFit('demo', { fresh: true })).toEqual(kept);
    const fit = fitMemoryPerCluster(kept)!;
    // The simulator's cost per cluster is 118 KiB.
    expect(fit.slope / (118 * 1024)).toBeGreaterThan(0.75);
    expect(fit.slope / (118 * 1024)).toBeLessThan(1.25);
  });

  it.each(['productpage', 'details', 'reviews', 'ratings'])(
    'answers for %s',
    async name => {
      const res = await get(
        `/api/istio/sidecar-memory?entityRef=component:default/${name}`,
      );
      expect(res.status).toBe(200);
      expect(res.body.items[0].proxies.length).toBeGreaterThan(0);
    },
  );

  it("scopes reviews by its entity's label: one Sidecar for v1, v2 and v3, stable across versions", async () => {
    const res = await get(
      '/api/istio/sidecar-memory?entityRef=component:default/reviews',
    );
    const item = (res.body as IstioSidecarMemoryResponse).items[0];
    expect(item.errors).toEqual([]);
    expect(item.recommendation?.scope).toBe('workload');
    expect(
      item.recommendation!.objects.map(o => [o.name, o.workloadSelector]),
    ).toEqual([['reviews', { 'backstage.io/kubernetes-id': 'reviews' }]]);
    // Only v2 and v3 call ratings, but ratings is in ./* for every version.
    expect(item.warnings.map(w => w.code)).not.toContain(
      'per-workload-sidecars',
    );
    expect(item.recommendation!.yaml).toContain(
      'every pod labelled backstage.io/kubernetes-id=reviews, versions deployed later too (now reviews-v1, reviews-v2, reviews-v3)',
    );
  });

  it('answers for a namespace, and its recommendation applied leaves no unmatched traffic and lowers memory', async () => {
    const res = await get(
      '/api/istio/sidecar-memory?cluster=demo&namespace=istio-demo',
    );
    expect(res.status).toBe(200);
    const item = (res.body as IstioSidecarMemoryResponse).items[0];
    expect(item.recommendation?.scope).toBe('namespace');
    const before = item.proxies.map(p => p.memoryNowBytes!);

    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [
        {
          name: 'demo',
          server: demo.url,
          caData: Buffer.from(demo.caPem).toString('base64'),
        },
      ],
      users: [{ name: 'writer', token: 'demo-writer-token' }],
      contexts: [{ name: 'demo', cluster: 'demo', user: 'writer' }],
      currentContext: 'demo',
    });
    const objects = KubernetesObjectApi.makeApiClient(kc);
    for (const doc of yaml.parseAllDocuments(item.recommendation!.yaml)) {
      await objects.patch(
        doc.toJS(),
        undefined,
        undefined,
        'test',
        false,
        PatchStrategy.ServerSideApply,
      );
    }
    // Let Prometheus scrape a few times after the change.
    await new Promise(resolve => setTimeout(resolve, 4000));
    const unmatched = await queryPrometheus(
      prometheus.url,
      `sum(istio_requests_total{reporter="source",source_workload_namespace="istio-demo",destination_service_name=~"PassthroughCluster|BlackHoleCluster"})`,
    );
    expect(unmatched).toEqual([]);

    const after = (
      await get('/api/istio/sidecar-memory?cluster=demo&namespace=istio-demo')
    ).body as IstioSidecarMemoryResponse;
    after.items[0].proxies.forEach((p, i) =>
      expect(p.memoryNowBytes!).toBeLessThan(before[i] / 2),
    );
  });

  it.each([
    [
      'a malformed entity ref',
      '/api/istio/sidecar-memory?entityRef=component:',
      400,
    ],
    [
      'an entity that does not exist or is not visible',
      '/api/istio/sidecar-memory?entityRef=component:default/nope',
      404,
    ],
    [
      'an entity without Kubernetes annotations',
      '/api/istio/sidecar-memory?entityRef=component:default/website',
      400,
    ],
    [
      'an invalid namespace',
      '/api/istio/sidecar-memory?cluster=demo&namespace=Istio_Demo',
      400,
    ],
    [
      'PromQL injection in a namespace',
      `/api/istio/sidecar-memory?cluster=demo&namespace=${encodeURIComponent(
        'x"} or vector(1) #',
      )}`,
      400,
    ],
    [
      'an unknown cluster',
      '/api/istio/sidecar-memory?cluster=nope&namespace=istio-demo',
      404,
    ],
    [
      'an invalid extra host',
      '/api/istio/sidecar-memory?cluster=demo&namespace=istio-demo&extraHost=http://x',
      400,
    ],
    ['neither entity nor namespace', '/api/istio/sidecar-memory', 400],
  ])(
    'answers %s with %s, without calling the cluster',
    async (_case, path, status) => {
      const before = demo.requestCount();
      const res = await get(path);
      expect(res.status).toBe(status);
      expect(demo.requestCount()).toBe(before);
    },
  );
});

describe('sidecar-memory without Prometheus', () => {
  it('uses metrics.k8s.io and the catalog, and says so', async () => {
    const noProm = await startIstioBackend([{ name: 'demo', demo }]);
    const res = await request(noProm)
      .get('/api/istio/sidecar-memory?entityRef=component:default/reviews')
      .set('Authorization', mockCredentials.user.header());
    const item = (res.body as IstioSidecarMemoryResponse).items[0];
    expect(
      item.proxies.every(
        p => p.memoryNowBytes! > 0 && p.memoryPeakBytes === undefined,
      ),
    ).toBe(true);
    expect(item.warnings.map(w => w.code)).toContain('prometheus-unavailable');
    const hosts = item.recommendation!.egress;
    // ratings shares the namespace: `./*` carries the catalog dependency as a reason.
    const catalogReasons = hosts
      .flatMap(h => h.reasons)
      .filter(r => r.kind === 'catalog-dependency');
    expect(catalogReasons.map(r => r.detail).join('\n')).toMatch(/ratings/);
    expect(item.estimate?.method).toBe('default-per-cluster');
  });
});

describe('sidecar-memory on the problem scenarios', () => {
  let other: DemoCluster;
  let otherProm: RunningPrometheus;
  let otherServer: Awaited<ReturnType<typeof startIstioBackend>>;
  const ask = (path: string) =>
    request(otherServer)
      .get(path)
      .set('Authorization', mockCredentials.user.header());

  beforeAll(async () => {
    // service-entry: productpage calls an external API through a ServiceEntry.
    other = await startDemoCluster({
      scenario: {
        ...loadScenario('service-entry'),
        memoryConvergenceSeconds: 0,
      },
      port: 0,
      metricsPort: 0,
    });
    otherProm = await startPrometheus({ scrapeTargets: [other.metricsUrl] });
    await waitForSeries(
      otherProm.url,
      'increase(istio_requests_total{reporter="source",destination_service="api.payments.example.com"}[1m]) > 0',
      60_000,
    );
    otherServer = await startIstioBackend([
      { name: 'demo', demo: other, prometheusUrl: otherProm.url },
    ]);
  });
  afterAll(async () => {
    await otherProm?.stop();
    await other?.stop();
  });

  it('keeps the ServiceEntry host productpage uses', async () => {
    const res = await ask(
      '/api/istio/sidecar-memory?entityRef=component:default/productpage',
    );
    const egress = (res.body as IstioSidecarMemoryResponse).items[0]
      .recommendation!.egress;
    const reasons = egress
      .flatMap(h => h.reasons.map(r => `${h.host} ${r.kind} ${r.detail}`))
      .join('\n');
    expect(reasons).toMatch(/service-entry .*api\.payments\.example\.com/);
  });

  it('warns, and recommends nothing new, where a Sidecar is already in force', async () => {
    const scoped = (
      await ask('/api/istio/sidecar-memory?cluster=demo&namespace=istio-demo')
    ).body as IstioSidecarMemoryResponse;
    expect(scoped.items[0].sidecarsInForce).toEqual([]);
    const withExisting = await startDemoCluster({
      scenario: { ...loadScenario('default'), memoryConvergenceSeconds: 0 },
      port: 0,
      metricsPort: 0,
    });
    try {
      const server2 = await startIstioBackend([
        { name: 'demo', demo: withExisting },
      ]);
      const scopedNamespace = withExisting.store
        .list(RESOURCE_TYPES.find(t => t.plural === 'sidecars')!)
        .map(s => s.metadata.namespace)[0]!;
      const res = await request(server2)
        .get(
          `/api/istio/sidecar-memory?cluster=demo&namespace=${scopedNamespace}`,
        )
        .set('Authorization', mockCredentials.user.header());
      const item = (res.body as IstioSidecarMemoryResponse).items[0];
      expect(item.sidecarsInForce.map(s => s.name)).toContain('default');
      expect(item.warnings.map(w => w.code)).toContain('existing-sidecar');
    } finally {
      await withExisting.stop();
    }
  });
});

describe('sidecar-memory for an ambient namespace', () => {
  it('recommends no Sidecar and says why', async () => {
    const ambient = await startDemoCluster({
      scenario: loadScenario('ambient'),
      port: 0,
      metricsPort: 0,
    });
    try {
      const server3 = await startIstioBackend([
        { name: 'demo', demo: ambient },
      ]);
      const res = await request(server3)
        .get('/api/istio/sidecar-memory?cluster=demo&namespace=ambient-demo')
        .set('Authorization', mockCredentials.user.header());
      const item = (res.body as IstioSidecarMemoryResponse).items[0];
      expect(item.recommendation).toBeUndefined();
      expect(item.warnings.map(w => w.code)).toContain('ambient-namespace');
      expect(item.proxies.every(p => p.proxyKind === 'ambient')).toBe(true);
    } finally {
      await ambient.stop();
    }
  });
});
