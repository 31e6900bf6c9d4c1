import {
  ISTIO_SUPPORT_MATRIX,
  ISTIO_SUPPORT_MATRIX_AS_OF,
  mergeSupportMatrix,
} from '@istio-backstage/plugin-istio-common';
import { analyzeMesh } from './analyzeMesh';
import {
  healthyInventory,
  healthyMesh,
  meshConfigMap,
  namespace,
  pod,
  revisionsInventory,
  service,
  tracingTelemetry,
} from './diagnostics/testFixtures';

const now = new Date('2026-11-25T12:00:00Z');

function withMeshYaml(mesh: string) {
  const inventory = healthyInventory();
  inventory.configMaps = [
    meshConfigMap(mesh),
    ...(inventory.configMaps ?? []).filter(c => c.metadata?.name !== 'istio'),
  ];
  return analyzeMesh(inventory, { cluster: 'demo', now });
}

describe('analyzeMesh MeshConfig', () => {
  it('reads the facts of a plain MeshConfig', () => {
    const mesh = withMeshYaml(
      'enableTracing: false\noutboundTrafficPolicy:\n  mode: REGISTRY_ONLY\n',
    );
    expect(mesh.tracing.enabled).toBe('no');
    expect(mesh.outboundTrafficPolicy).toBe('REGISTRY_ONLY');
    expect(mesh.errors).toEqual([]);
  });

  it.each([
    [
      'YAML aliases',
      'base: &p {mode: REGISTRY_ONLY}\noutboundTrafficPolicy: *p\nenableTracing: false\n',
    ],
    ['several documents', 'enableTracing: false\n---\nenableTracing: true\n'],
  ])(
    'reports a MeshConfig with %s as unknown with an error, never as Istio defaults',
    (_, yamlText) => {
      const mesh = withMeshYaml(yamlText);
      expect(mesh.tracing.enabled).toBe('unknown');
      expect(mesh.outboundTrafficPolicy).toBeUndefined();
      expect(mesh.errors).toEqual([
        expect.objectContaining({
          source: 'kubernetes:configmaps/istio-system/istio',
          errorType: 'InvalidResponse',
          message: expect.stringContaining('settings are unknown'),
        }),
      ]);
    },
  );
});

describe('analyzeMesh data plane', () => {
  it.each([
    [{ 'istio-injection': 'enabled' }, 'sidecar'],
    [{ 'istio.io/rev': 'canary' }, 'sidecar'],
    [{ 'istio.io/dataplane-mode': 'ambient' }, 'ambient'],
    [
      { 'istio.io/dataplane-mode': 'ambient', 'istio-injection': 'disabled' },
      'ambient',
    ],
    [
      { 'istio.io/dataplane-mode': 'ambient', 'istio.io/rev': 'canary' },
      'sidecar',
    ],
    [{ 'istio-injection': 'disabled' }, 'neither'],
  ])('a namespace labelled %j is %s', (labels, mode) => {
    const inventory = healthyInventory();
    inventory.namespaces = [namespace('apps', labels)];
    const { dataPlane } = analyzeMesh(inventory, { cluster: 'demo', now });
    expect({
      sidecar: dataPlane.sidecarNamespaces.includes('apps'),
      ambient: dataPlane.ambientNamespaces.includes('apps'),
    }).toEqual({ sidecar: mode === 'sidecar', ambient: mode === 'ambient' });
  });

  it('counts sidecar proxies only, classic and native, by version', () => {
    const inventory = healthyInventory();
    inventory.pods = [
      pod('apps', 'a-1', { proxyImage: 'hub/proxyv2:1.28.1' }),
      pod('apps', 'b-1', { proxyImage: 'hub/proxyv2:1.29.0', native: true }),
      pod('apps', 'plain-1'),
      pod('gw', 'ingress-1', {
        labels: { istio: 'ingressgateway' },
        proxyImage: 'hub/proxyv2:1.28.1',
      }),
    ];
    const mesh = analyzeMesh(inventory, { cluster: 'demo', now });
    expect(mesh.dataPlane.proxyVersions).toEqual({ '1.28.1': 1, '1.29.0': 1 });
    expect(mesh.dataPlane.nativeSidecars).toBe('mixed');
    expect(mesh.meshSize.proxies).toBe(2);
    expect(mesh.meshSize.pods).toBe(4);
  });
});

