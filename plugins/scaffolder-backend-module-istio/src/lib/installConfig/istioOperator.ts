import type { InstallConfigInput } from './schema';
import type { TracingPlan } from './tracing';

/** Name of the ingress gateway every IstioOperator profile ships in the control-plane namespace. */
const PROFILE_GATEWAY_NAME = 'istio-ingressgateway';

/**
 * The `install.istio.io/v1alpha1` IstioOperator for `istioctl install -f`: profile,
 * hub/tag, MeshConfig tracing, ingress gateway in its own namespace with the `gateway`
 * injection template, CNI.
 */
export function buildIstioOperator(
  input: InstallConfigInput,
  tracing: TracingPlan,
  rootNamespace: string,
): Record<string, unknown> {
  const components: Record<string, unknown> = {};
  const values: Record<string, unknown> = {};

  if (input.gateway.enabled) {
    const gateways: Record<string, unknown>[] = [
      {
        name: input.gateway.name,
        namespace: input.gateway.namespace,
        enabled: true,
      },
    ];
    // Turn the profile's own gateway off so it does not stay behind in the
    // control-plane namespace (the gateway belongs outside istio-system).
    if (
      input.gateway.name !== PROFILE_GATEWAY_NAME ||
      input.gateway.namespace !== rootNamespace
    ) {
      gateways.push({ name: PROFILE_GATEWAY_NAME, enabled: false });
    }
    components.ingressGateways = gateways;
    // Gateway injection (Istio 1.11+): the gateway pod gets the `gateway` template,
    // not a sidecar, and so it reports traces (a gateway without it sends none).
    values.gateways = {
      'istio-ingressgateway': { injectionTemplate: 'gateway' },
    };
  } else {
    components.ingressGateways = [
      { name: PROFILE_GATEWAY_NAME, enabled: false },
    ];
  }
  if (input.cniEnabled) {
    components.cni = { enabled: true };
  }

  return {
    apiVersion: 'install.istio.io/v1alpha1',
    kind: 'IstioOperator',
    metadata: { name: 'istio', namespace: rootNamespace },
    spec: {
      profile: input.profile,
      ...(input.hub ? { hub: input.hub } : {}),
      tag: input.tag,
      meshConfig: tracing.meshConfig,
      components,
      ...(Object.keys(values).length ? { values } : {}),
    },
  };
}
