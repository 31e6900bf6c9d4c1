/* eslint-disable jest/no-standalone-expect -- the per-scenario expectation tables are
   called from inside it.each below. */
// The mesh-config endpoint against the demo cluster over HTTPS (every scenario) and a
// real Prometheus: fields each scenario must produce, and the bad inputs and faults.
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  listScenarios,
  loadScenario,
  startDemoCluster,
  startPrometheus,
  waitForSeries,
  type DemoCluster,
  type RunningPrometheus,
} from '@istio-backstage/demo-cluster';
import type {
  IstioMeshConfig,
  IstioMeshConfigResponse,
} from '@istio-backstage/plugin-istio-common';
import net from 'node:net';
import request from 'supertest';
import { startIstioBackend } from '../../__testUtils__/startIstioBackend';

jest.setTimeout(60_000);

async function meshConfigOf(scenario: string): Promise<IstioMeshConfig> {
  const demo = await startDemoCluster({
    scenario: loadScenario(scenario),
    port: 0,
    metricsPort: 0,
  });
  try {
    const server = await startIstioBackend([{ name: 'demo', demo }]);
    const res = await request(server)
      .get('/api/istio/mesh-config?cluster=demo')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    const body = res.body as IstioMeshConfigResponse;
    expect(body.errors).toEqual([]);
    expect(body.items).toHaveLength(1);
    return body.items[0];
  } finally {
    await demo.stop();
  }
}

const codes = (mesh: IstioMeshConfig) => mesh.diagnostics.map(d => d.code);

const ALWAYS_CLEAN_IN_DEFAULT = [
  'IBS-GATEWAY-IN-ROOT-NAMESPACE',
  'IBS-GATEWAY-NO-INJECTION',
  'IBS-CNI-MISSING',
  'IBS-TRACING-COLLECTOR-MISSING',
  'IBS-IMAGE-PULL-FAILED',
  'IBS-IN-CLUSTER-OPERATOR',
  'IBS-PROXY-NEWER-THAN-CONTROL-PLANE',
  'IBS-SIDECAR-MULTIPLE-DEFAULTS',
  'IBS-ROOT-SIDECAR-WITH-SELECTOR',
  'IBS-NAMESPACE-MULTIPLE-INJECTION-LABELS',
  'IBS-SIDECAR-IN-AMBIENT-NAMESPACE',
  'IBS-KIALI-SERVICE-MISSING',
  'IBS-ENVOY-METRICS-NOT-SCRAPED',
  'IBS-ISTIOD-METRICS-NOT-SCRAPED',
];
const without = (list: string[], ...remove: string[]) =>
  list.filter(c => !remove.includes(c));

/** Diagnostics each scenario must produce and must not produce. */
const diagnosticExpectations: Record<
  string,
  { must: string[]; mustNot: string[] }
