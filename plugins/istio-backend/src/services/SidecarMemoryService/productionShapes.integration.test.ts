// Advice in meshes shaped like production ones, against the demo cluster (and a real
// Prometheus where traffic matters): routing objects kept in their own namespace, and
// Telemetry resources at every level deciding each workload's tracing.
import {
  loadScenario,
  startDemoCluster,
  startPrometheus,
  waitForSeries,
  type DemoCluster,
  type RunningPrometheus,
} from '@istio-backstage/demo-cluster';
import type { IstioSidecarMemoryResponse } from '@istio-backstage/plugin-istio-common';
import { namespaceSidecarMemory } from '../../__testUtils__/namespaceSidecarMemory';
import { startIstioBackend } from '../../__testUtils__/startIstioBackend';

jest.setTimeout(180_000);

type Item = IstioSidecarMemoryResponse['items'][number];

async function namespaceItem(
  server: Awaited<ReturnType<typeof startIstioBackend>>,
  namespace: string,
): Promise<Item> {
  const item = await namespaceSidecarMemory(server, namespace);
  expect(item.errors).toEqual([]);
  return item;
}

describe('routing objects kept in their own namespace (routing-elsewhere)', () => {
  let demo: DemoCluster;
  let prometheus: RunningPrometheus;
  let item: Item;
  beforeAll(async () => {
    demo = await startDemoCluster({
      scenario: loadScenario('routing-elsewhere'),
      port: 0,
      metricsPort: 0,
    });
    prometheus = await startPrometheus({ scrapeTargets: [demo.metricsUrl] });
    // Two scrapes of productpage's calls, so that increase() measures them.
    await waitForSeries(
      prometheus.url,
      'increase(istio_requests_total{reporter="source",source_workload="productpage-v1"}[1m]) > 0',
      60_000,
    );
    const server = await startIstioBackend([
      { name: 'demo', demo, prometheusUrl: prometheus.url },
    ]);
    item = await namespaceItem(server, 'bookinfo');
  });
  afterAll(async () => {
    await prometheus?.stop();
    await demo?.stop();
  });

  const hosts = () => (item.recommendation?.egress ?? []).map(e => e.host);

  it('keeps the namespace of the VirtualService that routes a called host, naming it', () => {
    const routing = item.recommendation?.egress.find(e =>
      e.host.startsWith('routing/'),
    );
    expect(routing?.host).toMatch(/^routing\/reviews\.bookinfo/);
    expect(routing?.reasons.map(r => r.detail).join(' ')).toMatch(
      /VirtualService routing\//,
    );
  });

  it('never adds a namespace for a DestinationRule, and says where one can never apply', () => {
    expect(hosts().filter(h => h.startsWith('inventory/'))).toEqual([]);
    expect(
      item.warnings
        .filter(w => w.code === 'destination-rule-never-applies')
        .map(w => w.message)
        .join(' '),
    ).toMatch(/inventory/);
  });

  it('keeps nothing for a ServiceEntry that is not exported to the namespace', () => {
    expect(hosts().filter(h => h.startsWith('partners/'))).toEqual([]);
  });
});

describe('Telemetry at every level (telemetry-levels)', () => {
  let demo: DemoCluster;
  let item: Item;
  beforeAll(async () => {
    demo = await startDemoCluster({
      scenario: loadScenario('telemetry-levels'),
      port: 0,
      metricsPort: 0,
    });
    const server = await startIstioBackend([{ name: 'demo', demo }]);
    item = await namespaceItem(server, 'istio-demo');
  });
  afterAll(() => demo?.stop());

  const tracingOf = (workload: string) =>
    item.effectiveTracing?.find(t => t.workload.startsWith(workload));

  it('names the workload Telemetry that chose the provider and the namespace one that chose the sampling', () => {
    expect(tracingOf('reviews')).toMatchObject({
      provider: 'opentelemetry',
      samplingPercent: 25,
      decidedBy: {
        provider: 'Telemetry istio-demo/reviews-otel',
        sampling: 'Telemetry istio-demo/sampling',
      },
    });
  });

  it('keeps the root Telemetry provider where no workload Telemetry applies; a targetRefs Telemetry never selects a sidecar', () => {
    const productpage = tracingOf('productpage');
    expect(productpage?.decidedBy.provider).toBe(
      'Telemetry istio-system/mesh-default',
    );
    expect(productpage?.samplingPercent).toBe(25);
  });
});
