import type { V1Pod } from '@kubernetes/client-node';
import {
  describeObject,
  listSome,
  makeDiagnostic,
  plural,
  yamlDocs,
  type DiagnosticRule,
} from './diagnostic';
import { podRef } from './k8s';

const PRIVILEGED_CAPABILITIES = ['NET_ADMIN', 'NET_RAW'];

/** The capabilities of the pod's `istio-init` init container among NET_ADMIN / NET_RAW. */
export function istioInitCapabilities(pod: V1Pod): string[] {
  const init = pod.spec?.initContainers?.find(c => c.name === 'istio-init');
  const added = init?.securityContext?.capabilities?.add ?? [];
  return PRIVILEGED_CAPABILITIES.filter(cap => added.includes(cap));
}

/**
 * No Istio CNI: injected pods still need the privileged `istio-init` init container.
 * One diagnostic for the mesh (naming an example pod) so large meshes are not flooded.
 */
export const cniMissing: DiagnosticRule = (inventory, mesh) => {
  if (mesh.cni.installed !== 'no' || !inventory.pods) return [];
  const pods = inventory.pods
    .filter(pod => istioInitCapabilities(pod).length > 0)
    .sort((a, b) =>
      describeObject(podRef(a)).localeCompare(describeObject(podRef(b))),
    );
  if (pods.length === 0) return [];
  const object = podRef(pods[0]);
  const namespaces = [...new Set(pods.map(p => p.metadata?.namespace ?? ''))];
  const capabilities = [...new Set(pods.flatMap(istioInitCapabilities))];
  return [
    makeDiagnostic('IBS-CNI-MISSING', {
      object,
      message: `Istio CNI is not installed: ${plural(
        pods.length,
        'pod',
      )} in ${plural(namespaces.length, 'namespace')} (${listSome(
        namespaces,
      )}) run the istio-init init container with ${capabilities.join(
        ' and ',
      )}, for example ${describeObject(object)}.`,
      fix: {
        text: 'Install the Istio CNI node agent so pods no longer need privileged init containers: IstioOperator components.cni.enabled: true, or with Helm `helm install istio-cni istio/cni -n istio-system` and `helm upgrade istiod istio/istiod -n istio-system --reuse-values --set pilot.cni.enabled=true`. Then restart the injected workloads (kubectl rollout restart) so they are re-injected without istio-init.',
        yaml: yamlDocs(
          {
            comment: 'istioctl install -f (enables Istio CNI)',
            value: {
              apiVersion: 'install.istio.io/v1alpha1',
              kind: 'IstioOperator',
              spec: { components: { cni: { enabled: true } } },
            },
          },
          {
            comment:
              'Helm: istiod values (install the istio/cni chart as well)',
            value: { pilot: { cni: { enabled: true } } },
          },
        ),
      },
    }),
  ];
};
