import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Fail the template when the Istio release does not support the cluster',
    example: yaml.stringify({
      steps: [
        {
          id: 'version',
          action: 'istio:version:check',
          name: 'Check Istio against Kubernetes',
          input: { istioVersion: '1.11.7', kubernetesVersion: 'v1.18.20' },
        },
      ],
    }),
  },
  {
    description:
      'Only report the verdict, for example to show it in the output',
    example: yaml.stringify({
      steps: [
        {
          id: 'version',
          action: 'istio:version:check',
          name: 'Check Istio against Kubernetes',
          input: {
            istioVersion: '1.30.1',
            kubernetesVersion: 'v1.37.0',
            failIfUnsupported: false,
          },
        },
      ],
    }),
  },
  {
    description:
      'Read the Kubernetes version from a configured cluster (and the Istio version its istiod runs)',
    example: yaml.stringify({
      steps: [
        {
          id: 'version',
          action: 'istio:version:check',
          name: 'Check Istio against the cluster',
          input: { istioVersion: '1.30.1', cluster: 'demo' },
        },
      ],
    }),
  },
];
