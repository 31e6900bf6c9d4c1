import {
  ISTIO_SUPPORT_MATRIX,
  ISTIO_SUPPORT_MATRIX_AS_OF,
  type IstioControlPlane,
  type IstioMeshConfig,
  type IstioReleaseSupport,
  type IstioSupportMatrix,
} from '@istio-backstage/plugin-istio-common';
import type { MeshInventory } from '../inventory';
import {
  describeObject,
  makeDiagnostic,
  type DiagnosticRule,
} from './diagnostic';
import { istiodRef } from './istio';
import { compareMinor, formatMinor, parseMinor } from './versions';

/** The last moment of an ISO date's day (UTC), in epoch milliseconds. */
function endOfDay(isoDate: string): number {
  return Date.parse(`${isoDate}T23:59:59.999Z`);
}

/**
 * The matrix rows of releases that are tested on the mesh's Kubernetes version, already
 * released, and not past their end of life — announced or estimated — on the day the
 * mesh was read (readAt keeps the rule pure: no clock).
 */
function supportedRowsFor(
  mesh: IstioMeshConfig,
  matrix: IstioSupportMatrix,
): IstioReleaseSupport[] {
  const kubernetes = parseMinor(mesh.kubernetesVersion);
  const readAt = Date.parse(mesh.readAt);
  if (!kubernetes || Number.isNaN(readAt)) return [];
  return matrix.filter(release => {
    const [low, high] = release.kubernetesTested.map(v => parseMinor(v)!);
    return (
      compareMinor(kubernetes, low) >= 0 &&
      compareMinor(kubernetes, high) <= 0 &&
      Date.parse(`${release.released}T00:00:00Z`) <= readAt &&
      endOfDay(release.endOfLife) >= readAt
    );
  });
}

/**
 * Istio minors the support matrix calls supported on the mesh's Kubernetes version on
 * the day it was read: tested on it, released, and not past their end of life
 * (announced or estimated). Never a release the matrix calls ended.
 */
export function supportedReleasesFor(
  mesh: IstioMeshConfig,
  matrix: IstioSupportMatrix = ISTIO_SUPPORT_MATRIX,
): string[] {
  return supportedRowsFor(mesh, matrix).map(release => release.istio);
}

/** The sentence naming the releases to move to, or saying the matrix knows none. */
function upgradeTarget(
  mesh: IstioMeshConfig,
  matrix: IstioSupportMatrix,
): string {
  const kubernetes = mesh.kubernetesVersion ?? '(unknown)';
  const candidates = supportedRowsFor(mesh, matrix).map(release =>
    release.endOfLifeExpected
      ? `${release.istio} (end of life expected around ${release.endOfLife})`
      : release.istio,
  );
  if (candidates.length === 0)
    return `The support matrix (as of ${ISTIO_SUPPORT_MATRIX_AS_OF}) knows no release still supported on Kubernetes ${kubernetes}; check istio.io's supported releases for newer ones (or add them under istio.supportMatrix).`;
  return `Istio ${candidates.join(', ')} ${
    candidates.length === 1 ? 'is' : 'are'
  } supported on Kubernetes ${kubernetes}.`;
}

/** How to move a control plane to another release without an outage. */
const CANARY_UPGRADE =
  'Prefer a canary upgrade (install the new version as a new revision with `istioctl install --set revision=<rev>` or the Helm istiod chart with `--set revision=<rev>`, move namespaces with the istio.io/rev label, then remove the old revision); Istio upgrades one minor at a time in place, up to two minors with canary.';

/** `Deployment istio-system/istiod (revision 'default') runs Istio 1.30.1 on Kubernetes v1.33.2: <reasons>.` */
function describeControlPlane(
  inventory: MeshInventory,
  mesh: IstioMeshConfig,
  cp: IstioControlPlane,
  fallbackReason: string,
) {
  const object = istiodRef(inventory, cp);
  const reasons = cp.support.reasons.length
    ? cp.support.reasons.join('; ')
    : fallbackReason;
  const message = `${describeObject(object)} (revision '${
    cp.revision
  }') runs Istio ${cp.version ?? cp.tag ?? '(unknown)'} on Kubernetes ${
    mesh.kubernetesVersion ?? '(unknown)'
  }: ${reasons}.`;
  return { object, message };
}

/** Control planes whose Istio/Kubernetes pair is unsupported or past an announced end of life. */
export const unsupportedVersion: DiagnosticRule = (
  inventory,
  mesh,
  context = {},
) => {
  const target = upgradeTarget(
    mesh,
    context.supportMatrix ?? ISTIO_SUPPORT_MATRIX,
  );
  return mesh.controlPlanes
    .filter(cp => cp.support.verdict === 'unsupported')
    .map(cp =>
      makeDiagnostic('IBS-VERSION-UNSUPPORTED', {
        ...describeControlPlane(
          inventory,
          mesh,
          cp,
          'not supported according to the Istio support matrix',
        ),
        fix: {
          text: `Upgrade the control plane, then restart the workloads so proxies follow. ${target} ${CANARY_UPGRADE}`,
        },
      }),
    );
};

/**
 * Control planes whose estimated end of life has passed on a Kubernetes version they
 * support (verdict `check`): likely end of life, to check on istio.io.
 */
export const likelyEndOfLife: DiagnosticRule = (
  inventory,
  mesh,
  context = {},
) => {
  const target = upgradeTarget(
    mesh,
    context.supportMatrix ?? ISTIO_SUPPORT_MATRIX,
  );
  return mesh.controlPlanes
    .filter(cp => cp.support.verdict === 'check')
    .map(cp => {
      const minor = parseMinor(cp.version ?? cp.tag);
      const release = minor ? `Istio ${formatMinor(minor)}` : 'the release';
      return makeDiagnostic('IBS-VERSION-LIKELY-EOL', {
        ...describeControlPlane(
          inventory,
          mesh,
          cp,
          'its estimated end of life has passed',
        ),
        fix: {
          text: `Check istio.io's supported releases. If ${release} has ended, upgrade the control plane, then restart the workloads so proxies follow. ${target} ${CANARY_UPGRADE} If the support matrix (as of ${ISTIO_SUPPORT_MATRIX_AS_OF}) is out of date, record the announced end of life or the newer releases under istio.supportMatrix.`,
        },
      });
    });
};
