import type { V1ConfigMap } from '@kubernetes/client-node';
import { istiod, meshConfigMap } from './diagnostics/testFixtures';
import {
  meshConfigOf,
  podLabelFirst,
  revisionMeshConfigs,
  meshFactsOf,
} from './meshConfigs';

const planes = [
  { revision: 'default', namespace: 'istio-system', version: '1.29.2' },
  { revision: 'canary', namespace: 'istio-system', version: '1.30.1' },
];

const injector = (name: string, values: unknown): V1ConfigMap => ({
  metadata: { namespace: 'istio-system', name },
  data: { values: JSON.stringify(values) },
});

describe('revisionMeshConfigs', () => {
  it("reads each revision's own ConfigMap: istio for default, istio-<rev> otherwise", () => {
    const { configs, unreadable } = revisionMeshConfigs(planes, {
      deployments: [
        istiod('istio-system', 'default'),
        istiod('istio-system', 'canary', {
          env: { PILOT_TRACE_SAMPLING: '2.5' },
        }),
      ],
      configMaps: [
        meshConfigMap(
          'rootNamespace: mesh-root\noutboundTrafficPolicy:\n  mode: REGISTRY_ONLY\n',
        ),
        meshConfigMap(
          'discoverySelectors:\n  - matchLabels: {mesh: canary}\ndefaultProviders:\n  tracing: [otel]\n',
          { name: 'istio-canary' },
        ),
      ],
    });
    expect(unreadable).toEqual([]);
    expect(configs).toEqual([
      expect.objectContaining({
        revision: 'default',
        configMap: 'istio-system/istio',
        known: true,
        rootNamespace: 'mesh-root',
        outboundTrafficPolicy: 'REGISTRY_ONLY',
        defaultTracingProviders: [],
      }),
      expect.objectContaining({
        revision: 'canary',
        configMap: 'istio-system/istio-canary',
        known: true,
        // Istio's default root namespace, not the default revision's.
        rootNamespace: 'istio-system',
        outboundTrafficPolicy: 'ALLOW_ANY',
        discoverySelectors: [{ matchLabels: { mesh: 'canary' } }],
        defaultTracingProviders: ['otel'],
        pilotTraceSampling: 2.5,
      }),
    ]);
  });

  it("never falls back to the default revision's ConfigMap: a revision without its own runs on Istio's defaults", () => {
    const { configs } = revisionMeshConfigs([planes[1]], {
      deployments: [istiod('istio-system', 'canary')],
      configMaps: [meshConfigMap('enableTracing: false\n')],
    });
    expect(configs[0]).toMatchObject({ known: true, enableTracing: true });
  });

  it('applies the revision MeshConfig over the one SHARED_MESH_CONFIG names', () => {
    const { mesh } = meshConfigOf(
      [
        meshConfigMap(
          'enableTracing: false\nextensionProviders:\n  - name: otel\n    opentelemetry: {service: a, port: 1}\n  - name: zipkin\n    zipkin: {service: z, port: 9411}\ndefaultConfig:\n  holdApplicationUntilProxyStarts: true\n',
          { name: 'istio-shared' },
        ),
        meshConfigMap(
          'extensionProviders:\n  - name: otel\n    opentelemetry: {service: b, port: 2}\ndefaultConfig:\n  tracing: {sampling: 5}\n',
          { name: 'istio-canary' },
        ),
      ],
      'istio-system',
      'canary',
      'istio-shared',
    );
    expect(mesh).toEqual({
      enableTracing: false,
      extensionProviders: [
        { name: 'otel', opentelemetry: { service: 'b', port: 2 } },
        { name: 'zipkin', zipkin: { service: 'z', port: 9411 } },
      ],
      defaultConfig: {
        holdApplicationUntilProxyStarts: true,
        tracing: { sampling: 5 },
      },
    });
  });

  it('reports an unsafe ConfigMap as unknown, never as defaults', () => {
    const { configs, unreadable } = revisionMeshConfigs([planes[1]], {
      deployments: [],
      configMaps: [meshConfigMap('a: &x 1\nb: *x\n', { name: 'istio-canary' })],
    });
    expect(configs[0].known).toBe(false);
    expect(unreadable).toEqual(['istio-system/istio-canary']);
    expect(
      revisionMeshConfigs([planes[1]], { deployments: [] }).configs[0].known,
    ).toBe(false);
  });

  it("reads the injector's revisionLabelPrecedence; pods' labels win only when every revision agrees", () => {
    const read = (values: Record<string, unknown>) =>
      revisionMeshConfigs(planes, {
        configMaps: [
          injector('istio-sidecar-injector', values),
          injector('istio-sidecar-injector-canary', {
            sidecarInjectorWebhook: { revisionLabelPrecedence: 'pod' },
          }),
        ],
      }).configs;
    const both = read({
      sidecarInjectorWebhook: { revisionLabelPrecedence: 'pod' },
    });
    expect(both.map(c => c.revisionLabelPrecedence)).toEqual(['pod', 'pod']);
    expect(podLabelFirst(both)).toBe(true);
    expect(podLabelFirst(read({}))).toBe(false);
  });
});

describe('meshFactsOf: exportTo defaults', () => {
  it('reads the MeshConfig defaults a recommendation applies to unset exportTo', () => {
    expect(
      meshFactsOf({
        defaultServiceExportTo: ['.'],
        defaultVirtualServiceExportTo: ['.', 'istio-system'],
      }).exportToDefaults,
    ).toEqual({
      service: ['.'],
      virtualService: ['.', 'istio-system'],
      destinationRule: undefined,
    });
  });

  it('leaves a default unset when it is not a list of namespaces', () => {
    expect(
      meshFactsOf({ defaultServiceExportTo: '*' }).exportToDefaults.service,
    ).toBeUndefined();
  });
});
