import {
  ISTIO_SUPPORT_MATRIX,
  mergeSupportMatrix,
  type IstioControlPlane,
} from '@istio-backstage/plugin-istio-common';
import {
  likelyEndOfLife,
  supportedReleasesFor,
  unsupportedVersion,
} from './support';
import {
  healthyInventory,
  healthyMesh,
  meshWith,
  objectsOf,
} from './testFixtures';

const cp = (
  support: IstioControlPlane['support'],
  version = '1.26.3',
): IstioControlPlane => ({
  ...healthyMesh().controlPlanes[0],
  version,
  support,
});

const endOfLife = cp({
  verdict: 'unsupported',
  reasons: ['Istio 1.26 reached end of life on 2025-12-22'],
});

describe('IBS-VERSION-UNSUPPORTED', () => {
  it.each([
    ['a supported pair', healthyMesh(), []],
    [
      'an end-of-life release',
      meshWith({ controlPlanes: [endOfLife] }),
      ['IBS-VERSION-UNSUPPORTED Deployment istio-system/istiod'],
    ],
    [
      'a canary revision outside the tested range',
      meshWith({
        controlPlanes: [
          healthyMesh().controlPlanes[0],
          {
            ...cp({
              verdict: 'unsupported',
              reasons: ['Kubernetes 1.33 is below 1.34'],
            }),
            revision: 'canary',
          },
        ],
      }),
      ['IBS-VERSION-UNSUPPORTED Deployment istio-system/istiod-canary'],
    ],
    [
      'verdict unknown (version not in the matrix)',
      meshWith({
        controlPlanes: [
          cp({ verdict: 'unknown', reasons: ['not in the matrix'] }),
        ],
      }),
      [],
    ],
  ])('%s', (_case, mesh, expected) => {
    expect(objectsOf(unsupportedVersion(healthyInventory(), mesh))).toEqual(
      expected,
    );
  });

  it('names the control plane, the reasons and the releases to move to', () => {
    const [diagnostic] = unsupportedVersion(
      healthyInventory(),
      meshWith({ controlPlanes: [endOfLife] }),
    );
    expect(diagnostic.message).toBe(
      "Deployment istio-system/istiod (revision 'default') runs Istio 1.26.3 on Kubernetes v1.33.2: Istio 1.26 reached end of life on 2025-12-22.",
    );
    expect(diagnostic.fix.text).toContain(
      'Istio 1.30 (end of life expected around 2026-11-30) is supported on Kubernetes v1.33.2.',
    );
  });

  it('never names an ended release; with none left it says so instead of asking for a Kubernetes upgrade', () => {
    // 2026-12-06: 1.28 ended (announced), 1.29 and 1.30 likely ended (estimated).
    const mesh = meshWith({
      controlPlanes: [endOfLife],
      readAt: '2026-12-06T12:00:00Z',
    });
    const [diagnostic] = unsupportedVersion(healthyInventory(), mesh);
    expect(diagnostic.fix.text).not.toMatch(/Istio 1\.\d+[ ,]/);
    expect(diagnostic.fix.text).toContain(
      "The support matrix (as of 2026-11-01) knows no release still supported on Kubernetes v1.33.2; check istio.io's supported releases for newer ones (or add them under istio.supportMatrix).",
    );
    expect(diagnostic.fix.text).not.toMatch(/upgrade Kubernetes/i);
  });

  it('names the releases added under istio.supportMatrix', () => {
    const supportMatrix = mergeSupportMatrix(ISTIO_SUPPORT_MATRIX, [
      {
        istio: '1.31',
        released: '2026-08-12',
        endOfLife: '2027-03-31',
        kubernetesTested: ['1.33', '1.37'],
        kubernetesMinimum: '1.32',
      },
    ]);
    const [diagnostic] = unsupportedVersion(
      healthyInventory(),
      meshWith({ controlPlanes: [endOfLife], readAt: '2026-12-06T12:00:00Z' }),
      { supportMatrix },
    );
    expect(diagnostic.fix.text).toContain(
      'Istio 1.31 is supported on Kubernetes v1.33.2.',
    );
  });
});

describe('IBS-VERSION-LIKELY-EOL', () => {
  const likelyEnded = cp(
    {
      verdict: 'check',
      reasons: [
        "Istio 1.30's end of life was expected around 2026-11-30 and has likely passed; check istio.io's supported releases",
      ],
      endOfLife: '2026-11-30',
      endOfLifeExpected: true,
    },
    '1.30.1',
  );
  const mesh = meshWith({
    controlPlanes: [likelyEnded],
    readAt: '2026-12-06T12:00:00Z',
  });

  it("reports a 'check' verdict as info, and only that verdict", () => {
    expect(objectsOf(likelyEndOfLife(healthyInventory(), mesh))).toEqual([
      'IBS-VERSION-LIKELY-EOL Deployment istio-system/istiod',
    ]);
    expect(unsupportedVersion(healthyInventory(), mesh)).toEqual([]);
    expect(
      likelyEndOfLife(
        healthyInventory(),
        meshWith({ controlPlanes: [endOfLife] }),
      ),
    ).toEqual([]);
  });

  it('shows the estimate and points to istio.io and istio.supportMatrix', () => {
    const [diagnostic] = likelyEndOfLife(healthyInventory(), mesh);
    expect(diagnostic.severity).toBe('info');
    expect(diagnostic.message).toBe(
      "Deployment istio-system/istiod (revision 'default') runs Istio 1.30.1 on Kubernetes v1.33.2: Istio 1.30's end of life was expected around 2026-11-30 and has likely passed; check istio.io's supported releases.",
    );
    expect(diagnostic.fix.text).toMatch(
      /^Check istio.io's supported releases. If Istio 1.30 has ended, upgrade the control plane/,
    );
    expect(diagnostic.fix.text).toContain(
      'The support matrix (as of 2026-11-01) knows no release still supported on Kubernetes v1.33.2',
    );
    expect(diagnostic.fix.text).toContain('istio.supportMatrix');
  });
});

describe('supportedReleasesFor', () => {
  it.each([
    ['v1.33.2', '2026-11-25T12:00:00Z', ['1.30']],
    // 1.30 is not released yet on that day.
    ['1.33', '2026-03-01T00:00:00Z', ['1.27', '1.28', '1.29']],
    // Past the estimated end of life of 1.29 and 1.30: none.
    ['v1.33.2', '2026-12-06T12:00:00Z', []],
    ['1.20', '2026-11-25T12:00:00Z', []],
    [undefined, '2026-11-25T12:00:00Z', []],
  ])('Kubernetes %s on %s → %j', (kubernetesVersion, readAt, expected) => {
    expect(
      supportedReleasesFor(meshWith({ kubernetesVersion, readAt })),
    ).toEqual(expected);
  });
});
