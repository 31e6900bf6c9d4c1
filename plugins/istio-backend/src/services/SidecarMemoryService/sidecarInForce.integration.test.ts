// The findings about the Sidecar in force, against the demo cluster and a real
// Prometheus scraping it: the sidecar-in-force scenario (a namespace Sidecar leaving out
// the OpenTelemetry collector and payments under ALLOW_ANY, a workload Sidecar doing the
// same under REGISTRY_ONLY), then with routing kept in another namespace, then with the
// Sidecars corrected; and the default scenario, where none of them fires.
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  loadScenario,
  RESOURCE_TYPES,
  startDemoCluster,
  startPrometheus,
  waitForSeries,
  type DemoCluster,
  type RunningPrometheus,
  type Scenario,
} from '@istio-backstage/demo-cluster';
import type {
  IstioSidecarMemoryResponse,
  IstioSidecarWarning,
} from '@istio-backstage/plugin-istio-common';
import {
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  type KubernetesObject,
} from '@kubernetes/client-node';
import request from 'supertest';
import { startIstioBackend } from '../../__testUtils__/startIstioBackend';

jest.setTimeout(180_000);

type Item = IstioSidecarMemoryResponse['items'][number];

const CODES = [
  'sidecar-drops-tracing-collector',
  'sidecar-blocks-dependency',
  'sidecar-routing-not-imported',
];
const OTEL = 'otel-collector.observability.svc.cluster.local';
const PAYMENTS = 'payments-api.payments.svc.cluster.local';
const CART = 'cart.orders.svc.cluster.local';

/** A demo cluster, a Prometheus scraping it, and the backend reading both. */
interface Running {
  demo: DemoCluster;
  prometheus: RunningPrometheus;
  server: Awaited<ReturnType<typeof startIstioBackend>>;
}

async function start(scenario: Scenario, series: string): Promise<Running> {
  const demo = await startDemoCluster({
    scenario: { ...scenario, memoryConvergenceSeconds: 0 },
    port: 0,
    metricsPort: 0,
  });
  const prometheus = await startPrometheus({
    scrapeTargets: [demo.metricsUrl],
  });
  // Two scrapes of the traffic, so that increase() has something to measure.
  await waitForSeries(prometheus.url, series, 60_000);
  // The cluster changes between calls here: answers are not reused.
  const server = await startIstioBackend(
    [{ name: 'demo', demo, prometheusUrl: prometheus.url }],
    [],
    [],
    { sidecarMemory: { cacheSeconds: 0 } },
  );
  return { demo, prometheus, server };
}

async function namespaceItem(running: Running, namespace: string) {
  const res = await request(running.server)
    .get(`/api/istio/sidecar-memory?cluster=demo&namespace=${namespace}`)
    .set('Authorization', mockCredentials.user.header());
  expect(res.status).toBe(200);
  const item = (res.body as IstioSidecarMemoryResponse).items[0];
  expect(item.errors).toEqual([]);
  return item;
}

const findings = (item: Item, code: string): IstioSidecarWarning[] =>
  item.warnings.filter(w => w.code === code);

/** Server-side applies Sidecars to the demo cluster, as the scenario's writer. */
async function apply(demo: DemoCluster, objects: KubernetesObject[]) {
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
  const api = KubernetesObjectApi.makeApiClient(kc);
  for (const object of objects) {
    await api.patch(
      object,
      undefined,
      undefined,
      'sidecar-in-force-test',
      true,
      PatchStrategy.ServerSideApply,
    );
  }
}

/** The scenario's Sidecar `name` in orders with other egress hosts. */
function ordersSidecar(name: string, hosts: string[], mode: string) {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Sidecar',
    metadata: { name, namespace: 'orders' },
    spec: {
      ...(name === 'default'
        ? {}
        : { workloadSelector: { labels: { app: name } } }),
      egress: [{ hosts }],
      outboundTrafficPolicy: { mode },
    },
  };
}