> = {
  // A typical MeshConfig: sampling 1.0 (1 %), legacy zipkin address on Istio 1.28, a big unscoped mesh.
  default: {
    must: [
      'IBS-TRACING-SAMPLING-FRACTION',
      'IBS-TRACING-NO-PROVIDER',
      'IBS-NAMESPACE-NOT-SCOPED',
    ],
    mustNot: ALWAYS_CLEAN_IN_DEFAULT,
  },
  'gateway-in-istio-system': {
    must: ['IBS-GATEWAY-IN-ROOT-NAMESPACE', 'IBS-GATEWAY-NO-INJECTION'],
    mustNot: without(
      ALWAYS_CLEAN_IN_DEFAULT,
      'IBS-GATEWAY-IN-ROOT-NAMESPACE',
      'IBS-GATEWAY-NO-INJECTION',
    ),
  },
  'jaeger-without-zipkin': {
    must: ['IBS-TRACING-COLLECTOR-MISSING'],
    mustNot: without(ALWAYS_CLEAN_IN_DEFAULT, 'IBS-TRACING-COLLECTOR-MISSING'),
  },
  'no-cni': {
    must: ['IBS-CNI-MISSING'],
    mustNot: without(ALWAYS_CLEAN_IN_DEFAULT, 'IBS-CNI-MISSING'),
  },
  'unsupported-versions': {
    must: ['IBS-VERSION-UNSUPPORTED'],
    mustNot: without(ALWAYS_CLEAN_IN_DEFAULT, 'IBS-CNI-MISSING'),
  },
  'image-pull-failure': {
    must: ['IBS-IMAGE-PULL-FAILED'],
    mustNot: without(ALWAYS_CLEAN_IN_DEFAULT, 'IBS-IMAGE-PULL-FAILED'),
  },
  ambient: { must: [], mustNot: ALWAYS_CLEAN_IN_DEFAULT },
  'legacy-sidecars': { must: [], mustNot: ALWAYS_CLEAN_IN_DEFAULT },
  'operator-still-deployed': {
    must: ['IBS-IN-CLUSTER-OPERATOR', 'IBS-VERSION-UNSUPPORTED'],
    mustNot: without(ALWAYS_CLEAN_IN_DEFAULT, 'IBS-IN-CLUSTER-OPERATOR'),
  },
  'helm-no-operator-crd': {
    must: [],
    mustNot: [
      ...ALWAYS_CLEAN_IN_DEFAULT,
      'IBS-TRACING-NO-PROVIDER',
      'IBS-TRACING-SAMPLING-FRACTION',
    ],
  },
  'proxy-newer-than-control-plane': {
    must: ['IBS-PROXY-NEWER-THAN-CONTROL-PLANE'],
    mustNot: without(
      ALWAYS_CLEAN_IN_DEFAULT,
      'IBS-PROXY-NEWER-THAN-CONTROL-PLANE',
    ),
  },
  'sidecar-mistakes': {
    must: [
      'IBS-SIDECAR-MULTIPLE-DEFAULTS',
      'IBS-ROOT-SIDECAR-WITH-SELECTOR',
      'IBS-NAMESPACE-MULTIPLE-INJECTION-LABELS',
    ],
    mustNot: without(
      ALWAYS_CLEAN_IN_DEFAULT,
      'IBS-SIDECAR-MULTIPLE-DEFAULTS',
      'IBS-ROOT-SIDECAR-WITH-SELECTOR',
      'IBS-NAMESPACE-MULTIPLE-INJECTION-LABELS',
    ),
  },
  'service-entry': { must: [], mustNot: ALWAYS_CLEAN_IN_DEFAULT },
  'canary-revision': {
    must: ['IBS-IMAGE-PULL-FAILED', 'IBS-TRACING-NO-PROVIDER'],
    mustNot: ['IBS-CNI-MISSING', 'IBS-IN-CLUSTER-OPERATOR'],
  },
  'telemetry-levels': {
    must: [],
    mustNot: ['IBS-TRACING-NO-PROVIDER', 'IBS-TRACING-SAMPLING-FRACTION'],
  },
  'routing-elsewhere': {
    must: [],
    mustNot: ['IBS-CNI-MISSING', 'IBS-IN-CLUSTER-OPERATOR'],
  },
  'sidecar-in-force': {
    must: [],
    mustNot: ['IBS-TRACING-NO-PROVIDER', 'IBS-TRACING-SAMPLING-FRACTION'],
  },
  'versions-across': { must: [], mustNot: ALWAYS_CLEAN_IN_DEFAULT },
};

