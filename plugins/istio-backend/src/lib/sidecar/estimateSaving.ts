import type { IstioSavingEstimate, MemorySample } from './types';

/**
 * Istio maintainers' estimate of Envoy memory per cluster: ~118 KB (783 clusters ≈ 95 MB),
 * taken as 118 KiB.
 */
export const DEFAULT_BYTES_PER_CLUSTER = 118 * 1024;

/** Fewest proxies a fit is trusted with. */
export const MIN_FIT_SAMPLES = 10;
/** Fit quality (R²) below which the slope is not used. */
export const MIN_FIT_R2 = 0.6;
/** Fit quality (R²) needed for high confidence. */
export const HIGH_CONFIDENCE_R2 = 0.9;
/** Samples needed for high confidence. */
export const HIGH_CONFIDENCE_SAMPLES = 30;

/** Ordinary least squares of y on x. */
export interface LinearFit {
  n: number;
  slope: number;
  intercept: number;
  /** Coefficient of determination; 0 when y does not vary. */
  r2: number;
  /** Of x: mean, population standard deviation, range. */
  meanX: number;
  stddevX: number;
  minX: number;
  maxX: number;
}

/**
 * What a least-squares fit needs of the pairs (x = active clusters, y = memory bytes):
 * so Prometheus can sum over 10,000 proxies and answer with eight numbers.
 */
export interface MemoryFitSums {
  n: number;
  sumX: number;
  sumY: number;
  sumXX: number;
  sumXY: number;
  sumYY: number;
  minX: number;
  maxX: number;
}

/** The sums of samples; samples with non-finite or negative values are ignored. */
export function sumSamples(samples: readonly MemorySample[]): MemoryFitSums {
  const sums: MemoryFitSums = {
    n: 0,
    sumX: 0,
    sumY: 0,
    sumXX: 0,
    sumXY: 0,
    sumYY: 0,
    minX: Infinity,
    maxX: -Infinity,
  };
  for (const { activeClusters: x, memoryBytes: y } of samples) {
    if (!Number.isFinite(x) || !Number.isFinite(y) || x < 0 || y < 0) continue;
    sums.n++;
    sums.sumX += x;
    sums.sumY += y;
    sums.sumXX += x * x;
    sums.sumXY += x * y;
    sums.sumYY += y * y;
    sums.minX = Math.min(sums.minX, x);
    sums.maxX = Math.max(sums.maxX, x);
  }
  return sums;
}

/**
 * Fits `memoryBytes = intercept + slope × activeClusters` by ordinary least squares,
 * from samples or from their sums. `undefined` with no samples.
 */
export function fitMemoryPerCluster(
  input: readonly MemorySample[] | MemoryFitSums,
): LinearFit | undefined {
  const sums = Array.isArray(input)
    ? sumSamples(input)
    : (input as MemoryFitSums);
  const { n } = sums;
  if (!(n > 0)) return undefined;
  const meanX = sums.sumX / n;
  const meanY = sums.sumY / n;
  // Centred from raw sums; rounding can leave a tiny negative, which is zero.
  const sxx = Math.max(0, sums.sumXX - n * meanX * meanX);
  const syy = Math.max(0, sums.sumYY - n * meanY * meanY);
  const sxy = sums.sumXY - n * meanX * meanY;
  const slope = sxx > 0 ? sxy / sxx : NaN;
  const intercept = meanY - slope * meanX;
  let r2 = 0;
  if (sxx > 0 && syy > 0) r2 = Math.min(1, (sxy * sxy) / (sxx * syy));
  return {
    n,
    slope,
    intercept,
    r2,
    meanX,
    stddevX: Math.sqrt(sxx / n),
    minX: sums.minX,
    maxX: sums.maxX,
  };
}

/** Whether the proxies' cluster counts vary enough for a slope to mean anything. */
function spreadEnough(fit: LinearFit): boolean {
  if (fit.minX > 0 && fit.maxX / fit.minX >= 2) return true;
  return fit.meanX > 0 && fit.stddevX / fit.meanX >= 0.25;
}

const KIB = 1024;
const MIB = 1024 * 1024;

function kib(bytes: number): string {
  return `${(bytes / KIB).toFixed(1)} KiB`;
}

/** `41.0 MiB`: how answers write memory. */
export function mib(bytes: number): string {
  return `${(bytes / MIB).toFixed(1)} MiB`;
}