describe('the Sidecar in force, in the sidecar-in-force scenario', () => {
  let running: Running;
  beforeAll(async () => {
    running = await start(
      loadScenario('sidecar-in-force'),
      // Both kinds of unmatched traffic are in Prometheus.
      'count(increase(istio_requests_total{reporter="source",source_workload_namespace="orders",destination_service_name=~"PassthroughCluster|BlackHoleCluster"}[1m]) > 0) >= 4',
    );
  });
  afterAll(async () => {
    await running?.prometheus.stop();
    await running?.demo.stop();
  });

  it('finds the collector dropped by each Sidecar in force, for the workloads it configures', async () => {
    const item = await namespaceItem(running, 'orders');
    expect(
      item.sidecarsInForce.map(s => `${s.namespace}/${s.name}`).sort(),
    ).toEqual(['orders/default', 'orders/orders-worker']);
    expect(
      item.effectiveTracing?.find(t => t.workload === 'orders-api-v1'),
    ).toMatchObject({ configuredBy: 'telemetry-api', sendsSpans: 'yes' });
    const dropped = findings(item, 'sidecar-drops-tracing-collector');
    expect(dropped.map(w => w.message)).toEqual([
      expect.stringMatching(
        /^Sidecar orders\/default \(the namespace's selector-less default\) is in force for cart-v1, orders-api-v1, whose proxies send spans to otel-collector\.observability\.svc\.cluster\.local:4317 \(provider otel, chosen by MeshConfig defaultProviders\.tracing/,
      ),
      expect.stringMatching(
        /^Sidecar orders\/orders-worker \(workloadSelector app=orders-worker\) is in force for orders-worker-v1, /,
      ),
    ]);
    for (const w of dropped) {
      expect(w.message).toContain(
        `Fix: add "observability/${OTEL}" to the egress hosts of Sidecar orders/`,
      );
    }
  });

  it('finds the dependencies each Sidecar blocks, through PassthroughCluster and BlackHoleCluster', async () => {
    const item = await namespaceItem(running, 'orders');
    const blocked = findings(item, 'sidecar-blocks-dependency');
    const summary = blocked.map(w => {
      const sidecar = /^Sidecar (\S+)/.exec(w.message)![1];
      const destination = /does not import (\S+)/.exec(w.message)![1];
      return `${sidecar} ${destination} ${w.workload}`;
    });
    expect(summary.sort()).toEqual([
      'orders/default otel-collector.observability orders-api-v1',
      'orders/default payments-api.payments orders-api-v1',
      'orders/orders-worker otel-collector.observability orders-worker-v1',
      'orders/orders-worker payments-api.payments orders-worker-v1',
    ]);
    const toPayments = (sidecar: string) =>
      blocked.find(
        w =>
          w.message.startsWith(`Sidecar orders/${sidecar} `) &&
          w.message.includes('(Service payments/payments-api)'),
      )!.message;
    expect(toPayments('default')).toMatch(
      /orders-api-v1 → [\d,]+ requests? in 7d through PassthroughCluster\. Calls through PassthroughCluster/,
    );
    expect(toPayments('orders-worker')).toMatch(
      /orders-worker-v1 → [\d,]+ requests? in 7d through BlackHoleCluster\. Calls through BlackHoleCluster \(outbound policy REGISTRY_ONLY\) were refused with 502/,
    );
    expect(toPayments('default')).toContain(
      `Fix: add "payments/${PAYMENTS}" to the egress hosts of Sidecar orders/default.`,
    );
    // Calls inside orders (to cart) are matched: nothing about them.
    expect(blocked.some(w => w.message.includes('cart.orders'))).toBe(false);
  });

  it('finds no routing left out while no VirtualService routes a called host, then the one kept in another namespace', async () => {
    const before = await namespaceItem(running, 'orders');
    expect(findings(before, 'sidecar-routing-not-imported')).toEqual([]);

    // The API server writes only the kinds Backstage writes: routing is set up in its store.
    const store = running.demo.store;
    const typeOf = (plural: string) =>
      RESOURCE_TYPES.find(t => t.plural === plural)!;
    const manager = { manager: 'kubectl' };
    store.create(
      typeOf('namespaces'),
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'routing' } },
      manager,
    );
    store.create(
      typeOf('virtualservices'),
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: { name: 'cart', namespace: 'routing' },
        spec: {
          hosts: [CART],
          exportTo: ['*'],
          http: [{ route: [{ destination: { host: CART } }], timeout: '2s' }],
        },
      },
      manager,
    );
    const after = await namespaceItem(running, 'orders');
    const routing = findings(after, 'sidecar-routing-not-imported');
    expect(routing.map(w => [w.workload, w.message.split(' ')[1]])).toEqual([
      ['orders-api-v1', 'orders/default'],
      ['orders-worker-v1', 'orders/orders-worker'],
    ]);
    expect(routing[0].message).toContain(
      'does not import VirtualService routing/cart, which routes cart.orders that they call',
    );
    expect(routing[0].message).toContain(
      `Fix: add "routing/${CART}" to the egress hosts of Sidecar orders/default.`,
    );
  });

  it('finds nothing once the Sidecars import what the workloads need', async () => {
    const hosts = [
      './*',
      'istio-system/*',
      `observability/${OTEL}`,
      `payments/${PAYMENTS}`,
      `routing/${CART}`,
    ];
    await apply(running.demo, [
      ordersSidecar('default', hosts, 'ALLOW_ANY'),
      ordersSidecar('orders-worker', hosts, 'REGISTRY_ONLY'),
    ] as KubernetesObject[]);
    const item = await namespaceItem(running, 'orders');
    // The unmatched calls are still in the window; the Sidecars now import their destinations.
    expect(item.warnings.map(w => w.code)).toContain('unmatched-traffic');
    expect(item.warnings.filter(w => CODES.includes(w.code))).toEqual([]);
  });
});

describe('the Sidecar in force, in the default scenario', () => {
  let running: Running;
  beforeAll(async () => {
    running = await start(
      loadScenario('default'),
      'increase(istio_requests_total{reporter="source",source_workload_namespace="istio-demo"}[1m]) > 0',
    );
  });
  afterAll(async () => {
    await running?.prometheus.stop();
    await running?.demo.stop();
  });

  it('finds nothing in an unscoped namespace', async () => {
    const item = await namespaceItem(running, 'istio-demo');
    expect(item.sidecarsInForce).toEqual([]);
    expect(item.warnings.filter(w => CODES.includes(w.code))).toEqual([]);
  });

  it('finds nothing under a namespace Sidecar that covers the calls, with the legacy tracer', async () => {
    const scoped = running.demo.store
      .list(RESOURCE_TYPES.find(t => t.plural === 'sidecars')!)
      .map(s => s.metadata.namespace!);
    expect(scoped.length).toBeGreaterThan(0);
    const item = await namespaceItem(running, scoped[0]);
    expect(item.sidecarsInForce.map(s => s.name)).toEqual(['default']);
    expect(item.effectiveTracing?.[0]).toMatchObject({
      configuredBy: 'legacy',
      sendsSpans: 'yes',
    });
    expect(item.warnings.filter(w => CODES.includes(w.code))).toEqual([]);
  });
});
