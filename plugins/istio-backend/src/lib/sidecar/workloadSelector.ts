import type { WorkloadInfo } from './types';
import { shortHash } from './format';

/** Pod labels that change with every rollout or pod: never put them in a selector. */
const UNSTABLE_LABELS = new Set([
  'pod-template-hash',
  'controller-revision-hash',
  'pod-template-generation',
  'statefulset.kubernetes.io/pod-name',
  'apps.kubernetes.io/pod-index',
]);

/**
 * A DNS-1123 label (lower-case alphanumerics and `-`, alphanumeric at both ends, ≤ 63
 * characters) made from a workload name. Longer names keep a prefix and gain a hash of
 * the full name, so two long names stay distinct.
 */
export function sidecarObjectName(workload: string): string {
  const cleaned = workload
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+/, '')
    .replace(/-+$/, '');
  const name = cleaned || 'sidecar';
  if (name.length <= 63) return name;
  return `${name.slice(0, 54).replace(/-+$/, '')}-${shortHash(workload)}`;
}

/** A workload's labels without the per-rollout ones, keys sorted. */
export function stableLabels(
  labels: Record<string, string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(labels).sort()) {
    if (!UNSTABLE_LABELS.has(key)) out[key] = labels[key];
  }
  return out;
}

/**
 * Chooses `workloadSelector.labels` for workloads of one namespace: a workload's `app`
 * and `version` labels when it has `app` (Istio's convention, stable across rollouts);
 * else — or when those labels would also select another workload of the namespace
 * (gateways aside: Sidecars ignore them) — all its labels minus per-rollout hashes.
 * Counts workloads per `app` and per `app`+`version` once, so each choice is O(1).
 */
export function selectorChooser(
  namespaceWorkloads: readonly WorkloadInfo[],
): (workload: WorkloadInfo) => Record<string, string> {
  const perApp = new Map<string, number>();
  const perAppVersion = new Map<string, number>();
  const counted = new Set<string>();
  for (const w of namespaceWorkloads) {
    const { app, version } = w.labels;
    if (w.isGateway || app === undefined || counted.has(w.name)) continue;
    counted.add(w.name);
    perApp.set(app, (perApp.get(app) ?? 0) + 1);
    if (version !== undefined) {
      const key = `${app}\u0000${version}`;
      perAppVersion.set(key, (perAppVersion.get(key) ?? 0) + 1);
    }
  }
  return workload => {
    const { app, version } = workload.labels;
    if (app === undefined) return stableLabels(workload.labels);
    const self = counted.has(workload.name) ? 1 : 0;
    // `{app}` alone matches every version of the app; `{app, version}` only that one.
    const matching =
      version === undefined
        ? perApp.get(app) ?? 0
        : perAppVersion.get(`${app}\u0000${version}`) ?? 0;
    if (matching - self > 0) return stableLabels(workload.labels);
    return version === undefined ? { app } : { app, version };
  };
}

/** {@link selectorChooser} for a single workload. */
export function workloadSelectorFor(
  workload: WorkloadInfo,
  namespaceWorkloads: readonly WorkloadInfo[],
): Record<string, string> {
  return selectorChooser(namespaceWorkloads)(workload);
}
