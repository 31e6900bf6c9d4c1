import { parse } from 'yaml';
import { service, tracingTelemetry } from './diagnostics/testFixtures';
import { meshFactsOf, type RevisionMeshConfig } from './meshConfigs';
import {
  applicableTelemetries,
  resolveTracing,
  slimTelemetry,
  type SlimTelemetry,
  type TracingWorkload,
} from './telemetry';

const OTEL = `extensionProviders:
  - name: otel
    opentelemetry:
      service: observability/otel-collector.observability.svc.cluster.local
      port: 4317
  - name: zipkin
    zipkin:
      service: zipkin.istio-system.svc.cluster.local
      port: 9411
  - name: access-log
    envoyFileAccessLog:
      path: /dev/stdout
`;

/** A revision's MeshConfig from YAML (revision canary, Istio 1.30 unless told). */
function config(
  yaml: string,
  extra: Partial<Pick<RevisionMeshConfig, 'version' | 'pilotTraceSampling'>> & {
    revision?: string;
  } = {},
): RevisionMeshConfig {
  const revision = extra.revision ?? 'canary';
  return {
    revision,
    namespace: 'istio-system',
    version: extra.version ?? '1.30.1',
    configMap: `istio-system/istio-${revision}`,
    ...(extra.pilotTraceSampling !== undefined
      ? { pilotTraceSampling: extra.pilotTraceSampling }
      : {}),
    known: true,
    ...meshFactsOf(parse(yaml) ?? {}),
  };
}

const telemetry = (
  ns: string,
  name: string,
  tracing: Array<Record<string, unknown>>,
  options: Parameters<typeof tracingTelemetry>[3] = {},
): SlimTelemetry => slimTelemetry(tracingTelemetry(ns, name, tracing, options));

const shopCart: TracingWorkload = {
  namespace: 'shop',
  labels: { app: 'cart', version: 'v1' },
};

const SERVICES = [
  service('observability', 'otel-collector', [4317, 4318]),
  service('istio-system', 'zipkin', [9411]),
];

const resolve = (
  yaml: string,
  telemetries: SlimTelemetry[],
  workload: TracingWorkload | undefined = shopCart,
  extra: Parameters<typeof config>[1] = {},
) =>
  resolveTracing(workload, {
    config: config(yaml, extra),
    telemetries,
    services: SERVICES,
  });

describe('applicableTelemetries', () => {
  const root = telemetry('istio-system', 'mesh-default', []);
  const ns = telemetry('shop', 'shop-wide', []);
  const cart = telemetry('shop', 'cart', [], { selector: { app: 'cart' } });
  const other = telemetry('shop', 'payments', [], {
    selector: { app: 'payments' },
  });
  const gateway = telemetry('shop', 'gw', [], {
    targetRefs: [
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'shop-gw' },
    ],
  });
  const elsewhere = telemetry('billing', 'billing-wide', []);
  const all = [root, ns, cart, other, gateway, elsewhere];
  const names = (list: SlimTelemetry[]) =>
    list.map(t => `${t.namespace}/${t.name}`);

  it('takes root, then namespace, then the workload Telemetries that select the pod', () => {
    expect(names(applicableTelemetries(shopCart, 'istio-system', all))).toEqual(
      ['istio-system/mesh-default', 'shop/shop-wide', 'shop/cart'],
    );
  });

  it('mesh-wide: the root namespace only', () => {
    expect(
      names(applicableTelemetries(undefined, 'istio-system', all)),
    ).toEqual(['istio-system/mesh-default']);
  });

  it('ignores targetRefs for a sidecar; a Gateway API gateway is selected by them', () => {
    const gatewayPod = {
      namespace: 'shop',
      labels: { 'gateway.networking.k8s.io/gateway-name': 'shop-gw' },
    };
    expect(
      names(applicableTelemetries(gatewayPod, 'istio-system', all)),
    ).toEqual(['istio-system/mesh-default', 'shop/shop-wide', 'shop/gw']);
    const sidecarWithSameLabels = telemetry('shop', 'odd', [], {
      selector: { app: 'cart' },
      targetRefs: [{ kind: 'Service', name: 'cart' }],
    });
    expect(
      names(
        applicableTelemetries(shopCart, 'istio-system', [
          sidecarWithSameLabels,
        ]),
      ),
    ).toEqual([]);
  });

  it('takes the oldest selector-less Telemetry of a namespace, as istiod does', () => {
    const newer = telemetry('shop', 'a-newer', [], {
      createdAt: '2026-02-01T00:00:00Z',
    });
    const older = telemetry('shop', 'z-older', [], {
      createdAt: '2026-01-01T00:00:00Z',
    });
    expect(
      names(applicableTelemetries(shopCart, 'istio-system', [newer, older])),
    ).toEqual(['shop/z-older']);
  });

  it('treats a Telemetry in the root namespace with a selector as workload-level there only', () => {
    const rootSelector = telemetry('istio-system', 'cart-only', [], {
      selector: { app: 'cart' },
    });
    expect(
      names(applicableTelemetries(shopCart, 'istio-system', [rootSelector])),
    ).toEqual([]);
  });
});

