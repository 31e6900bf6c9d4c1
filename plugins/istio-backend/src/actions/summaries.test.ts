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
    const summary = meshSummary(
      { entityRef: 'component:default/productpage', items: [], errors: [] },
      [mesh],
      [],
    );
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
