import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      "Apply the recommended Sidecar for bookinfo's productpage (the user running the task must own the entity)",
    example: yaml.stringify({
      steps: [
        {
          id: 'sidecar',
          action: 'istio:sidecar:apply',
          name: 'Scope the Envoy sidecars of productpage',
          input: {
            entityRef: 'component:default/productpage',
            cluster: 'demo',
            namespace: 'istio-demo',
          },
        },
      ],
    }),
  },
  {
    description:
      'Only show what would change, with an extra egress host the recommendation does not know yet',
    example: yaml.stringify({
      steps: [
        {
          id: 'sidecar',
          action: 'istio:sidecar:apply',
          name: 'Preview the Sidecar for reviews',
          input: {
            entityRef: 'component:default/reviews',
            cluster: 'demo',
            namespace: 'istio-demo',
            extraHosts: [
              'observability/jaeger-collector.observability.svc.cluster.local',
            ],
            dryRun: true,
          },
        },
      ],
    }),
  },
];
