// A namespace on a canary control-plane revision that sends spans to an OpenTelemetry
// collector: the recommendation keeps that collector, for the reason its revision
// gives, and not the default revision's Zipkin address.
import {
  loadScenario,
  startDemoCluster,
  type DemoCluster,
} from '@istio-backstage/demo-cluster';
import type { IstioSidecarMemoryResponse } from '@istio-backstage/plugin-istio-common';
import { namespaceSidecarMemory } from '../../__testUtils__/namespaceSidecarMemory';
import { startIstioBackend } from '../../__testUtils__/startIstioBackend';

jest.setTimeout(60_000);

let demo: DemoCluster;
beforeAll(async () => {
  demo = await startDemoCluster({
    scenario: loadScenario('canary-revision'),
    port: 0,
    metricsPort: 0,
  });
});
afterAll(() => demo?.stop());

async function namespaceAnswer(namespace: string) {
  const server = await startIstioBackend([{ name: 'demo', demo }]);
  return namespaceSidecarMemory(server, namespace);
}

const tracingHosts = (item: IstioSidecarMemoryResponse['items'][number]) =>
  (item.recommendation?.egress ?? []).filter(e =>
    e.reasons.some(r => r.kind === 'tracing-collector'),
  );

describe('tracing under control-plane revisions', () => {
  it('keeps the canary revision collector for a namespace on the canary', async () => {
    const item = await namespaceAnswer('shop');
    const storefront = item.effectiveTracing?.find(t =>
      t.workload.startsWith('storefront'),
    );
    expect(storefront).toMatchObject({
      revision: 'canary',
      provider: 'opentelemetry',
    });
    const kept = tracingHosts(item);
    expect(kept.map(e => e.host)).toEqual([
      'observability/otel-collector.observability.svc.cluster.local',
    ]);
    expect(kept[0].reasons[0].detail).toMatch(/revision canary/);
  });

  it('keeps the default revision collector for a namespace bound through a tag to the default', async () => {
    const item = await namespaceAnswer('payments');
    expect(tracingHosts(item).map(e => e.host)).toEqual([
      expect.stringMatching(/^observability\/jaeger-collector\./),
    ]);
  });
});