/** Why a fit was not used, or `undefined` when it can be. */
function rejectFit(fit: LinearFit | undefined): string | undefined {
  if (!fit || fit.n < MIN_FIT_SAMPLES) {
    return `only ${fit?.n ?? 0} proxy sample${
      fit?.n === 1 ? '' : 's'
    } with memory and active clusters (at least ${MIN_FIT_SAMPLES} needed)`;
  }
  if (!spreadEnough(fit)) {
    return `the ${fit.n} proxies' cluster counts barely differ (${fit.minX}–${
      fit.maxX
    }, stddev/mean ${(fit.meanX > 0 ? fit.stddevX / fit.meanX : 0).toFixed(
      2,
    )}), so memory cannot be attributed to clusters`;
  }
  if (!Number.isFinite(fit.slope) || fit.slope <= 0) {
    return `the fit over ${fit.n} proxies gave a non-positive slope (${kib(
      Number.isFinite(fit.slope) ? fit.slope : 0,
    )} per cluster)`;
  }
  if (fit.r2 < MIN_FIT_R2) {
    return `the fit over ${fit.n} proxies is poor (R² ${fit.r2.toFixed(
      2,
    )} < ${MIN_FIT_R2})`;
  }
  return undefined;
}

/**
 * Estimates the memory a Sidecar saves from the Envoy clusters it removes.
 *
 * Data first: memory is regressed on active clusters across the mesh's proxies (ordinary
 * least squares), and the slope is used when there are ≥ 10 samples, the cluster counts
 * spread (max/min ≥ 2 or stddev/mean ≥ 0.25), R² ≥ 0.6 and the slope is positive;
 * confidence is high with R² ≥ 0.9 and ≥ 30 samples, else medium. Otherwise Istio's
 * ~118 KiB per cluster is used with low confidence, and the explanation says why.
 *
 * `perPodBytes = bytesPerCluster × (clustersBefore − clustersAfter)`, never negative;
 * `totalBytes = perPodBytes × pods`.
 */
export function estimateSaving(args: {
  /** The mesh's proxies, as samples or as their sums ({@link MemoryFitSums}). */
  memory: readonly MemorySample[] | MemoryFitSums;
  clustersBefore: number;
  clustersAfter: number;
  pods: number;
}): IstioSavingEstimate {
  const { clustersBefore, clustersAfter } = args;
  const pods = Number.isFinite(args.pods) ? Math.max(0, args.pods) : 0;
  if (!Number.isFinite(clustersBefore) || !Number.isFinite(clustersAfter)) {
    return {
      method: 'unknown',
      confidence: 'low',
      explanation:
        'The Envoy cluster counts before and after are unknown, so no saving can be estimated.',
    };
  }
  const removed = Math.max(0, clustersBefore - clustersAfter);
  const fit = fitMemoryPerCluster(args.memory);
  const rejected = rejectFit(fit);

  const bytesPerCluster =
    rejected || !fit ? DEFAULT_BYTES_PER_CLUSTER : fit.slope;
  const perPodBytes = Math.round(bytesPerCluster * removed);
  const totalBytes = perPodBytes * pods;
  const saving = `${clustersBefore} → ${clustersAfter} clusters per proxy saves ~${mib(
    perPodBytes,
  )} per pod, ~${mib(totalBytes)} over ${pods} pod${pods === 1 ? '' : 's'}`;

  if (rejected || !fit) {
    return {
      perPodBytes,
      totalBytes,
      method: 'default-per-cluster',
      bytesPerCluster,
      confidence: 'low',
      explanation: `Using Istio's estimate of ~${kib(
        DEFAULT_BYTES_PER_CLUSTER,
      )} per Envoy cluster because ${rejected}: ${saving}.`,
    };
  }
  const confidence =
    fit.r2 >= HIGH_CONFIDENCE_R2 && fit.n >= HIGH_CONFIDENCE_SAMPLES
      ? 'high'
      : 'medium';
  return {
    perPodBytes,
    totalBytes,
    method: 'fitted',
    bytesPerCluster,
    confidence,
    explanation: `Fitted on this mesh's proxies: ${kib(
      fit.slope,
    )} per Envoy cluster (n=${fit.n}, R² ${fit.r2.toFixed(2)}, clusters ${
      fit.minX
    }–${fit.maxX}): ${saving}.`,
  };
}