describe('analyzeMesh control plane support', () => {
  // The healthy fixture: istiod 1.30.1 on Kubernetes v1.33.2; 1.30's end of life is
  // estimated at 2026-11-30.
  const december = new Date('2026-12-06T12:00:00Z');

  it('gives the verdict with the estimate and the date of the matrix', () => {
    const [plane] = analyzeMesh(healthyInventory(), {
      cluster: 'demo',
      now: december,
    }).controlPlanes;
    expect(plane.support).toEqual({
      verdict: 'check',
      reasons: [
        "Istio 1.30's end of life was expected around 2026-11-30 and has likely passed; check istio.io's supported releases",
      ],
      kubernetesTested: '1.32–1.36',
      endOfLife: '2026-11-30',
      endOfLifeExpected: true,
      matrixAsOf: ISTIO_SUPPORT_MATRIX_AS_OF,
    });
  });

  it('uses the support matrix it is given (a corrected row from config)', () => {
    const supportMatrix = mergeSupportMatrix(ISTIO_SUPPORT_MATRIX, [
      {
        istio: '1.30',
        released: '2026-05-14',
        endOfLife: '2027-01-20',
        kubernetesTested: ['1.32', '1.36'],
        kubernetesMinimum: '1.32',
      },
    ]);
    const [plane] = analyzeMesh(healthyInventory(), {
      cluster: 'demo',
      now: december,
      supportMatrix,
    }).controlPlanes;
    expect(plane.support).toMatchObject({
      verdict: 'supported',
      reasons: [],
      endOfLife: '2027-01-20',
    });
    expect(plane.support.endOfLifeExpected).toBeUndefined();
  });
});

describe('analyzeMesh revisions', () => {
  /** default on 1.29 with legacy Zipkin; canary on 1.30 with an OpenTelemetry provider. */
  const canaryMesh = (tagsRead = true) =>
    revisionsInventory(
      [
        {
          revision: 'default',
          version: '1.29.2',
          meshYaml:
            'defaultConfig:\n  tracing:\n    sampling: 1\n    zipkin:\n      address: zipkin.istio-system:9411\n',
        },
        {
          revision: 'canary',
          meshYaml:
            'extensionProviders:\n  - name: otel\n    opentelemetry:\n      service: otel-collector.observability.svc.cluster.local\n      port: 4317\ndefaultProviders:\n  tracing: [otel]\noutboundTrafficPolicy:\n  mode: REGISTRY_ONLY\n',
        },
      ],
      {
        namespaces: [
          namespace('istio-system'),
          namespace('demo', { 'istio-injection': 'enabled' }),
          namespace('shop', { 'istio.io/rev': 'prod' }),
        ],
        services: [
          service('istio-system', 'zipkin', [9411]),
          service('observability', 'otel-collector', [4317]),
        ],
        telemetries: [
          tracingTelemetry('shop', 'tracing-sampling', [
            { randomSamplingPercentage: 20 },
          ]),
        ],
        revisionTags: tagsRead
          ? [
              { tag: 'default', revision: 'default' },
              { tag: 'prod', revision: 'canary' },
            ]
          : undefined,
      },
    );

  it("gives each revision its own MeshConfig, tags, namespaces and tracing; the top level keeps the default revision's", () => {
    const mesh = analyzeMesh(canaryMesh(), { cluster: 'demo', now });
    expect(mesh.revisions).toEqual([
      {
        revision: 'default',
        namespace: 'istio-system',
        tags: ['default'],
        namespaces: ['demo'],
        tracing: {
          enabled: 'yes',
          samplingPercent: 1,
          configuredIn: 'meshConfig.defaultConfig.tracing',
          provider: 'zipkin',
          collector: {
            host: 'zipkin.istio-system',
            port: 9411,
            service: { namespace: 'istio-system', name: 'zipkin' },
            exists: 'yes',
          },
          decidedBy: {
            provider: 'MeshConfig defaultConfig.tracing (revision default)',
            sampling:
              'MeshConfig defaultConfig.tracing.sampling (revision default)',
          },
        },
        outboundTrafficPolicy: 'ALLOW_ANY',
        rootNamespace: 'istio-system',
        prometheusMerge: 'yes',
      },
      {
        revision: 'canary',
        namespace: 'istio-system',
        tags: ['prod'],
        namespaces: ['shop'],
        tracing: {
          enabled: 'yes',
          samplingPercent: 1,
          configuredIn: 'extensionProviders+Telemetry',
          provider: 'opentelemetry',
          providerName: 'otel',
          collector: {
            host: 'otel-collector.observability.svc.cluster.local',
            port: 4317,
            service: { namespace: 'observability', name: 'otel-collector' },
            exists: 'yes',
          },
          decidedBy: {
            provider: 'MeshConfig defaultProviders.tracing (revision canary)',
            sampling: "Istio's default of 1 % (revision canary)",
          },
        },
        outboundTrafficPolicy: 'REGISTRY_ONLY',
        rootNamespace: 'istio-system',
        prometheusMerge: 'yes',
      },
    ]);
    expect(mesh.tracing).toEqual(mesh.revisions![0].tracing);
    expect(mesh.outboundTrafficPolicy).toBe('ALLOW_ANY');
  });

  it('leaves tags and the namespaces they decide unknown when the tags could not be read', () => {
    const mesh = analyzeMesh(canaryMesh(false), {
      cluster: 'demo',
      now,
    });
    for (const revision of mesh.revisions!) {
      expect(revision.tags).toBeUndefined();
      expect(revision.namespaces).toBeUndefined();
    }
  });

  it('models the healthy fixture as the fixture says', () => {
    const mesh = analyzeMesh(healthyInventory(), { cluster: 'demo', now });
    expect(mesh.tracing).toEqual(healthyMesh().tracing);
    expect(mesh.revisions).toEqual(healthyMesh().revisions);
  });
});
