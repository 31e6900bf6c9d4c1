import type { V1Pod } from '@kubernetes/client-node';
import { analyzeMesh } from '../../lib/mesh/analyzeMesh';
import {
  namespace,
  pod,
  revisionsInventory,
  tracingTelemetry,
} from '../../lib/mesh/diagnostics/testFixtures';
import type { MeshInventory } from '../../lib/mesh/inventory';
import { service } from '../../lib/sidecar/testFixtures';
import { meshEssentialsOf } from '../ClusterReads';
import { analyseNamespace, type NamespaceFacts } from './analyseNamespace';
import type { NamespaceData } from './readNamespace';

// One namespace's answer from facts already read: the effective tracing of the entity's
// workloads follows the revision of their pods and the Telemetry that applies to them.

const OTEL_CANARY =
  'extensionProviders:\n  - name: otel\n    opentelemetry:\n      service: otel-collector.observability.svc.cluster.local\n      port: 4317\ndefaultProviders:\n  tracing: [otel]\n';
const ZIPKIN_DEFAULT =
  'defaultConfig:\n  tracing:\n    sampling: 1\n    zipkin:\n      address: zipkin.istio-system:9411\n';

/** A cluster with `default` on legacy Zipkin and `canary` on OpenTelemetry, tags as given. */
function cluster(overrides: Partial<MeshInventory> = {}): MeshInventory {
  return revisionsInventory(
    [
      { revision: 'default', meshYaml: ZIPKIN_DEFAULT },
      { revision: 'canary', meshYaml: OTEL_CANARY },
    ],
    {
      telemetries: [
        tracingTelemetry(
          'shop',
          'cart-sampling',
          [{ randomSamplingPercentage: 25 }],
          { selector: { app: 'cart' } },
        ),
      ],
      revisionTags: [{ tag: 'prod', revision: 'canary' }],
      ...overrides,
    },
  );
}

const cartPod = (annotations: Record<string, string> = {}): V1Pod =>
  pod('shop', 'cart-7d9c8f6b5-x2x7q', {
    labels: { app: 'cart' },
    proxyImage: 'docker.io/istio/proxyv2:1.30.1',
    native: true,
    annotations,
  });

function facts(inventory: MeshInventory, pods: V1Pod[]): NamespaceFacts {
  const data: NamespaceData = {
    namespacePods: pods,
    namespaceLabels: { 'istio.io/rev': 'prod' },
    services: [
      service('shop', 'cart', [8080]),
      service('observability', 'otel-collector', [4317]),
      service('istio-system', 'zipkin', [9411]),
      service('istio-system', 'istiod', [15012]),
    ],
    serviceEntries: [],
    virtualServices: [],
    sidecars: [],
    errors: [],
  };
  const mesh = meshEssentialsOf(
    inventory,
    analyzeMesh(inventory, { cluster: 'demo', now: new Date() }),
  );
  return {
    cluster: 'demo',
    namespace: 'shop',
    windowDays: 7,
    mesh,
    meshErrors: [],
    data,
    dependencies: [],
    settleMs: 0,
    now: new Date('2026-12-01T00:00:00Z'),
  };
}

describe('analyseNamespace: effective tracing', () => {
  it('gives each workload the tracing of its own revision, with what decided it', () => {
    const item = analyseNamespace(
      facts(cluster(), [
        cartPod({ 'sidecar.istio.io/status': '{"revision":"canary"}' }),
      ]),
    );
    expect(item.errors).toEqual([]);
    expect(item.effectiveTracing).toEqual([
      expect.objectContaining({
        workload: 'cart',
        revision: 'canary',
        sendsSpans: 'yes',
        provider: 'opentelemetry',
        collector: expect.objectContaining({
          host: 'otel-collector.observability.svc.cluster.local',
          port: 4317,
          exists: 'yes',
        }),
        samplingPercent: 25,
        decidedBy: {
          provider: 'MeshConfig defaultProviders.tracing (revision canary)',
          sampling: 'Telemetry shop/cart-sampling',
        },
      }),
    ]);
  });

  it('reports the failed read of the tags when a workload needs them, and only then', () => {
    const tagError = {
      source: 'kubernetes:mutatingwebhookconfigurations',
      errorType: 'NotFound',
      message: 'the server could not find the requested resource',
    };
    const noTags = cluster({ revisionTags: undefined, errors: [tagError] });
    // Its revision comes from the namespace's tag: unknown, with the read's error.
    const fromLabels = analyseNamespace(facts(noTags, [cartPod()]));
    expect(fromLabels.errors).toEqual([tagError]);
    expect(fromLabels.effectiveTracing?.[0].sendsSpans).toBe('unknown');
    // Injected: the pod says which revision; the tags do not matter.
    const injected = analyseNamespace(
      facts(noTags, [
        cartPod({ 'sidecar.istio.io/status': '{"revision":"canary"}' }),
      ]),
    );
    expect(injected.errors).toEqual([]);
    expect(injected.effectiveTracing?.[0].provider).toBe('opentelemetry');
  });

  it('keeps the root namespace of the revision serving the workloads', () => {
    const inventory = revisionsInventory(
      [
        { revision: 'default', meshYaml: ZIPKIN_DEFAULT },
        {
          revision: 'canary',
          meshYaml: `rootNamespace: mesh-root\n${OTEL_CANARY}`,
        },
      ],
      { telemetries: [], revisionTags: [], namespaces: [namespace('shop')] },
    );
    const shopFacts = facts(inventory, [
      cartPod({ 'sidecar.istio.io/status': '{"revision":"canary"}' }),
    ]);
    shopFacts.data.sidecars = [
      {
        name: 'default',
        namespace: 'mesh-root',
        hosts: ['./*'],
      },
    ];
    expect(analyseNamespace(shopFacts).sidecarsInForce).toEqual([
      { name: 'default', namespace: 'mesh-root', hosts: ['./*'] },
    ]);
  });
});
