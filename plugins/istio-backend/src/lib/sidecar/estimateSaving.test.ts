import type { MemorySample } from './types';
import {
  DEFAULT_BYTES_PER_CLUSTER,
  estimateSaving,
  fitMemoryPerCluster,
} from './estimateSaving';

const KIB = 1024;
const MIB = 1024 * 1024;

/** Deterministic PRNG (mulberry32) and a normal deviate (Box–Muller). */
function prng(start: number): () => number {
  let a = start >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function synthetic(args: {
  n: number;
  slopeBytes: number;
  noiseBytes: number;
  minClusters: number;
  maxClusters: number;
  randomStart?: number;
}): MemorySample[] {
  const random = prng(args.randomStart ?? 1);
  const normal = () =>
    Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Array.from({ length: args.n }, () => {
    const clusters = Math.round(
      args.minClusters + random() * (args.maxClusters - args.minClusters),
    );
    return {
      activeClusters: clusters,
      memoryBytes: Math.max(
        0,
        Math.round(
          40 * MIB + args.slopeBytes * clusters + normal() * args.noiseBytes,
        ),
      ),
    };
  });
}

describe('fitMemoryPerCluster', () => {
  it('fits an exact line', () => {
    const samples = [10, 20, 30, 40].map(c => ({
      activeClusters: c,
      memoryBytes: 1000 + 5 * c,
    }));
    expect(fitMemoryPerCluster(samples)).toMatchObject({
      n: 4,
      slope: 5,
      intercept: 1000,
      r2: 1,
      minX: 10,
      maxX: 40,
    });
  });

  it('ignores non-finite and negative samples', () => {
    expect(
      fitMemoryPerCluster([
        { activeClusters: NaN, memoryBytes: 1 },
        { activeClusters: 1, memoryBytes: Infinity },
        { activeClusters: -1, memoryBytes: 5 },
      ]),
    ).toBeUndefined();
  });
});

describe('estimateSaving', () => {
  it.each([
    // [slope KiB/cluster, samples, noise MiB, expected confidence]
    [100, 60, 4, 'high'],
    [150, 200, 10, 'high'],
    [80, 15, 3, 'medium'],
  ])(
    'recovers a slope of %s KiB/cluster within 5%% from %s noisy proxies',
    (slopeKiB, n, noiseMiB, confidence) => {
      const samples = synthetic({
        n,
        slopeBytes: slopeKiB * KIB,
        noiseBytes: noiseMiB * MIB,
        minClusters: 60,
        maxClusters: 1800,
      });
      const estimate = estimateSaving({
        memory: samples,
        clustersBefore: 1765,
        clustersAfter: 24,
        pods: 6,
      });
      expect(estimate.method).toBe('fitted');
      expect(estimate.confidence).toBe(confidence);
      expect(
        Math.abs(estimate.bytesPerCluster! / (slopeKiB * KIB) - 1),
      ).toBeLessThan(0.05);
      expect(estimate.perPodBytes).toBe(
        Math.round(estimate.bytesPerCluster! * (1765 - 24)),
      );
      expect(estimate.totalBytes).toBe(estimate.perPodBytes! * 6);
      expect(estimate.explanation).toMatch(
        /KiB per Envoy cluster \(n=\d+, R² [01]\.\d\d/,
      );
    },
  );

  const base = { clustersBefore: 1765, clustersAfter: 24, pods: 6 };
  it.each([
    [
      'too few samples',
      synthetic({
        n: 5,
        slopeBytes: 100 * KIB,
        noiseBytes: MIB,
        minClusters: 60,
        maxClusters: 1800,
      }),
      /only 5 proxy samples/,
    ],
    ['no samples', [], /only 0 proxy samples/],
    [
      'no spread in cluster counts',
      synthetic({
        n: 50,
        slopeBytes: 100 * KIB,
        noiseBytes: MIB,
        minClusters: 1000,
        maxClusters: 1100,
      }),
      /barely differ/,
    ],
    [
      'a poor fit',
      synthetic({
        n: 50,
        slopeBytes: 20 * KIB,
        noiseBytes: 80 * MIB,
        minClusters: 60,
        maxClusters: 1800,
      }),
      /poor \(R² 0\.\d\d < 0\.6\)/,
    ],
    [
      'a negative slope',
      synthetic({
        n: 50,
        slopeBytes: -50 * KIB,
        noiseBytes: MIB,
        minClusters: 60,
        maxClusters: 800,
      }),
      /non-positive slope/,
    ],
  ])('falls back to 118 KiB per cluster on %s', (_, samples, why) => {
    const estimate = estimateSaving({ memory: samples, ...base });
    expect(estimate).toMatchObject({
      method: 'default-per-cluster',
      confidence: 'low',
      bytesPerCluster: DEFAULT_BYTES_PER_CLUSTER,
      perPodBytes: 118 * KIB * (1765 - 24),
      totalBytes: 118 * KIB * (1765 - 24) * 6,
    });
    expect(estimate.explanation).toMatch(why);
    expect(estimate.explanation).toContain("Istio's estimate of ~118.0 KiB");
  });

  it('never reports a negative saving', () => {
    const estimate = estimateSaving({
      memory: [],
      clustersBefore: 19,
      clustersAfter: 24,
      pods: 3,
    });
    expect(estimate.perPodBytes).toBe(0);
    expect(estimate.totalBytes).toBe(0);
  });

  it('says unknown when cluster counts are not numbers', () => {
    expect(
      estimateSaving({
        memory: [],
        clustersBefore: NaN,
        clustersAfter: 1,
        pods: 1,
      }),
    ).toMatchObject({ method: 'unknown', confidence: 'low' });
  });
});
