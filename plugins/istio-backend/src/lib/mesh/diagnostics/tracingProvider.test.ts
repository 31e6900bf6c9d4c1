import type {
  IstioControlPlane,
  IstioTracing,
} from '@istio-backstage/plugin-istio-common';
import { parseAllDocuments } from 'yaml';
import { tracingWithoutProvider } from './tracingProvider';
import {
  healthyInventory,
  healthyMesh,
  meshWith,
  objectsOf,
} from './testFixtures';

const cp = (version: string | undefined): IstioControlPlane => ({
  ...healthyMesh().controlPlanes[0],
  version,
});

const legacy: IstioTracing = {
  enabled: 'yes',
  samplingPercent: 10,
  configuredIn: 'meshConfig.defaultConfig.tracing',
  provider: 'zipkin',
  collector: {
    host: 'jaeger-collector.observability',
    port: 9411,
    service: { namespace: 'observability', name: 'jaeger-collector' },
    exists: 'yes',
  },
};

describe('IBS-TRACING-NO-PROVIDER', () => {
  it.each([
    ['Telemetry API on 1.30 (healthy)', healthyMesh(), []],
    [
      'legacy tracing on 1.22',
      meshWith({ controlPlanes: [cp('1.22.0')], tracing: legacy }),
      ['IBS-TRACING-NO-PROVIDER ConfigMap istio-system/istio'],
    ],
    [
      'nothing configured on 1.30',
      meshWith({ tracing: { enabled: 'yes', configuredIn: 'none' } }),
      ['IBS-TRACING-NO-PROVIDER ConfigMap istio-system/istio'],
    ],
    [
      'legacy tracing on 1.21 (the implicit default still exists)',
      meshWith({ controlPlanes: [cp('1.21.6')], tracing: legacy }),
      [],
    ],
    [
      'control plane version unknown',
      meshWith({ controlPlanes: [cp(undefined)], tracing: legacy }),
      [],
    ],
    [
      'where tracing is configured unknown',
      meshWith({ tracing: { enabled: 'yes', configuredIn: 'unknown' } }),
      [],
    ],
    [
      'tracing disabled',
      meshWith({ tracing: { enabled: 'no', configuredIn: 'none' } }),
      [],
    ],
    [
      'enableTracing unknown',
      meshWith({ tracing: { ...legacy, enabled: 'unknown' } }),
      [],
    ],
  ])('%s', (_case, mesh, expected) => {
    expect(objectsOf(tracingWithoutProvider(healthyInventory(), mesh))).toEqual(
      expected,
    );
  });

  it('migrates the collector already in use to an extension provider and a Telemetry', () => {
    const [diagnostic] = tracingWithoutProvider(
      healthyInventory(),
      meshWith({ controlPlanes: [cp('1.24.2')], tracing: legacy }),
    );
    expect(diagnostic.message).toContain(
      "Control plane 'default' in istio-system runs Istio 1.24.2 and configures tracing only through meshConfig.defaultConfig.tracing in ConfigMap istio-system/istio",
    );
    const [iop, telemetry] = parseAllDocuments(diagnostic.fix.yaml!).map(d =>
      d.toJS(),
    );
    expect(iop.spec.meshConfig.extensionProviders).toEqual([
      {
        name: 'zipkin',
        zipkin: {
          service: 'jaeger-collector.observability.svc.cluster.local',
          port: 9411,
        },
      },
    ]);
    expect(telemetry).toEqual({
      apiVersion: 'telemetry.istio.io/v1',
      kind: 'Telemetry',
      metadata: { name: 'mesh-default', namespace: 'istio-system' },
      spec: {
        tracing: [
          { providers: [{ name: 'zipkin' }], randomSamplingPercentage: 10 },
        ],
      },
    });
  });

  it("says no spans are sent and proposes Jaeger's Zipkin port when nothing is configured", () => {
    const [diagnostic] = tracingWithoutProvider(
      healthyInventory(),
      meshWith({ tracing: { enabled: 'yes', configuredIn: 'none' } }),
    );
    expect(diagnostic.message).toContain('proxies send no spans');
    expect(diagnostic.fix.yaml).toContain(
      'service: jaeger-collector.observability.svc.cluster.local',
    );
    expect(diagnostic.fix.yaml).toContain('randomSamplingPercentage: 1');
  });

  it('uses an opentelemetry provider for an OTLP collector', () => {
    const [diagnostic] = tracingWithoutProvider(
      healthyInventory(),
      meshWith({
        tracing: { ...legacy, collector: { ...legacy.collector!, port: 4317 } },
      }),
    );
    expect(diagnostic.fix.yaml).toContain('opentelemetry:');
    expect(diagnostic.fix.yaml).toContain('name: otel-tracing');
  });
});
