import type { V1Pod } from '@kubernetes/client-node';
import { isSidecarProxy, proxyKindOf } from '../../lib/mesh/dataPlane';
import type { WorkloadInfo } from '../../lib/sidecar/types';

/** The workload a pod belongs to: its ReplicaSet's Deployment, else its `app` label, else itself. */
export function workloadNameOf(pod: V1Pod): string {
  const owner =
    pod.metadata?.ownerReferences?.find(o => o.controller) ??
    pod.metadata?.ownerReferences?.[0];
  const hash = pod.metadata?.labels?.['pod-template-hash'];
  if (owner?.kind === 'ReplicaSet' && hash && owner.name.endsWith(`-${hash}`)) {
    return owner.name.slice(0, -(hash.length + 1));
  }
  if (owner) return owner.name;
  return pod.metadata?.labels?.app ?? pod.metadata?.name ?? 'unknown';
}

/** A pod's labels without `pod-template-hash` (it changes with every rollout). */
function stableLabelsOf(pod: V1Pod): Record<string, string> {
  const { ['pod-template-hash']: _hash, ...labels } =
    pod.metadata?.labels ?? {};
  return labels;
}

function sameLabels(
  a: Record<string, string>,
  b: Record<string, string>,
): boolean {
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length && keys.every(k => a[k] === b[k])
  );
}

/**
 * Groups pods into workloads (per namespace), with their labels and proxy kind. A
 * workload's `labels` are its first pod's; when its pods' labels differ (mid-rollout,
 * or a pod relabelled by hand), `podLabels` holds each pod's, so that a selector can be
 * checked against every pod.
 */
export function toWorkloads(pods: V1Pod[]): WorkloadInfo[] {
  const byKey = new Map<string, WorkloadInfo>();
  const labelsByKey = new Map<string, Array<Record<string, string>>>();
  for (const pod of pods) {
    const namespace = pod.metadata?.namespace ?? '';
    const name = workloadNameOf(pod);
    const key = `${namespace}/${name}`;
    const labels = stableLabelsOf(pod);
    const existing = byKey.get(key);
    if (existing) {
      existing.pods.push(pod.metadata?.name ?? '');
      labelsByKey.get(key)!.push(labels);
      continue;
    }
    const proxy = proxyKindOf(pod);
    byKey.set(key, {
      namespace,
      name,
      labels,
      pods: [pod.metadata?.name ?? ''],
      hasSidecar: isSidecarProxy(proxy),
      isGateway: proxy === 'gateway',
    });
    labelsByKey.set(key, [labels]);
  }
  for (const [key, workload] of byKey) {
    const podLabels = labelsByKey.get(key)!;
    if (podLabels.some(l => !sameLabels(l, workload.labels))) {
      workload.podLabels = podLabels;
    }
  }
  return [...byKey.values()];
}