/** What each scenario must show (and, through the diagnostics lists, must not). */
const expectations: Record<string, (mesh: IstioMeshConfig) => void> = {
  default: mesh => {
    expect(mesh.kubernetesVersion).toBe('v1.33.2');
    expect(mesh.istioInstalled).toBe('yes');
    expect(mesh.controlPlanes).toEqual([
      expect.objectContaining({
        revision: 'default',
        namespace: 'istio-system',
        version: '1.28.1',
        hub: 'docker.io/istio',
        tag: '1.28.1',
        installMethod: 'helm',
      }),
    ]);
    expect(mesh.dataPlane.nativeSidecars).toBe('yes');
    expect(mesh.dataPlane.sidecarNamespaces).toContain('istio-demo');
    expect(mesh.cni).toEqual({ installed: 'yes', podsWithNetAdmin: 0 });
    expect(mesh.tracing).toEqual({
      enabled: 'yes',
      samplingPercent: 1,
      configuredIn: 'meshConfig.defaultConfig.tracing',
      provider: 'zipkin',
      collector: {
        host: 'jaeger-collector.observability',
        port: 9411,
        service: { namespace: 'observability', name: 'jaeger-collector' },
        exists: 'yes',
      },
      decidedBy: {
        provider: 'MeshConfig defaultConfig.tracing (revision default)',
        sampling:
          'MeshConfig defaultConfig.tracing.sampling (revision default)',
      },
    });
    expect(mesh.revisions).toEqual([
      expect.objectContaining({
        revision: 'default',
        namespace: 'istio-system',
        tracing: mesh.tracing,
        rootNamespace: 'istio-system',
      }),
    ]);
    expect(mesh.gateways).toEqual([
      {
        name: 'istio-ingressgateway',
        namespace: 'istio-ingress',
        injectionTemplate: 'gateway',
        sendsTraces: 'yes',
        replicas: 1,
      },
    ]);
    expect(mesh.outboundTrafficPolicy).toBe('ALLOW_ANY');
    expect(mesh.prometheus).toEqual({
      merge: 'yes',
      configured: false,
      envoySeries: 'unknown',
      istiodSeries: 'unknown',
    });
    expect(mesh.kiali.installed).toBe('yes');
    expect(mesh.kiali.externalServices.map(s => [s.name, s.exists])).toEqual([
      ['prometheus', 'yes'],
      ['grafana', 'yes'],
      ['tracing', 'yes'],
    ]);
    expect(mesh.meshSize).toMatchObject({
      services: expect.any(Number),
      pods: expect.any(Number),
      proxies: expect.any(Number),
    });
    expect(mesh.meshSize.services!).toBeGreaterThan(1000);
  },
  'gateway-in-istio-system': mesh => {
    expect(mesh.gateways).toEqual([
      expect.objectContaining({ namespace: 'istio-system', sendsTraces: 'no' }),
    ]);
    expect(mesh.gateways[0].injectionTemplate).toBeUndefined();
  },
  'jaeger-without-zipkin': mesh => {
    expect(mesh.tracing.collector).toMatchObject({
      host: 'jaeger-collector.observability',
      port: 9411,
      exists: 'no-port',
    });
  },
  'no-cni': mesh => {
    expect(mesh.cni.installed).toBe('no');
    expect(mesh.cni.podsWithNetAdmin).toBeGreaterThan(0);
  },
  'unsupported-versions': mesh => {
    expect(mesh.controlPlanes[0].support.verdict).toBe('unsupported');
    expect(mesh.controlPlanes[0].support.reasons.join(' ')).toMatch(
      /newer than the versions Istio 1.22 is tested on/,
    );
  },
  'image-pull-failure': mesh => {
    expect(mesh.controlPlanes[0].ready).toEqual({ ready: 0, desired: 1 });
  },
  ambient: mesh => {
    expect(mesh.dataPlane.ambientNamespaces).toEqual(['ambient-demo']);
  },
  'legacy-sidecars': mesh => {
    expect(mesh.dataPlane.nativeSidecars).toBe('no');
    expect(mesh.controlPlanes[0].version).toBe('1.26.4');
  },
  'operator-still-deployed': mesh => {
    expect(mesh.controlPlanes[0].installMethod).toBe('operator');
  },
  'helm-no-operator-crd': mesh => {
    expect(mesh.controlPlanes[0].installMethod).toBe('helm');
    expect(mesh.tracing).toMatchObject({
      configuredIn: 'extensionProviders+Telemetry',
      provider: 'zipkin',
      samplingPercent: 10,
    });
    expect(mesh.tracing.collector).toMatchObject({ port: 9411, exists: 'yes' });
  },
  'proxy-newer-than-control-plane': mesh => {
    expect(mesh.controlPlanes[0].version).toBe('1.27.3');
    expect(Object.keys(mesh.dataPlane.proxyVersions)).toContain('1.28.1');
  },
  'sidecar-mistakes': mesh => {
    expect(mesh.meshSize.sidecarResources).toBeGreaterThanOrEqual(3);
  },
  'service-entry': mesh => {
    expect(mesh.istioInstalled).toBe('yes');
  },
  'canary-revision': mesh => {
    expect(mesh.controlPlanes.map(p => [p.revision, p.version])).toEqual([
      ['default', '1.26.4'],
      ['canary', '1.27.3'],
    ]);
    // Each revision's own tracing: the canary's OpenTelemetry collector is never
    // hidden behind the default revision's Zipkin address.
    const revisions = new Map(mesh.revisions?.map(r => [r.revision, r]));
    expect(revisions.get('default')).toMatchObject({
      tags: ['prod-stable'],
      tracing: { provider: 'zipkin' },
    });
    expect(revisions.get('canary')).toMatchObject({
      tracing: {
        provider: 'opentelemetry',
        collector: {
          host: 'otel-collector.observability.svc.cluster.local',
        },
      },
    });
    // "No Telemetry provider" concerns the revision without one, and says which.
    const noProvider = mesh.diagnostics.filter(
      d => d.code === 'IBS-TRACING-NO-PROVIDER',
    );
    expect(noProvider).toHaveLength(1);
    expect(noProvider[0].message).toMatch(/default/);
    expect(noProvider[0].message).not.toMatch(/canary/);
  },
  'telemetry-levels': mesh => {
    expect(mesh.revisions?.map(r => r.revision)).toEqual(['default']);
  },
  'routing-elsewhere': mesh => {
    expect(mesh.istioInstalled).toBe('yes');
  },
  'sidecar-in-force': mesh => {
    expect(mesh.revisions?.[0].tracing).toMatchObject({
      provider: 'opentelemetry',
    });
  },
  'versions-across': mesh => {
    expect(mesh.istioInstalled).toBe('yes');
  },
};

