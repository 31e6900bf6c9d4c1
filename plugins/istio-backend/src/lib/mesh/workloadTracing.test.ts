import {
  istiod,
  meshConfigMap,
  pod,
  service,
  tracingTelemetry,
} from './diagnostics/testFixtures';
import { revisionMeshConfigs } from './meshConfigs';
import { slimTelemetry } from './telemetry';
import {
  revisionsServing,
  tracingCollectorsFor,
  workloadTracingOf,
  type MeshTracingFacts,
} from './workloadTracing';

const PROXY = 'docker.io/istio/proxyv2:1.30.1';

/** default (1.29) traces through legacy Zipkin; canary through an OpenTelemetry default provider. */
function facts(tagsRead = true): MeshTracingFacts {
  const { configs } = revisionMeshConfigs(
    [
      { revision: 'default', namespace: 'istio-system', version: '1.29.2' },
      { revision: 'canary', namespace: 'istio-system', version: '1.30.1' },
    ],
    {
      deployments: [
        istiod('istio-system', 'default', { version: '1.29.2' }),
        istiod('istio-system', 'canary'),
      ],
      configMaps: [
        meshConfigMap(
          'defaultConfig:\n  tracing:\n    zipkin:\n      address: zipkin.istio-system:9411\n',
        ),
        meshConfigMap(
          'extensionProviders:\n  - name: otel\n    opentelemetry:\n      service: otel-collector.observability.svc.cluster.local\n      port: 4317\ndefaultProviders:\n  tracing: [otel]\n',
          { name: 'istio-canary' },
        ),
      ],
    },
  );
  return {
    revisions: configs,
    ...(tagsRead
      ? { revisionTags: [{ tag: 'prod', revision: 'canary' }] }
      : {}),
    telemetries: [
      slimTelemetry(
        tracingTelemetry('shop', 'tracing-sampling', [
          { randomSamplingPercentage: 20 },
        ]),
      ),
    ],
  };
}

const injected = (name: string, revision: string, app = 'cart') =>
  pod('shop', name, {
    labels: { app },
    proxyImage: PROXY,
    native: true,
    annotations: {
      'sidecar.istio.io/status': JSON.stringify({ revision }),
    },
  });

const SERVICES = [
  service('observability', 'otel-collector', [4317]),
  service('istio-system', 'zipkin', [9411]),
];

describe('workloadTracingOf', () => {
  it("resolves each workload's tracing for the revision that injected its pods", () => {
    const { tracing, needsTags } = workloadTracingOf(
      [
        {
          name: 'cart',
          namespace: 'shop',
          // Half moved to canary: one entry per revision.
          pods: [injected('cart-1', 'canary'), injected('cart-2', 'default')],
        },
        { name: 'batch', namespace: 'shop', pods: [pod('shop', 'batch-1')] },
      ],
      { 'istio.io/rev': 'prod' },
      facts(),
      SERVICES,
    );
    expect(needsTags).toBe(false);
    expect(tracing).toEqual([
      {
        workload: 'cart',
        revision: 'canary',
        revisionDecidedBy: 'pod annotation sidecar.istio.io/status',
        sendsSpans: 'yes',
        provider: 'opentelemetry',
        providerName: 'otel',
        collector: {
          host: 'otel-collector.observability.svc.cluster.local',
          port: 4317,
          service: { namespace: 'observability', name: 'otel-collector' },
          exists: 'yes',
        },
        samplingPercent: 20,
        spanReportingDisabled: false,
        configuredBy: 'telemetry-api',
        decidedBy: {
          provider: 'MeshConfig defaultProviders.tracing (revision canary)',
          sampling: 'Telemetry shop/tracing-sampling',
        },
      },
      {
        // The namespace Telemetry applies to the default revision too, naming no
        // provider, and default has no default provider: istiod turns tracing off.
        workload: 'cart',
        revision: 'default',
        revisionDecidedBy: 'pod annotation sidecar.istio.io/status',
        sendsSpans: 'no',
        spanReportingDisabled: false,
        configuredBy: 'telemetry-api',
        decidedBy: {
          provider:
            'no provider: no applicable Telemetry names one and MeshConfig defaultProviders.tracing is empty (revision default)',
        },
      },
    ]);
    expect(tracingCollectorsFor(tracing)).toEqual([
      {
        host: 'otel-collector.observability.svc.cluster.local',
        namespace: 'observability',
        port: 4317,
        workloads: ['cart'],
        revision: 'canary',
        decidedBy: 'MeshConfig defaultProviders.tracing (revision canary)',
        configuredBy: 'telemetry-api',
      },
    ]);
  });

  it('resolves a tag from the labels of a pod with no injection record', () => {
    const labelled = pod('shop', 'cart-1', {
      labels: { app: 'cart' },
      proxyImage: PROXY,
    });
    const { tracing } = workloadTracingOf(
      [{ name: 'cart', namespace: 'shop', pods: [labelled] }],
      { 'istio.io/rev': 'prod' },
      facts(),
    );
    expect(tracing[0]).toMatchObject({
      revision: 'canary',
      revisionDecidedBy: expect.stringContaining(
        'namespace label istio.io/rev=prod (tag prod → revision canary)',
      ),
    });
  });

  it('says when a revision rests on tags that could not be read', () => {
    const labelled = pod('shop', 'cart-1', {
      labels: { app: 'cart' },
      proxyImage: PROXY,
    });
    const { tracing, needsTags } = workloadTracingOf(
      [{ name: 'cart', namespace: 'shop', pods: [labelled] }],
      { 'istio.io/rev': 'prod' },
      facts(false),
    );
    expect(needsTags).toBe(true);
    expect(tracing[0]).toMatchObject({ sendsSpans: 'unknown' });
    expect(tracing[0].revision).toBeUndefined();
    expect(tracingCollectorsFor(tracing)).toEqual([]);
  });

  it('reports the inbound side apart when a Telemetry match mode sets it differently', () => {
    const withServer: MeshTracingFacts = {
      ...facts(),
      telemetries: [
        slimTelemetry(
          tracingTelemetry('shop', 'inbound-off', [
            { match: { mode: 'SERVER' }, disableSpanReporting: true },
          ]),
        ),
      ],
    };
    const { tracing } = workloadTracingOf(
      [
        {
          name: 'cart',
          namespace: 'shop',
          pods: [injected('cart-1', 'canary')],
        },
      ],
      {},
      withServer,
    );
    expect(tracing[0].sendsSpans).toBe('yes');
    expect(tracing[0].server).toMatchObject({
      sendsSpans: 'no',
      spanReportingDisabled: true,
    });
  });

  it('finds the revisions serving a set of pods', () => {
    const serving = revisionsServing(
      [
        injected('cart-1', 'canary'),
        injected('cart-2', 'canary'),
        pod('shop', 'plain'),
      ],
      {},
      facts(),
    );
    expect(serving.map(c => c.revision)).toEqual(['canary']);
  });
});
