import { parseAllDocuments } from 'yaml';
import type { IstioObject, MeshInventory } from '../inventory';
import { tracingCollectorMissing } from './tracingCollector';
import {
  analysedMesh,
  healthyInventory,
  objectsOf,
  revisionsInventory,
  service,
  tracingTelemetry,
  type RevisionSetup,
} from './testFixtures';

/** Legacy Zipkin tracing to Jaeger in observability. */
const LEGACY = `defaultConfig:
  tracing:
    zipkin:
      address: jaeger-collector.observability:9411
`;

/** Jaeger deployed without its Zipkin port: a collector Service without 9411 (but with OTLP). */
const JAEGER_WITHOUT_ZIPKIN = [
  service('observability', 'jaeger-collector', [14268, 14250, 4317, 4318], {
    app: 'jaeger',
  }),
];

const inventoryOf = (
  revisions: RevisionSetup[],
  overrides: Partial<MeshInventory> = {},
) => revisionsInventory(revisions, { telemetries: [], ...overrides });

const legacy = (overrides: Partial<MeshInventory> = {}, meshYaml = LEGACY) =>
  inventoryOf([{ revision: 'default', meshYaml }], overrides);

const run = (inventory: MeshInventory) =>
  tracingCollectorMissing(inventory, analysedMesh(inventory));

const rootTelemetry = (entry: Record<string, unknown>): IstioObject =>
  tracingTelemetry('istio-system', 'mesh-default', [
    { providers: [{ name: 'zipkin' }], ...entry },
  ]);

describe('IBS-TRACING-COLLECTOR-MISSING', () => {
  it.each([
    ['a healthy mesh', healthyInventory(), []],
    [
      'collector Service missing',
      legacy({ services: [] }),
      ['IBS-TRACING-COLLECTOR-MISSING Service observability/jaeger-collector'],
    ],
    [
      'collector port missing',
      legacy({ services: JAEGER_WITHOUT_ZIPKIN }),
      ['IBS-TRACING-COLLECTOR-MISSING Service observability/jaeger-collector'],
    ],
    ['collector existence unknown', legacy({ services: undefined }), []],
    [
      'collector outside the cluster',
      legacy(
        {},
        'defaultConfig:\n  tracing:\n    zipkin:\n      address: collector.example.com:9411\n',
      ),
      [],
    ],
    [
      'tracing disabled (legacy tracer, enableTracing off)',
      legacy(
        { services: JAEGER_WITHOUT_ZIPKIN },
        `enableTracing: false\n${LEGACY}`,
      ),
      [],
    ],
    [
      'span reporting disabled by the root Telemetry',
      {
        ...healthyInventory(),
        services: [],
        telemetries: [rootTelemetry({ disableSpanReporting: true })],
      },
      [],
    ],
    ['MeshConfig unreadable', legacy({ services: [] }, 'a: &x 1\nb: *x\n'), []],
    [
      'no collector configured',
      legacy({ services: [] }, 'enableTracing: true\n'),
      [],
    ],
  ])('%s', (_case, inventory, expected) => {
    expect(objectsOf(run(inventory))).toEqual(expected);
  });

  it("checks each revision's own collector, and names the revision", () => {
    const inventory = inventoryOf([
      { revision: 'default', meshYaml: LEGACY },
      {
        revision: 'canary',
        meshYaml:
          'defaultConfig:\n  tracing:\n    zipkin:\n      address: zipkin.tracing:9411\n',
      },
    ]);
    const diagnostics = run(inventory);
    expect(objectsOf(diagnostics)).toEqual([
      'IBS-TRACING-COLLECTOR-MISSING Service tracing/zipkin',
    ]);
    expect(diagnostics[0].message).toBe(
      "Tracing of revision 'canary' sends spans to zipkin.tracing:9411, but Service tracing/zipkin does not exist in the cluster: every span is dropped.",
    );
  });

  it('reports a collector two revisions share once, naming both', () => {
    const inventory = inventoryOf(
      [
        { revision: 'default', meshYaml: LEGACY },
        { revision: 'canary', meshYaml: LEGACY },
      ],
      { services: JAEGER_WITHOUT_ZIPKIN },
    );
    const diagnostics = run(inventory);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0].message).toContain(
      "Tracing of revisions 'default' and 'canary' sends spans",
    );
  });

  it('explains Jaeger without its Zipkin port 9411 and offers the OTLP port it has', () => {
    const [diagnostic] = run(legacy({ services: JAEGER_WITHOUT_ZIPKIN }));
    expect(diagnostic.severity).toBe('error');
    expect(diagnostic.message).toBe(
      "Tracing of revision 'default' sends spans to jaeger-collector.observability:9411, but Service observability/jaeger-collector has no port 9411: every span is dropped.",
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
    const [diagnostic] = run(
      legacy({
        services: [
          service('observability', 'jaeger-collector', [14268], {
            app: 'jaeger',
          }),
        ],
      }),
    );
    expect(diagnostic.fix.yaml).not.toContain('opentelemetry');
    expect(diagnostic.fix.text).toContain('expose its OTLP port (4317)');
  });

  it('names the missing Service and how to fix the address of the provider', () => {
    const [diagnostic] = run({ ...healthyInventory(), services: [] });
    expect(diagnostic.message).toContain(
      'Service observability/jaeger-collector does not exist',
    );
    expect(diagnostic.fix.text).toContain("of provider 'zipkin'");
    expect(diagnostic.fix.yaml).toBeUndefined();
  });
});