describe('resolveTracing: the Telemetry API', () => {
  it('takes the provider from the root Telemetry and names it', () => {
    const { client } = resolve(OTEL, [
      telemetry('istio-system', 'mesh-default', [
        { providers: [{ name: 'otel' }], randomSamplingPercentage: 10 },
      ]),
    ]);
    expect(client).toEqual({
      sendsSpans: 'yes',
      provider: 'opentelemetry',
      providerName: 'otel',
      collector: {
        host: 'otel-collector.observability.svc.cluster.local',
        port: 4317,
        service: { namespace: 'observability', name: 'otel-collector' },
        exists: 'yes',
      },
      samplingPercent: 10,
      spanReportingDisabled: false,
      configuredBy: 'telemetry-api',
      decidedBy: {
        provider: 'Telemetry istio-system/mesh-default',
        sampling: 'Telemetry istio-system/mesh-default',
      },
    });
  });

  it('merges per field: a more specific level replaces only what it sets', () => {
    const { client } = resolve(OTEL, [
      telemetry('istio-system', 'mesh-default', [
        { providers: [{ name: 'otel' }], randomSamplingPercentage: 1 },
      ]),
      telemetry('shop', 'tracing-sampling', [{ randomSamplingPercentage: 50 }]),
      telemetry('shop', 'cart-off', [{ disableSpanReporting: true }], {
        selector: { app: 'cart' },
      }),
    ]);
    expect(client).toMatchObject({
      sendsSpans: 'no',
      providerName: 'otel',
      samplingPercent: 50,
      spanReportingDisabled: true,
      decidedBy: {
        provider:
          'Telemetry istio-system/mesh-default; Telemetry shop/cart-off disables span reporting',
        sampling: 'Telemetry shop/tracing-sampling',
      },
    });
  });

  it('replaces the provider at a more specific level (the first name listed)', () => {
    const { client } = resolve(OTEL, [
      telemetry('istio-system', 'mesh-default', [
        { providers: [{ name: 'otel' }] },
      ]),
      telemetry('shop', 'shop-zipkin', [
        { providers: [{ name: 'zipkin' }, { name: 'otel' }] },
      ]),
    ]);
    expect(client.providerName).toBe('zipkin');
    expect(client.decidedBy.provider).toBe('Telemetry shop/shop-zipkin');
  });

  it('applies a match mode to its side only', () => {
    const { client, server } = resolve(OTEL, [
      telemetry('istio-system', 'mesh-default', [
        { providers: [{ name: 'otel' }] },
        { match: { mode: 'SERVER' }, randomSamplingPercentage: 100 },
      ]),
    ]);
    expect(server.samplingPercent).toBe(100);
    expect(client.samplingPercent).toBe(1);
  });

  it('falls back to defaultProviders.tracing, then sends nothing', () => {
    const withDefault = resolve(
      `${OTEL}defaultProviders:\n  tracing: [zipkin]\n`,
      [telemetry('shop', 'sampling', [{ randomSamplingPercentage: 5 }])],
    );
    expect(withDefault.client).toMatchObject({
      sendsSpans: 'yes',
      providerName: 'zipkin',
      samplingPercent: 5,
      decidedBy: {
        provider: 'MeshConfig defaultProviders.tracing (revision canary)',
      },
    });
    // Telemetry tracing applies, but names no provider: istiod turns tracing off
    // (the legacy defaultConfig.tracing is not used any more).
    const none = resolve(
      `${OTEL}defaultConfig:\n  tracing:\n    zipkin:\n      address: zipkin.istio-system:9411\n`,
      [telemetry('shop', 'sampling', [{ randomSamplingPercentage: 5 }])],
    );
    expect(none.client).toMatchObject({
      sendsSpans: 'no',
      configuredBy: 'telemetry-api',
    });
    expect(none.client.provider).toBeUndefined();
  });

  it("sends nothing for a provider the revision's MeshConfig does not define or that cannot trace", () => {
    const missing = resolve('{}', [
      telemetry('istio-system', 'mesh-default', [
        { providers: [{ name: 'otel' }] },
      ]),
    ]);
    expect(missing.client).toMatchObject({
      sendsSpans: 'no',
      providerName: 'otel',
      decidedBy: {
        provider:
          "Telemetry istio-system/mesh-default names provider 'otel', which the MeshConfig of revision canary does not define",
      },
    });
    const notTracing = resolve(OTEL, [
      telemetry('istio-system', 'mesh-default', [
        { providers: [{ name: 'access-log' }] },
      ]),
    ]);
    expect(notTracing.client.decidedBy.provider).toContain(
      'defines without a tracer',
    );
  });

  it('ignores a Telemetry labelled for another revision, and reads one labelled with its tag', () => {
    const labelled = (revision: string) =>
      telemetry(
        'istio-system',
        'mesh-default',
        [{ providers: [{ name: 'otel' }] }],
        { revision },
      );
    const context = (t: SlimTelemetry, tags?: string[]) =>
      resolveTracing(shopCart, {
        config: config(OTEL),
        telemetries: [t],
        tags,
      }).client.sendsSpans;
    expect(context(labelled('stable'))).toBe('no');
    expect(context(labelled('canary'))).toBe('yes');
    expect(context(labelled('prod'), ['prod'])).toBe('yes');
  });

  it('samples 100 % at Envoy when the OpenTelemetry provider has its own sampler', () => {
    const { client } = resolve(
      `extensionProviders:
  - name: otel
    opentelemetry:
      service: otel-collector.observability.svc.cluster.local
      port: 4317
      dynatraceSampler: {}
      sampling: {}
defaultProviders:
  tracing: [otel]
`,
      [],
    );
    expect(client.samplingPercent).toBe(100);
    expect(client.decidedBy.sampling).toBe(
      "the sampler of extension provider 'otel'",
    );
  });
});

