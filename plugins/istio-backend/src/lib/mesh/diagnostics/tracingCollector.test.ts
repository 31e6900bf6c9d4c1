import type { IstioTracing } from '@istio-backstage/plugin-istio-common';
import { parseAllDocuments } from 'yaml';
import { tracingCollectorMissing } from './tracingCollector';
import {
  healthyInventory,
  healthyMesh,
  inventoryWith,
  meshWith,
  objectsOf,
  service,
} from './testFixtures';

const tracing = (
  exists: NonNullable<IstioTracing['collector']>['exists'],
  overrides: Partial<IstioTracing> = {},
): IstioTracing => ({
  ...healthyMesh().tracing,
  configuredIn: 'meshConfig.defaultConfig.tracing',
  collector: {
    host: 'jaeger-collector.observability',
    port: 9411,
    service: { namespace: 'observability', name: 'jaeger-collector' },
    exists,
  },
  ...overrides,
});

/** Jaeger deployed without its Zipkin port: a collector Service without 9411 (but with OTLP). */
const jaegerWithoutZipkin = () =>
  inventoryWith({
    services: [
      service('observability', 'jaeger-collector', [14268, 14250, 4317, 4318], {
        app: 'jaeger',
      }),
    ],
  });

describe('IBS-TRACING-COLLECTOR-MISSING', () => {
  it.each([
    ['a healthy mesh', healthyMesh(), []],
    [
      'collector Service missing',
      meshWith({ tracing: tracing('no-service') }),
      ['IBS-TRACING-COLLECTOR-MISSING Service observability/jaeger-collector'],
    ],
    [
      'collector port missing',
      meshWith({ tracing: tracing('no-port') }),
      ['IBS-TRACING-COLLECTOR-MISSING Service observability/jaeger-collector'],
    ],
    [
      'collector existence unknown',
      meshWith({ tracing: tracing('unknown') }),
      [],
    ],
    [
      'collector outside the cluster',
      meshWith({ tracing: tracing('external') }),
      [],
    ],
    [
      'tracing disabled',
      meshWith({ tracing: tracing('no-port', { enabled: 'no' }) }),
      [],
    ],
    [
      'tracing state unknown',
      meshWith({ tracing: tracing('no-port', { enabled: 'unknown' }) }),
      [],
    ],
    [
      'no collector configured',
      meshWith({ tracing: { ...tracing('yes'), collector: undefined } }),
      [],
    ],
  ])('%s', (_case, mesh, expected) => {
    expect(
      objectsOf(tracingCollectorMissing(healthyInventory(), mesh)),
    ).toEqual(expected);
  });

  it('explains Jaeger without its Zipkin port 9411 and offers the OTLP port it has', () => {
    const [diagnostic] = tracingCollectorMissing(
      jaegerWithoutZipkin(),
      meshWith({ tracing: tracing('no-port') }),
    );
    expect(diagnostic.severity).toBe('error');
    expect(diagnostic.message).toBe(
      'Tracing sends spans to jaeger-collector.observability:9411, but Service observability/jaeger-collector has no port 9411: every span is dropped.',
    );
    expect(diagnostic.fix.text).toContain('COLLECTOR_ZIPKIN_HOST_PORT=:9411');
    expect(diagnostic.fix.text).toContain('send OTLP to port 4317');
    const docs = parseAllDocuments(diagnostic.fix.yaml!).map(d => d.toJS());
    // Deployment patch on the real Jaeger container, collector receiver, Service port, provider, Telemetry.
    expect(docs[0].spec.template.spec.containers[0]).toEqual({
      name: 'jaeger',
      env: [{ name: 'COLLECTOR_ZIPKIN_HOST_PORT', value: ':9411' }],
    });
    expect(docs[1].receivers).toEqual({ zipkin: { endpoint: '0.0.0.0:9411' } });
    expect(docs[2].spec.ports[0].port).toBe(9411);
    expect(docs[3].spec.meshConfig.extensionProviders).toEqual([
      {
        name: 'otel-tracing',
        opentelemetry: {
          service: 'jaeger-collector.observability.svc.cluster.local',
          port: 4317,
        },
      },
    ]);
    expect(docs[4]).toMatchObject({
      kind: 'Telemetry',
      metadata: { name: 'mesh-default', namespace: 'istio-system' },
      spec: { tracing: [{ providers: [{ name: 'otel-tracing' }] }] },
    });
  });

  it('does not offer an OTLP provider when the Service has no OTLP port', () => {
    const [diagnostic] = tracingCollectorMissing(
      inventoryWith({
        services: [
          service('observability', 'jaeger-collector', [14268], {
            app: 'jaeger',
          }),
        ],
      }),
      meshWith({ tracing: tracing('no-port') }),
    );
    expect(diagnostic.fix.yaml).not.toContain('opentelemetry');
    expect(diagnostic.fix.text).toContain('expose its OTLP port (4317)');
  });

  it('names the missing Service and how to fix the address', () => {
    const [diagnostic] = tracingCollectorMissing(
      healthyInventory(),
      meshWith({ tracing: tracing('no-service', { provider: 'zipkin' }) }),
    );
    expect(diagnostic.message).toContain(
      'Service observability/jaeger-collector does not exist',
    );
    expect(diagnostic.fix.text).toContain("of provider 'zipkin'");
    expect(diagnostic.fix.yaml).toBeUndefined();
  });
});
