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

/** Groups pods into workloads (per namespace), with their labels and proxy kind. */
export function toWorkloads(pods: V1Pod[]): WorkloadInfo[] {
  const byKey = new Map<string, WorkloadInfo>();
  for (const pod of pods) {
    const namespace = pod.metadata?.namespace ?? '';
    const name = workloadNameOf(pod);
    const key = `${namespace}/${name}`;
    const existing = byKey.get(key);
    if (existing) {
      existing.pods.push(pod.metadata?.name ?? '');
      continue;
    }
    const { ['pod-template-hash']: _hash, ...labels } =
      pod.metadata?.labels ?? {};
    const proxy = proxyKindOf(pod);
    byKey.set(key, {
      namespace,
      name,
      labels,
      pods: [pod.metadata?.name ?? ''],
      hasSidecar: isSidecarProxy(proxy),
      isGateway: proxy === 'gateway',
    });
  }
  return [...byKey.values()];
}
