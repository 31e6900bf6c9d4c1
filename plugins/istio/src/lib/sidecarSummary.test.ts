import { formatDateTime } from './measuredSaving';
import type {
  IstioProxyMemory,
  IstioSavingEstimate,
  IstioSidecarMemoryResponse,
} from '@istio-backstage/plugin-istio-common';
import {
  describeEstimatedSaving,
  describeMeasuredSaving,
  describeProxyMemory,
} from './sidecarSummary';

type Item = IstioSidecarMemoryResponse['items'][number];

const MI = 1024 * 1024;

function proxy(
  pod: string,
  proxyKind: IstioProxyMemory['proxyKind'],
  memoryNowBytes?: number,
): IstioProxyMemory {
  return {
    cluster: 'demo',
    namespace: 'shop',
    pod,
    proxyKind,
    ...(memoryNowBytes === undefined ? {} : { memoryNowBytes }),
  };
}

function item(overrides: Partial<Item>): Item {
  return {
    cluster: 'demo',
    namespace: 'shop',
    windowDays: 7,
    proxies: [],
    sidecarsInForce: [],
    warnings: [],
    errors: [],
    ...overrides,
  };
}

const recommendation: Item['recommendation'] = {
  cluster: 'demo',
  namespace: 'shop',
  scope: 'namespace',
  yaml: 'kind: Sidecar\n',
  objects: [{ name: 'default', hosts: ['./*'] }],
  egress: [],
};

function estimate(
  perPodBytes: number | undefined,
  totalBytes: number | undefined,
): IstioSavingEstimate {
  return {
    ...(perPodBytes === undefined ? {} : { perPodBytes }),
    ...(totalBytes === undefined ? {} : { totalBytes }),
    method: perPodBytes === undefined ? 'unknown' : 'fitted',
    confidence: perPodBytes === undefined ? 'low' : 'high',
    explanation:
      perPodBytes === undefined ? 'Envoy cluster counts are unknown.' : 'Fit.',
  };
}

describe('describeProxyMemory', () => {
  it.each<[string, Item[], string]>([
    [
      'one pod',
      [item({ proxies: [proxy('a', 'sidecar', 223 * MI)] })],
      '223 MiB (1 pod)',
    ],
    [
      'several pods, ambient and out-of-mesh pods left out',
      [
        item({
          proxies: [
            proxy('a', 'sidecar', 200 * MI),
            proxy('b', 'native-sidecar', 240 * MI),
            proxy('c', 'ambient'),
            proxy('d', 'none'),
          ],
        }),
      ],
      '220 MiB per pod on average, 200 MiB–240 MiB across 2 pods',
    ],
    [
      'a pod without a figure',
      [
        item({
          proxies: [proxy('a', 'sidecar', 200 * MI), proxy('b', 'sidecar')],
        }),
      ],
      '200 MiB (1 pod); unknown for 1 more',
    ],
    [
      'metrics.k8s.io down',
      [
        item({
          proxies: [proxy('a', 'sidecar')],
          warnings: [
            {
              code: 'metrics-unavailable',
              message: 'metrics.k8s.io could not be read.',
            },
          ],
        }),
      ],
      'unknown — metrics.k8s.io could not be read.',
    ],
    [
      'no Envoy at all',
      [item({ proxies: [proxy('a', 'ambient')] })],
      'no istio-proxy containers (no sidecars)',
    ],
  ])('%s', (_, items, text) => {
    expect(describeProxyMemory(items)).toBe(text);
  });
});

describe('describeEstimatedSaving', () => {
  it.each<[string, Item[], string]>([
    [
      'one namespace',
      [item({ recommendation, estimate: estimate(180 * MI, 360 * MI) })],
      '180 MiB per pod, 360 MiB in total (fitted, confidence high)',
    ],
    [
      'two namespaces add up',
      [
        item({ recommendation, estimate: estimate(100 * MI, 200 * MI) }),
        item({
          namespace: 'eu',
          recommendation,
          estimate: estimate(150 * MI, 150 * MI),
        }),
      ],
      '100 MiB–150 MiB per pod, 350 MiB in total (fitted, confidence high)',
    ],
    [
      'a namespace without an estimate leaves the total unknown',
      [
        item({ recommendation, estimate: estimate(100 * MI, 200 * MI) }),
        item({ namespace: 'eu', recommendation }),
      ],
      '100 MiB per pod, unknown in total (fitted, confidence high)',
    ],
    [
      'an estimate without figures',
      [item({ recommendation, estimate: estimate(undefined, undefined) })],
      'unknown — Envoy cluster counts are unknown.',
    ],
    [
      'no recommendation, with the reason',
      [
        item({
          warnings: [
            {
              code: 'ambient-namespace',
              message: 'Namespace shop uses ambient mode.',
            },
          ],
        }),
      ],
      'no Sidecar recommended — Namespace shop uses ambient mode.',
    ],
  ])('%s', (_, items, text) => {
    expect(describeEstimatedSaving(items)).toBe(text);
  });
});

describe('describeMeasuredSaving', () => {
  const applied = {
    appliedAt: '2026-01-10T10:00:00.000Z',
    appliedBy: 'user:default/guest',
  };
  it.each<[string, Item[], string]>([
    ['nothing applied', [item({})], 'no Sidecar applied through Backstage yet'],
    [
      'measured',
      [
        item({
          measured: {
            ...applied,
            beforeBytes: 327 * MI,
            afterBytes: 60 * MI,
            outcome: 'saving',
            explanation: '',
          },
        }),
      ],
      '267 MiB per pod (327 MiB → 60.0 MiB per pod)',
    ],
    [
      'not measured yet',
      [
        item({
          measured: {
            ...applied,
            beforeBytes: 327 * MI,
            outcome: 'settling',
            explanation: '',
          },
        }),
      ],
      `applied ${formatDateTime(
        applied.appliedAt,
      )} (327 MiB per pod before); after not measured yet`,
    ],
    [
      'memory rose: said, never a negative saving',
      [
        item({
          measured: {
            ...applied,
            beforeBytes: 60 * MI,
            afterBytes: 70 * MI,
            outcome: 'memory-rose',
            explanation: 'Memory rose 10.0 MiB since the Sidecar was applied',
          },
        }),
      ],
      'no saving claimed: Memory rose 10.0 MiB since the Sidecar was applied',
    ],
    [
      'pods replaced: a lower reading is not claimed as a saving',
      [
        item({
          measured: {
            ...applied,
            beforeBytes: 327 * MI,
            afterBytes: 60 * MI,
            outcome: 'pods-replaced',
            explanation: 'The pods measured before were replaced',
          },
        }),
      ],
      'no saving claimed: The pods measured before were replaced',
    ],
  ])('%s', (_, items, text) => {
    expect(describeMeasuredSaving(items)).toBe(text);
  });
});
