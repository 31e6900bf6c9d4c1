import { analyzeMesh } from './analyzeMesh';
import { healthyInventory, meshConfigMap } from './diagnostics/testFixtures';

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
