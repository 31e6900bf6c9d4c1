import type { IstioGateway } from '@istio-backstage/plugin-istio-common';
import { parse } from 'yaml';
import { gatewayInRootNamespace, gatewayWithoutInjection } from './gateways';
import {
  healthyInventory,
  healthyMesh,
  meshWith,
  objectsOf,
} from './testFixtures';

const gateway = (overrides: Partial<IstioGateway>): IstioGateway => ({
  name: 'istio-ingressgateway',
  namespace: 'istio-system',
  sendsTraces: 'no',
  ...overrides,
});

const run = (mesh = healthyMesh()) =>
  objectsOf([
    ...gatewayInRootNamespace(healthyInventory(), mesh),
    ...gatewayWithoutInjection(healthyInventory(), mesh),
  ]);

describe('gateway rules', () => {
  it.each([
    ['a healthy mesh', healthyMesh(), []],
    [
      'a gateway installed in istio-system without gateway injection',
      meshWith({ gateways: [gateway({})] }),
      [
        'IBS-GATEWAY-IN-ROOT-NAMESPACE Deployment istio-system/istio-ingressgateway',
        'IBS-GATEWAY-NO-INJECTION Deployment istio-system/istio-ingressgateway',
      ],
    ],
    [
      'gateway-injected gateway in istio-system',
      meshWith({
        gateways: [
          gateway({ injectionTemplate: 'gateway', sendsTraces: 'yes' }),
        ],
      }),
      [
        'IBS-GATEWAY-IN-ROOT-NAMESPACE Deployment istio-system/istio-ingressgateway',
      ],
    ],
    [
      'sidecar-template gateway in its own namespace',
      meshWith({
        gateways: [
          gateway({ namespace: 'istio-ingress', injectionTemplate: 'sidecar' }),
        ],
      }),
      [
        'IBS-GATEWAY-NO-INJECTION Deployment istio-ingress/istio-ingressgateway',
      ],
    ],
    [
      'unknown tracing of the gateway (no diagnosis from missing data)',
      meshWith({
        gateways: [
          gateway({ namespace: 'istio-ingress', sendsTraces: 'unknown' }),
        ],
      }),
      [],
    ],
    [
      'no known control plane (its namespace is unknown)',
      meshWith({
        controlPlanes: [],
        gateways: [gateway({ sendsTraces: 'yes' })],
      }),
      [],
    ],
  ])('%s', (_case, mesh, expected) => {
    expect(run(mesh)).toEqual(expected);
  });

  it('gives an IstioOperator fix with its own namespace and gateway injection', () => {
    const [diagnostic] = gatewayWithoutInjection(
      healthyInventory(),
      meshWith({ gateways: [gateway({})] }),
    );
    expect(diagnostic.message).toContain(
      'Deployment istio-system/istio-ingressgateway',
    );
    expect(diagnostic.message).toContain('sends no traces');
    expect(diagnostic.fix.text).toContain(
      'helm install istio-ingressgateway istio/gateway -n istio-ingress',
    );
    expect(parse(diagnostic.fix.yaml!)).toEqual({
      apiVersion: 'install.istio.io/v1alpha1',
      kind: 'IstioOperator',
      spec: {
        components: {
          ingressGateways: [
            {
              name: 'istio-ingressgateway',
              namespace: 'istio-ingress',
              enabled: true,
            },
          ],
        },
        values: {
          gateways: {
            'istio-ingressgateway': { injectionTemplate: 'gateway' },
          },
        },
      },
    });
  });
});
