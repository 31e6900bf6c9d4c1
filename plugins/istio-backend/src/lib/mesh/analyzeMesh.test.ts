import {
  ISTIO_SUPPORT_MATRIX,
  ISTIO_SUPPORT_MATRIX_AS_OF,
  mergeSupportMatrix,
} from '@istio-backstage/plugin-istio-common';
import { analyzeMesh } from './analyzeMesh';
import {
  healthyInventory,
  meshConfigMap,
  namespace,
  pod,
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
