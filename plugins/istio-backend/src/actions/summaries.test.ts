import type { IstioMeshConfig } from '@istio-backstage/plugin-istio-common';
import { healthyMesh } from '../lib/mesh/diagnostics/testFixtures';
import { meshSummary } from './summaries';

describe('meshSummary', () => {
  it("keeps a 'check' verdict and its reason (the estimated end of life)", () => {
    const reason =
      "Istio 1.30's end of life was expected around 2026-11-30 and has likely passed; check istio.io's supported releases";
    const base = healthyMesh();
    const mesh: IstioMeshConfig = {
      ...base,
      controlPlanes: [
        {
          ...base.controlPlanes[0],
          support: {
            verdict: 'check',
            reasons: [reason],
            endOfLife: '2026-11-30',
            endOfLifeExpected: true,
          },
        },
      ],
    };
    const summary = meshSummary({
      entityRef: 'component:default/productpage',
      clusters: { items: [], unusable: [] },
      sidecarMemory: {
        entityRef: 'component:default/productpage',
        items: [],
        errors: [],
      },
      meshes: [{ cluster: mesh.cluster, links: {}, mesh }],
      errors: [],
    });
    expect(summary.clusters[0].controlPlanes).toEqual([
      {
        revision: 'default',
        namespace: 'istio-system',
        version: '1.30.1',
        support: 'check',
        supportReasons: [reason],
      },
    ]);
  });
});

describe('meshSummary diagnostics', () => {
  it('passes on the scope and topic of the findings the answer kept, and every error', () => {
    const mesh: IstioMeshConfig = {
      ...healthyMesh(),
      diagnostics: [
        {
          code: 'IBS-NAMESPACE-NOT-SCOPED',
          severity: 'info',
          scope: 'namespace',
          topic: 'sidecars',
          title: 'Namespace without Sidecar scoping in a large mesh',
          message: 'Namespace shop has no Sidecar.',
          object: { kind: 'Namespace', name: 'shop' },
          fix: { text: 'Apply a default Sidecar.' },
        },
      ],
    };
    const timeout = {
      cluster: 'eu',
      source: 'kubernetes',
      errorType: 'Timeout',
      message: 'no answer before the deadline',
    };
    const summary = meshSummary({
      entityRef: 'component:default/cart',
      clusters: { items: [], unusable: [] },
      sidecarMemory: {
        entityRef: 'component:default/cart',
        items: [],
        errors: [],
      },
      meshes: [
        { cluster: mesh.cluster, links: {} },
        { cluster: 'x', links: {}, mesh },
      ],
      errors: [timeout],
    });
    expect(summary.clusters.map(c => c.diagnostics)).toEqual([
      [
        {
          code: 'IBS-NAMESPACE-NOT-SCOPED',
          severity: 'info',
          scope: 'namespace',
          topic: 'sidecars',
          message: 'Namespace shop has no Sidecar.',
          fix: 'Apply a default Sidecar.',
        },
      ],
    ]);
    expect(summary.errors).toEqual([
      {
        cluster: 'eu',
        errorType: 'Timeout',
        message: 'no answer before the deadline',
      },
    ]);
  });
});
