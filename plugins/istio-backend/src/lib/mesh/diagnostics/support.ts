import {
  ISTIO_SUPPORT_MATRIX,
  type IstioMeshConfig,
} from '@istio-backstage/plugin-istio-common';
import {
  describeObject,
  makeDiagnostic,
  type DiagnosticRule,
} from './diagnostic';
import { istiodRef } from './istio';
import { compareMinor, parseMinor } from './versions';

/**
 * Istio minors that are tested on the Kubernetes version and not past end of life on the
 * day the mesh was read (readAt keeps the rule pure: no clock).
 */
export function supportedReleasesFor(mesh: IstioMeshConfig): string[] {
  const kubernetes = parseMinor(mesh.kubernetesVersion);
  const readAt = Date.parse(mesh.readAt);
  if (!kubernetes || Number.isNaN(readAt)) return [];
  return ISTIO_SUPPORT_MATRIX.filter(release => {
    const [low, high] = release.kubernetesTested.map(v => parseMinor(v)!);
    return (
      compareMinor(kubernetes, low) >= 0 &&
      compareMinor(kubernetes, high) <= 0 &&
      Date.parse(`${release.endOfLife}T23:59:59Z`) >= readAt
    );
  }).map(release => release.istio);
}

/** Control planes whose Istio/Kubernetes pair is unsupported or end of life. */
export const unsupportedVersion: DiagnosticRule = (inventory, mesh) => {
  const candidates = supportedReleasesFor(mesh);
  return mesh.controlPlanes
    .filter(cp => cp.support.verdict === 'unsupported')
    .map(cp => {
      const object = istiodRef(inventory, cp);
      const reasons = cp.support.reasons.length
        ? cp.support.reasons.join('; ')
        : 'not supported according to the Istio support matrix';
      const target = candidates.length
        ? `Istio ${candidates.join(', ')} ${
            candidates.length === 1 ? 'is' : 'are'
          } supported on Kubernetes ${mesh.kubernetesVersion}.`
        : `No Istio release in the support matrix is currently supported on Kubernetes ${
            mesh.kubernetesVersion ?? '(unknown)'
          }; upgrade Kubernetes as well.`;
      return makeDiagnostic('IBS-VERSION-UNSUPPORTED', {
        object,
        message: `${describeObject(object)} (revision '${
          cp.revision
        }') runs Istio ${cp.version ?? cp.tag ?? '(unknown)'} on Kubernetes ${
          mesh.kubernetesVersion ?? '(unknown)'
        }: ${reasons}.`,
        fix: {
          text: `Upgrade the control plane, then restart the workloads so proxies follow. ${target} Prefer a canary upgrade (install the new version as a new revision with \`istioctl install --set revision=<rev>\` or the Helm istiod chart with \`--set revision=<rev>\`, move namespaces with the istio.io/rev label, then remove the old revision); Istio upgrades one minor at a time in place, up to two minors with canary.`,
        },
      });
    });
};