describe('GET /api/istio/mesh-config against every demo scenario', () => {
  it('has an expectation for every scenario', () => {
    expect(Object.keys(expectations).sort()).toEqual(listScenarios());
    expect(Object.keys(diagnosticExpectations).sort()).toEqual(listScenarios());
  });

  it.each(listScenarios())('%s', async scenario => {
    const mesh = await meshConfigOf(scenario);
    expectations[scenario](mesh);
    const { must, mustNot } = diagnosticExpectations[scenario];
    expect(codes(mesh)).toEqual(expect.arrayContaining(must));
    expect(codes(mesh).filter(c => mustNot.includes(c))).toEqual([]);
    // Every diagnostic names its object and carries a fix.
    for (const d of mesh.diagnostics) {
      expect(d.code).toMatch(/^IBS-[A-Z0-9-]+$/);
      expect(d.fix.text.length).toBeGreaterThan(10);
    }
    // One diagnostic per problem and object (one object may have several problems
    // of a kind, e.g. Kiali's config naming several missing Services).
    const keys = mesh.diagnostics.map(
      d => `${d.code}|${d.object?.namespace}/${d.object?.name}|${d.message}`,
    );
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('mesh-config with a real Prometheus', () => {
  let demo: DemoCluster;
  let prometheus: RunningPrometheus;
  beforeAll(async () => {
    demo = await startDemoCluster({
      scenario: loadScenario('service-entry'),
      port: 0,
      metricsPort: 0,
    });
    prometheus = await startPrometheus({ scrapeTargets: [demo.metricsUrl] });
    await waitForSeries(
      prometheus.url,
      'envoy_cluster_manager_active_clusters',
      30_000,
    );
  });
  afterAll(async () => {
    await prometheus?.stop();
    await demo?.stop();
  });

  it('reports Envoy and istiod series as present', async () => {
    const server = await startIstioBackend([
      { name: 'demo', demo, prometheusUrl: prometheus.url },
    ]);
    const res = await request(server)
      .get('/api/istio/mesh-config')
      .set('Authorization', mockCredentials.user.header());
    expect(res.body.items[0].prometheus).toEqual({
      merge: 'yes',
      configured: true,
      envoySeries: 'yes',
      istiodSeries: 'yes',
    });
  });

  it('reports unknown, with a sanitized error, when Prometheus is down', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = net.createServer();
    await new Promise<void>(resolve => probe.listen(0, '127.0.0.1', resolve));
    const closedPort = (probe.address() as net.AddressInfo).port;
    await new Promise(resolve => probe.close(resolve));
    const server = await startIstioBackend([
      { name: 'demo', demo, prometheusUrl: `http://127.0.0.1:${closedPort}` },
    ]);
    const res = await request(server)
      .get('/api/istio/mesh-config')
      .set('Authorization', mockCredentials.user.header());
    const mesh = res.body.items[0] as IstioMeshConfig;
    expect(mesh.prometheus).toEqual({
      merge: 'yes',
      configured: true,
      envoySeries: 'unknown',
      istiodSeries: 'unknown',
    });
    expect(mesh.errors).toEqual([
      {
        source: 'prometheus',
        errorType: 'Unreachable',
        message: 'connection refused',
      },
    ]);
  });
});

describe('mesh-config bad inputs and faults', () => {
  let healthy: DemoCluster;
  let faulty: DemoCluster;
  beforeAll(async () => {
    [healthy, faulty] = await Promise.all([
      startDemoCluster({
        scenario: loadScenario('no-cni'),
        port: 0,
        metricsPort: 0,
      }),
      startDemoCluster({
        scenario: loadScenario('no-cni'),
        port: 0,
        metricsPort: 0,
      }),
    ]);
  });
  afterAll(async () => {
    await healthy?.stop();
    await faulty?.stop();
  });
  afterEach(() => faulty.setFaults([]));

  const get = async (path: string, header = mockCredentials.user.header()) => {
    const server = await startIstioBackend([
      { name: 'healthy', demo: healthy },
      { name: 'faulty', demo: faulty },
    ]);
    return request(server).get(path).set('Authorization', header);
  };

  it.each([
    ['an unknown cluster', '/api/istio/mesh-config?cluster=other', 404],
    [
      'a URL as cluster name',
      `/api/istio/mesh-config?cluster=${encodeURIComponent(
        'https://evil.example.com',
      )}`,
      400,
    ],
    ['an unexpected parameter', '/api/istio/mesh-config?clusterUrl=x', 400],
  ])(
    'answers %s with %s before any cluster call',
    async (_case, path, status) => {
      const before = healthy.requestCount() + faulty.requestCount();
      const res = await get(path);
      expect(res.status).toBe(status);
      expect(healthy.requestCount() + faulty.requestCount()).toBe(before);
    },
  );

  it('reads a cold cluster once for a burst of requests, and not again while cached', async () => {
    const coldRead = async (concurrent: number) => {
      const server = await startIstioBackend([
        { name: 'healthy', demo: healthy },
      ]);
      const before = healthy.requestCount();
      const answers = await Promise.all(
        Array.from({ length: concurrent }, () =>
          request(server)
            .get('/api/istio/mesh-config?cluster=healthy')
            .set('Authorization', mockCredentials.user.header()),
        ),
      );
      expect(answers.map(a => a.status)).toEqual(answers.map(() => 200));
      const requests = healthy.requestCount() - before;
      const cachedBefore = healthy.requestCount();
      await request(server)
        .get('/api/istio/mesh-config?cluster=healthy')
        .set('Authorization', mockCredentials.user.header());
      expect(healthy.requestCount()).toBe(cachedBefore);
      return requests;
    };
    const one = await coldRead(1);
    expect(one).toBeGreaterThan(0);
    expect(await coldRead(10)).toBe(one);
  });

  it('refuses callers without a user token (401) and service tokens (403)', async () => {
    expect(
      (await get('/api/istio/mesh-config', mockCredentials.none.header()))
        .status,
    ).toBe(401);
    expect(
      (await get('/api/istio/mesh-config', mockCredentials.service.header()))
        .status,
    ).toBe(403);
  });

  it('answers 403 without touching any cluster when the read permission is denied', async () => {
    const before = healthy.requestCount() + faulty.requestCount();
    const server = await startIstioBackend(
      [{ name: 'healthy', demo: healthy }],
      [mockServices.permissions.factory({ result: AuthorizeResult.DENY })],
    );
    const res = await request(server)
      .get('/api/istio/mesh-config')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(403);
    expect(healthy.requestCount() + faulty.requestCount()).toBe(before);
  });

  it('keeps the healthy cluster when the other one answers 401: never our 401', async () => {
    faulty.setFaults([{ status: 401 }]);
    const res = await get('/api/istio/mesh-config');
    expect(res.status).toBe(200);
    const body = res.body as IstioMeshConfigResponse;
    expect(body.items.map(i => i.cluster)).toContain('healthy');
    const faultyItem = body.items.find(i => i.cluster === 'faulty');
    // Every read failed: facts are unknown, never "not installed".
    expect(faultyItem?.istioInstalled).toBe('unknown');
    expect(faultyItem?.errors[0]).toMatchObject({ errorType: 'Unauthorized' });
    expect(JSON.stringify(body)).not.toContain('demo-reader-token');
  });

  it('answers within the deadline with the healthy cluster when the other one hangs', async () => {
    faulty.setFaults([{ hang: true }]);
    const started = Date.now();
    const res = await get('/api/istio/mesh-config');
    expect(Date.now() - started).toBeLessThan(12_000);
    const body = res.body as IstioMeshConfigResponse;
    expect(body.items.find(i => i.cluster === 'healthy')?.istioInstalled).toBe(
      'yes',
    );
    const faultyItem = body.items.find(i => i.cluster === 'faulty');
    expect(faultyItem?.errors.every(e => e.errorType === 'Timeout')).toBe(true);
  });

  it('answers at the configured fan-out deadline, before the hanging cluster times out', async () => {
    faulty.setFaults([{ hang: true }]);
    const server = await startIstioBackend(
      [
        { name: 'healthy', demo: healthy },
        { name: 'faulty', demo: faulty },
      ],
      [],
      undefined,
      { fanOutDeadlineMs: 800 },
    );
    const started = Date.now();
    const res = await request(server)
      .get('/api/istio/mesh-config')
      .set('Authorization', mockCredentials.user.header());
    // Requests time out after 2 s in tests: the answer came from the deadline.
    expect(Date.now() - started).toBeLessThan(1_800);
    const body = res.body as IstioMeshConfigResponse;
    expect(body.items.map(i => i.cluster)).toEqual(['healthy']);
    expect(body.errors).toEqual([
      expect.objectContaining({ cluster: 'faulty', errorType: 'Timeout' }),
    ]);
  });

  it('answers an empty list when no clusters are configured', async () => {
    const server = await startIstioBackend([]);
    const res = await request(server)
      .get('/api/istio/mesh-config')
      .set('Authorization', mockCredentials.user.header());
    expect(res.body).toEqual({ items: [], errors: [] });
  });
});
