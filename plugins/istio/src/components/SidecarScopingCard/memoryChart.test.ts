import type { IstioProxyMemory } from '@istio-backstage/plugin-istio-common';
import { englishT } from '../../__testUtils__/translation';
import { chartMaxBytes, measuredChart, podMemoryChart } from './memoryChart';

const t = englishT();

const MI = 1024 * 1024;

const pod = (name: string, memoryNowBytes?: number): IstioProxyMemory => ({
  cluster: 'demo',
  namespace: 'istio-demo',
  pod: name,
  proxyKind: 'native-sidecar',
  memoryNowBytes,
});

describe('podMemoryChart', () => {
  it('puts each pod now against now less the estimated saving', () => {
    const chart = podMemoryChart(
      t,
      [pod('reviews-v1-a', 200 * MI), pod('reviews-v2-b', 30 * MI)],
      50 * MI,
    );
    expect(chart.rows).toEqual([
      {
        name: 'reviews-v1-a',
        bars: [
          { series: 'primary', bytes: 200 * MI, label: 'now' },
          {
            series: 'secondary',
            bytes: 150 * MI,
            label: 'with Sidecar (estimate)',
          },
        ],
      },
      {
        name: 'reviews-v2-b',
        bars: [
          { series: 'primary', bytes: 30 * MI, label: 'now' },
          // Never below zero, whatever the estimate.
          {
            series: 'secondary',
            bytes: 0,
            label: 'with Sidecar (estimate)',
          },
        ],
      },
    ]);
    expect(chart.summary).toBe(
      'istio-proxy memory per pod. reviews-v1-a: 200 MiB now, 150 MiB with Sidecar (estimate); reviews-v2-b: 30.0 MiB now, 0 B with Sidecar (estimate).',
    );
    expect(chart.legend.map(l => l.series)).toEqual(['primary', 'secondary']);
    expect(chartMaxBytes(chart.rows)).toBe(200 * MI);
  });

  it('shows memory now alone without an estimate, and counts pods without a reading', () => {
    const chart = podMemoryChart(t, [pod('a', 10 * MI), pod('b')]);
    expect(chart.rows).toEqual([
      {
        name: 'a',
        bars: [{ series: 'primary', bytes: 10 * MI, label: 'now' }],
      },
    ]);
    expect(chart.legend).toHaveLength(1);
    expect(chart.summary).toBe(
      'istio-proxy memory per pod. a: 10.0 MiB now; 1 of 2 pods have no reading.',
    );
  });
});

describe('measuredChart', () => {
  const base = {
    appliedAt: '2026-11-25T10:00:00.000Z',
    appliedBy: 'user:default/guest',
    beforeBytes: 223 * MI,
    afterBytes: 41 * MI,
    explanation: '',
  };

  it('draws before and after for a saving', () => {
    expect(measuredChart(t, { ...base, outcome: 'saving' })).toEqual({
      rows: [
        {
          name: 'Per pod (average)',
          bars: [
            { series: 'primary', bytes: 223 * MI, label: 'before' },
            { series: 'secondary', bytes: 41 * MI, label: 'after' },
          ],
        },
      ],
      legend: [
        { series: 'primary', label: 'before the Sidecar' },
        { series: 'secondary', label: 'after (measured)' },
      ],
      summary:
        'istio-proxy memory before and after the Sidecar. Per pod (average): 223 MiB before, 41.0 MiB after: a measured saving of 182 MiB per pod.',
    });
  });

  it.each(['memory-rose', 'pods-replaced', 'settling'] as const)(
    'draws no comparison for %s',
    outcome => {
      expect(
        measuredChart(t, { ...base, afterBytes: 373 * MI, outcome }),
      ).toBeUndefined();
    },
  );
});
