import type {
  IstioProxyMemory,
  IstioSidecarMemoryResponse,
} from '@istio-backstage/plugin-istio-common';
import { formatBytes } from './format';
import {
  formatDateTime,
  measuredSavingBytes,
  whyNoSaving,
} from './measuredSaving';

type Item = IstioSidecarMemoryResponse['items'][number];

/** Pods that run an istio-proxy container (ambient and out-of-mesh pods have none). */
function hasEnvoy(proxy: IstioProxyMemory): boolean {
  return proxy.proxyKind !== 'ambient' && proxy.proxyKind !== 'none';
}

/** `210–236 MiB`, or one figure when both ends format alike. */
function range(values: number[]): string {
  const low = formatBytes(Math.min(...values));
  const high = formatBytes(Math.max(...values));
  return low === high ? low : `${low}–${high}`;
}

/**
 * istio-proxy memory per pod now, in one sentence: the figure for one pod, the average and
 * range for several, and how many pods have no figure (with the backend's reason).
 */
export function describeProxyMemory(items: Item[]): string {
  const proxies = items.flatMap(i => i.proxies).filter(hasEnvoy);
  if (proxies.length === 0) return 'no istio-proxy containers (no sidecars)';
  const known = proxies
    .map(p => p.memoryNowBytes)
    .filter((b): b is number => b !== undefined);
  const missing = proxies.length - known.length;
  if (known.length === 0) {
    const reason = items
      .flatMap(i => i.warnings)
      .find(w => w.code === 'metrics-unavailable')?.message;
    return `unknown${
      reason ? ` — ${reason}` : ' — metrics.k8s.io gave no figure'
    }`;
  }
  const average = known.reduce((n, b) => n + b, 0) / known.length;
  const figure =
    known.length === 1
      ? `${formatBytes(known[0])} (1 pod)`
      : `${formatBytes(average)} per pod on average, ${range(known)} across ${
          known.length
        } pods`;
  return missing > 0 ? `${figure}; unknown for ${missing} more` : figure;
}

/** Warnings that explain why a namespace has no recommendation at all. */
const NO_RECOMMENDATION = new Set([
  'ambient-namespace',
  'gateway',
  'not-in-mesh',
  'no-workloads',
]);

/**
 * The recommendation's estimated saving per pod and in total, or why there is none.
 * Totals are only added up when every namespace has one.
 */
export function describeEstimatedSaving(items: Item[]): string {
  const recommended = items.filter(i => i.recommendation);
  if (recommended.length === 0) {
    const reason = items
      .flatMap(i => i.warnings)
      .find(w => NO_RECOMMENDATION.has(w.code) && !w.workload)?.message;
    return `no Sidecar recommended${reason ? ` — ${reason}` : ''}`;
  }
  const estimates = recommended.flatMap(i => (i.estimate ? [i.estimate] : []));
  const perPod = estimates
    .map(e => e.perPodBytes)
    .filter((b): b is number => b !== undefined);
  if (perPod.length === 0) {
    const explanation = estimates[0]?.explanation;
    return `unknown${
      explanation
        ? ` — ${explanation}`
        : ' — the proxies’ Envoy cluster counts could not be read'
    }`;
  }
  const totals = estimates.map(e => e.totalBytes);
  const total =
    estimates.length === recommended.length &&
    totals.every(t => t !== undefined)
      ? formatBytes(totals.reduce((n, t) => n + t!, 0))
      : 'unknown';
  const methods = [...new Set(estimates.map(e => e.method))];
  const confidences = [...new Set(estimates.map(e => e.confidence))];
  const how =
    methods.length === 1 && confidences.length === 1
      ? ` (${methods[0]}, confidence ${confidences[0]})`
      : '';
  return `${range(perPod)} per pod, ${total} in total${how}`;
}

/**
 * The saving measured after a Sidecar was applied through Backstage, per namespace where
 * one was; says when it is not measured yet or when none was applied.
 */
export function describeMeasuredSaving(items: Item[]): string {
  const measured = items.filter(i => i.measured);
  if (measured.length === 0) return 'no Sidecar applied through Backstage yet';
  return measured
    .map(({ namespace, measured: m }) => {
      const before = formatBytes(m!.beforeBytes);
      const where = items.length > 1 ? `${namespace}: ` : '';
      const saved = measuredSavingBytes(m!);
      if (saved !== undefined)
        return `${where}${formatBytes(
          saved,
        )} per pod (${before} → ${formatBytes(m!.afterBytes!)} per pod)`;
      if (m!.outcome === 'settling' || m!.afterBytes === undefined)
        return `${where}applied ${formatDateTime(
          m!.appliedAt,
        )} (${before} per pod before); after not measured yet`;
      // Only the same pods under the same Sidecar are compared: no saving otherwise.
      return `${where}no saving claimed: ${whyNoSaving(m!)}`;
    })
    .join('; ');
}
