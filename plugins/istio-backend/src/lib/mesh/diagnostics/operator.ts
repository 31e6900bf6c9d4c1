import {
  describeObject,
  makeDiagnostic,
  type DiagnosticRule,
} from './diagnostic';
import { isAtLeast } from './versions';

/** `istio-operator`, or `istio-operator-<rev>` for a revisioned operator. */
function isOperatorName(name: string | undefined): boolean {
  return name === 'istio-operator' || !!name?.startsWith('istio-operator-');
}

/**
 * The in-cluster operator (removed in Istio 1.24) still deployed next to a 1.24+ control
 * plane: it cannot manage it and may reconcile stale IstioOperator resources.
 */
export const inClusterOperator: DiagnosticRule = (inventory, mesh) => {
  if (!inventory.deployments) return [];
  const modern = mesh.controlPlanes.filter(cp =>
    isAtLeast(cp.version, [1, 24]),
  );
  if (modern.length === 0) return [];
  const versions = [...new Set(modern.map(cp => cp.version))].join(', ');
  return inventory.deployments
    .filter(d => isOperatorName(d.metadata?.name))
    .map(deployment => {
      const object = {
        kind: 'Deployment',
        namespace: deployment.metadata?.namespace,
        name: deployment.metadata!.name!,
      };
      return makeDiagnostic('IBS-IN-CLUSTER-OPERATOR', {
        object,
        message: `${describeObject(
          object,
        )} is the in-cluster Istio operator, removed in Istio 1.24, but the control plane runs Istio ${versions}: the operator cannot manage it.`,
        fix: {
          text: `Export the IstioOperator resources to files (kubectl get istiooperators.install.istio.io -A -o yaml) and manage Istio from them with \`istioctl install -f <file>\` or move to the Helm charts (base, istiod, gateway, cni). Then remove the operator: \`istioctl operator remove\` with istioctl 1.23 or older, or kubectl delete deployment ${object.name} -n ${object.namespace} with its ServiceAccount and ClusterRole. Never delete an IstioOperator resource while the operator runs: it would uninstall that control plane.`,
        },
      });
    });
};
