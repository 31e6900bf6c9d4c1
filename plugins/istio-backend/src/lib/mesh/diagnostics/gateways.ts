import type { IstioGateway } from '@istio-backstage/plugin-istio-common';
import {
  describeObject,
  makeDiagnostic,
  yamlDocs,
  type DiagnosticRule,
  type ObjectRef,
} from './diagnostic';
import { controlPlaneNamespaces } from './istio';

function gatewayRef(gateway: IstioGateway): ObjectRef {
  return {
    kind: 'Deployment',
    namespace: gateway.namespace,
    name: gateway.name,
  };
}

/** A namespace for the gateway that is not the control plane's (`istio-ingress`). */
function targetNamespace(gateway: IstioGateway, cpNamespaces: Set<string>) {
  return cpNamespaces.has(gateway.namespace)
    ? 'istio-ingress'
    : gateway.namespace;
}

/** An IstioOperator with the gateway in its own namespace, with gateway injection. */
function gatewayOperatorYaml(gateway: IstioGateway, namespace: string) {
  return {
    comment:
      'istioctl install -f: gateway in its own namespace, injected with the gateway template',
    value: {
      apiVersion: 'install.istio.io/v1alpha1',
      kind: 'IstioOperator',
      spec: {
        components: {
          ingressGateways: [{ name: gateway.name, namespace, enabled: true }],
        },
        values: {
          gateways: {
            'istio-ingressgateway': { injectionTemplate: 'gateway' },
          },
        },
      },
    },
  };
}

const helmText = (gateway: IstioGateway, namespace: string) =>
  `With Helm: \`helm install ${gateway.name} istio/gateway -n ${namespace} --create-namespace\` (the chart always uses gateway injection).`;

/** Gateways running in a control plane namespace: they belong in a namespace of their own. */
export const gatewayInRootNamespace: DiagnosticRule = (_inventory, mesh) => {
  const cpNamespaces = controlPlaneNamespaces(mesh);
  return mesh.gateways
    .filter(gateway => cpNamespaces.has(gateway.namespace))
    .map(gateway => {
      const object = gatewayRef(gateway);
      const namespace = targetNamespace(gateway, cpNamespaces);
      return makeDiagnostic('IBS-GATEWAY-IN-ROOT-NAMESPACE', {
        object,
        message: `Gateway ${describeObject(object)} runs in ${
          gateway.namespace
        }, the namespace of istiod. A gateway faces outside traffic and should not share a namespace with the control plane and its secrets.`,
        fix: {
          text: `Deploy the gateway in its own namespace (for example ${namespace}), move the Service's traffic to it, then remove ${describeObject(
            object,
          )}. ${helmText(gateway, namespace)}`,
          yaml: yamlDocs(gatewayOperatorYaml(gateway, namespace)),
        },
      });
    });
};

/** Gateways not created through gateway injection: a gateway without it sends no traces. */
export const gatewayWithoutInjection: DiagnosticRule = (_inventory, mesh) => {
  const cpNamespaces = controlPlaneNamespaces(mesh);
  return mesh.gateways
    .filter(gateway => gateway.sendsTraces === 'no')
    .map(gateway => {
      const object = gatewayRef(gateway);
      const namespace = targetNamespace(gateway, cpNamespaces);
      const template = gateway.injectionTemplate
        ? `injection template '${gateway.injectionTemplate}'`
        : 'no injection template';
      return makeDiagnostic('IBS-GATEWAY-NO-INJECTION', {
        object,
        message: `Gateway ${describeObject(
          object,
        )} is not injected with the 'gateway' template (${template}), so it sends no traces and does not follow the mesh's proxy configuration.`,
        fix: {
          text: `Set values.gateways.istio-ingressgateway.injectionTemplate: gateway in the IstioOperator and deploy the gateway in its own namespace (${namespace}), or redeploy it with the Helm gateway chart. ${helmText(
            gateway,
            namespace,
          )}`,
          yaml: yamlDocs(gatewayOperatorYaml(gateway, namespace)),
        },
      });
    });
};
