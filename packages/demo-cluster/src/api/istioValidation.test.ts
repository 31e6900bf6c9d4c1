import type { KubeObject } from '../store/types';
import { istioValidationProblems } from './istioValidation';

const telemetry = (spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'telemetry.istio.io/v1',
  kind: 'Telemetry',
  metadata: { name: 't', namespace: 'istio-demo' },
  spec,
});

describe('istioValidationProblems for Telemetry', () => {
  it.each([
    [
      {
        tracing: [
          { providers: [{ name: 'jaeger' }], randomSamplingPercentage: 10 },
        ],
      },
    ],
    [
      {
        selector: { matchLabels: { app: 'reviews' } },
        tracing: [{ providers: [{ name: 'otel' }] }],
      },
    ],
    [{ targetRefs: [{ kind: 'Service', group: '', name: 'productpage' }] }],
    [
      {
        targetRefs: [
          {
            kind: 'Gateway',
            group: 'gateway.networking.k8s.io',
            name: 'public',
          },
        ],
      },
    ],
    [
      {
        targetRef: {
          kind: 'ServiceEntry',
          group: 'networking.istio.io',
          name: 'api',
        },
      },
    ],
  ])('accepts %j', spec => {
    expect(istioValidationProblems(telemetry(spec), 'istio-system')).toEqual(
      [],
    );
  });

  it.each([
    [
      {
        selector: { matchLabels: { app: 'reviews' } },
        targetRefs: [{ kind: 'Service', name: 'reviews' }],
      },
      'only one of targetRefs or workloadSelector can be set',
    ],
    [
      { targetRefs: [{ kind: 'Deployment', group: 'apps', name: 'x' }] },
      'targetRef must be to one of',
    ],
    [{ targetRefs: [{ kind: 'Service' }] }, 'targetRef name must be set'],
    [
      { targetRefs: [{ kind: 'Service', name: 'x', namespace: 'other' }] },
      'targetRef namespace must not be set',
    ],
    [
      { tracing: [{ randomSamplingPercentage: 150 }] },
      'randomSamplingPercentage must be in range [0.0, 100.0]',
    ],
    [
      { tracing: [{ providers: [{ name: '' }] }] },
      'providers.name may not be empty',
    ],
    [
      { accessLogging: [{ providers: [{}] }] },
      'providers.name may not be empty',
    ],
  ])('refuses %j', (spec, problem) => {
    expect(
      istioValidationProblems(telemetry(spec), 'istio-system').join('; '),
    ).toContain(problem);
  });
});

describe('istioValidationProblems for Sidecar', () => {
  it('keeps the Sidecar checks', () => {
    const sidecar: KubeObject = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Sidecar',
      metadata: { name: 'default', namespace: 'istio-system' },
      spec: {
        workloadSelector: { labels: { app: 'x' } },
        egress: [{ hosts: ['*'] }],
      },
    };
    expect(istioValidationProblems(sidecar, 'istio-system')).toEqual([
      'sidecar: host must be of form namespace/dnsName: *',
      'sidecar: a Sidecar in the root namespace must not have a workloadSelector',
    ]);
  });
});