describe('resolveTracing: the legacy tracer and the sampling fallbacks', () => {
  const ZIPKIN = `defaultConfig:
  tracing:
    zipkin:
      address: zipkin.istio-system:9411
`;

  it('uses defaultConfig.tracing when no Telemetry tracing and no default provider apply', () => {
    const { client } = resolve(ZIPKIN, [], shopCart, { revision: 'default' });
    expect(client).toEqual({
      sendsSpans: 'yes',
      provider: 'zipkin',
      collector: {
        host: 'zipkin.istio-system',
        port: 9411,
        service: { namespace: 'istio-system', name: 'zipkin' },
        exists: 'yes',
      },
      samplingPercent: 1,
      spanReportingDisabled: false,
      configuredBy: 'legacy',
      decidedBy: {
        provider: 'MeshConfig defaultConfig.tracing (revision default)',
        sampling: "Istio's default of 1 % (revision default)",
      },
    });
  });

  it('has no implicit Zipkin default from Istio 1.22; before, zipkin.istio-system:9411', () => {
    const current = resolve('enableTracing: true\n', []);
    expect(current.client).toMatchObject({ sendsSpans: 'no' });
    expect(current.client.decidedBy.provider).toContain(
      'Istio 1.22 removed the implicit Zipkin default',
    );
    const old = resolve('enableTracing: true\n', [], shopCart, {
      version: '1.21.6',
    });
    expect(old.client).toMatchObject({
      sendsSpans: 'yes',
      provider: 'zipkin',
      collector: { host: 'zipkin.istio-system', port: 9411 },
    });
    const unknownVersion = resolve('enableTracing: true\n', [], shopCart, {
      version: 'latest',
    });
    expect(unknownVersion.client.sendsSpans).toBe('unknown');
  });

  it('sends nothing through the legacy tracer while enableTracing is off', () => {
    const { client } = resolve(`enableTracing: false\n${ZIPKIN}`, []);
    expect(client.sendsSpans).toBe('no');
    expect(client.decidedBy.provider).toContain('enableTracing: false');
  });

  it('samples from defaultConfig.tracing.sampling, else PILOT_TRACE_SAMPLING, over 100 as 1', () => {
    const sampling = (yaml: string, env?: number) =>
      resolve(yaml, [], shopCart, { pilotTraceSampling: env }).client;
    expect(
      sampling(ZIPKIN.replace('tracing:', 'tracing:\n    sampling: 25'), 50),
    ).toMatchObject({
      samplingPercent: 25,
      decidedBy: {
        sampling: 'MeshConfig defaultConfig.tracing.sampling (revision canary)',
      },
    });
    expect(sampling(ZIPKIN, 50)).toMatchObject({
      samplingPercent: 50,
      decidedBy: {
        sampling: 'istiod env PILOT_TRACE_SAMPLING (revision canary)',
      },
    });
    // 0 means "not set" to istiod.
    expect(
      sampling(ZIPKIN.replace('tracing:', 'tracing:\n    sampling: 0'), 50)
        .samplingPercent,
    ).toBe(50);
    expect(
      sampling(ZIPKIN.replace('tracing:', 'tracing:\n    sampling: 150'))
        .samplingPercent,
    ).toBe(1);
  });

  it('is unknown when the MeshConfig or the Telemetries could not be read', () => {
    expect(
      resolveTracing(shopCart, {
        config: {
          revision: 'canary',
          namespace: 'istio-system',
          configMap: 'istio-system/istio-canary',
          known: false,
        },
        telemetries: [],
      }).client.sendsSpans,
    ).toBe('unknown');
    expect(
      resolveTracing(shopCart, { config: config(ZIPKIN) }).client.sendsSpans,
    ).toBe('unknown');
  });
});
