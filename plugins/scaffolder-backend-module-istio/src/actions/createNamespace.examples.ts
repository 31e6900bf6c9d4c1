import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'A sidecar-injected namespace with strict mTLS, 10% trace sampling and the default Sidecar',
    example: yaml.stringify({
      steps: [
        {
          id: 'namespace',
          action: 'istio:namespace:create',
          name: 'Create the mesh namespace',
          input: {
            cluster: 'demo',
            namespace: 'orders',
            owner: 'group:default/platform-team',
            tracingSampling: 10,
            mtls: 'STRICT',
          },
        },
      ],
    }),
  },
  {
    description:
      'An ambient namespace (no sidecars, so no Sidecar resource) with permissive mTLS',
    example: yaml.stringify({
      steps: [
        {
          id: 'namespace',
          action: 'istio:namespace:create',
          name: 'Create the ambient namespace',
          input: {
            cluster: 'demo',
            namespace: 'reviews-ambient',
            dataPlaneMode: 'ambient',
            mtls: 'PERMISSIVE',
          },
        },
      ],
    }),
  },
  {
    description:
      'A namespace injected by a revisioned control plane, whose Sidecar also reaches the tracing collector',
    example: yaml.stringify({
      steps: [
        {
          id: 'namespace',
          action: 'istio:namespace:create',
          name: 'Create the canary namespace',
          input: {
            cluster: 'demo',
            namespace: 'checkout-canary',
            revision: 'canary',
            extraEgressHosts: [
              'observability/jaeger-collector.observability.svc.cluster.local',
            ],
          },
        },
      ],
    }),
  },
];
