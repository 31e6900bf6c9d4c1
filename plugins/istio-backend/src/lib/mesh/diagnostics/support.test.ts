import type { IstioControlPlane } from '@istio-backstage/plugin-istio-common';
import { supportedReleasesFor, unsupportedVersion } from './support';
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
      'Istio 1.30 is supported on Kubernetes v1.33.2.',
    );
  });
});

describe('supportedReleasesFor', () => {
  it.each([
    ['v1.33.2', '2026-11-25T12:00:00Z', ['1.30']],
    ['1.33', '2026-03-01T00:00:00Z', ['1.27', '1.28', '1.29', '1.30']],
    ['1.20', '2026-11-25T12:00:00Z', []],
    [undefined, '2026-11-25T12:00:00Z', []],
  ])('Kubernetes %s on %s → %j', (kubernetesVersion, readAt, expected) => {
    expect(
      supportedReleasesFor(meshWith({ kubernetesVersion, readAt })),
    ).toEqual(expected);
  });
});
