import { parseAllDocuments } from 'yaml';
import type { IstioObject, MeshInventory } from '../inventory';
import { tracingWithoutProvider } from './tracingProvider';
import {
  analysedMesh,
  healthyInventory,
  healthyMesh,
  objectsOf,
  revisionsInventory,
  tracingTelemetry,
  type RevisionSetup,
} from './testFixtures';

/** Legacy tracing only: Jaeger's Zipkin port through defaultConfig.tracing, 10 %. */
const LEGACY = `enableTracing: true
defaultConfig:
  tracing:
    sampling: 10
    zipkin:
      address: jaeger-collector.observability:9411
`;

/** An OpenTelemetry provider made the default provider of tracing. */
const OTEL_DEFAULT = `extensionProviders:
  - name: otel
    opentelemetry:
      service: otel-collector.observability.svc.cluster.local
      port: 4317
defaultProviders:
  tracing: [otel]
`;

/** Only the provider declared, for a Telemetry to name. */
const OTEL_DECLARED = `extensionProviders:
  - name: otel
    opentelemetry:
      service: otel-collector.observability.svc.cluster.local
      port: 4317
`;

const one = (
  setup: Omit<RevisionSetup, 'revision'>,
  telemetries: IstioObject[] = [],
) => revisionsInventory([{ revision: 'default', ...setup }], { telemetries });

const run = (inventory: MeshInventory) =>
  tracingWithoutProvider(inventory, analysedMesh(inventory));

describe('IBS-TRACING-NO-PROVIDER', () => {
  it.each([
    ['Telemetry API on 1.30 (healthy)', healthyInventory(), []],
    [
      'legacy tracing on 1.22',
      one({ version: '1.22.0', meshYaml: LEGACY }),
      ['IBS-TRACING-NO-PROVIDER ConfigMap istio-system/istio'],
    ],
    [
      'nothing configured on 1.30',
      one({ meshYaml: 'enableTracing: true\n' }),
      ['IBS-TRACING-NO-PROVIDER ConfigMap istio-system/istio'],
    ],
    [
      'legacy tracing on 1.21 (the implicit default still exists)',
      one({ version: '1.21.6', meshYaml: LEGACY }),
      [],
    ],
    [
      'control plane version unknown',
      one({ version: 'latest', meshYaml: LEGACY }),
      [],
    ],
    [
      'MeshConfig unreadable (where tracing is configured unknown)',
      one({ meshYaml: 'a: &x 1\nb: *x\n' }),
      [],
    ],
    ['tracing disabled', one({ meshYaml: 'enableTracing: false\n' }), []],
    [
      'Telemetries unreadable',
      revisionsInventory([{ revision: 'default', meshYaml: LEGACY }], {
        telemetries: undefined,
      }),
      [],
    ],
    [
      'a default provider and no Telemetry: the revision has a provider',
      one({ meshYaml: OTEL_DEFAULT }),
      [],
    ],
  ])('%s', (_case, inventory, expected) => {
    expect(objectsOf(run(inventory))).toEqual(expected);
  });

  it('judges each revision by its own MeshConfig, and names the revision', () => {
    // The default revision still on legacy tracing; canary sends OTLP through defaultProviders.
    const inventory = revisionsInventory(
      [
        { revision: 'default', meshYaml: LEGACY },
        { revision: 'canary', meshYaml: OTEL_DEFAULT },
      ],
      { telemetries: [] },
    );
    const diagnostics = run(inventory);
    expect(objectsOf(diagnostics)).toEqual([
      'IBS-TRACING-NO-PROVIDER ConfigMap istio-system/istio',
    ]);
    expect(diagnostics[0].message).toContain("Control plane 'default'");
    expect(diagnostics[0].fix.text).toContain(
      "in the MeshConfig of revision 'default'",
    );
  });

  it("finds a Telemetry naming a provider only another revision's MeshConfig declares", () => {
    const inventory = revisionsInventory(
      [
        { revision: 'default', meshYaml: OTEL_DECLARED },
        { revision: 'canary', meshYaml: 'enableTracing: true\n' },
      ],
      {
        telemetries: [
          tracingTelemetry('istio-system', 'mesh-default', [
            { providers: [{ name: 'otel' }] },
          ]),
        ],
      },
    );
    const diagnostics = run(inventory);
    expect(objectsOf(diagnostics)).toEqual([
      'IBS-TRACING-NO-PROVIDER ConfigMap istio-system/istio-canary',
    ]);
    expect(diagnostics[0].message).toBe(
      "Control plane 'canary' in istio-system gets no tracing provider from ConfigMap istio-system/istio-canary: Telemetry istio-system/mesh-default names provider 'otel', which the MeshConfig of revision canary does not define. istiod then turns tracing off: its proxies send no spans.",
    );
    const [iop] = parseAllDocuments(diagnostics[0].fix.yaml!).map(d =>
      d.toJS(),
    );
    expect(iop.spec).toEqual({
      revision: 'canary',
      meshConfig: {
        enableTracing: true,
        extensionProviders: [
          {
            name: 'otel',
            opentelemetry: {
              service: 'otel-collector.observability.svc.cluster.local',
              port: 4317,
            },
          },
        ],
      },
    });
  });

  it('finds Telemetry tracing without any provider: istiod drops the legacy tracer then', () => {
    const inventory = one({ meshYaml: LEGACY }, [
      tracingTelemetry('istio-system', 'mesh-default', [
        { randomSamplingPercentage: 20 },
      ]),
    ]);
    expect(objectsOf(run(inventory))).toEqual([
      'IBS-TRACING-NO-PROVIDER ConfigMap istio-system/istio',
    ]);
  });

  it('migrates the collector already in use to an extension provider and a Telemetry', () => {
    const [diagnostic] = run(one({ version: '1.24.2', meshYaml: LEGACY }));
    expect(diagnostic.message).toContain(
      "Control plane 'default' in istio-system runs Istio 1.24.2 and configures tracing only through meshConfig.defaultConfig.tracing in ConfigMap istio-system/istio",
    );
    const [iop, telemetry] = parseAllDocuments(diagnostic.fix.yaml!).map(d =>
      d.toJS(),
    );
    expect(iop.spec.revision).toBeUndefined();
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
    const [diagnostic] = run(one({ meshYaml: 'enableTracing: true\n' }));
    expect(diagnostic.message).toContain('proxies send no spans');
    expect(diagnostic.fix.yaml).toContain(
      'service: jaeger-collector.observability.svc.cluster.local',
    );
    expect(diagnostic.fix.yaml).toContain('randomSamplingPercentage: 1');
  });

  it('uses an opentelemetry provider for an OTLP collector', () => {
    const [diagnostic] = run(
      one({
        meshYaml:
          'defaultConfig:\n  tracing:\n    zipkin:\n      address: jaeger-collector.observability:4317\n',
      }),
    );
    expect(diagnostic.fix.yaml).toContain('opentelemetry:');
    expect(diagnostic.fix.yaml).toContain('name: otel-tracing');
  });

  it('reads nothing from the mesh model: the healthy model over an unknown inventory finds nothing', () => {
    expect(
      tracingWithoutProvider(
        { prometheusConfigured: false, errors: [] },
        healthyMesh(),
      ),
    ).toEqual([]);
  });
});
