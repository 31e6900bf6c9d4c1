import type { IstioProxyMemory } from '@istio-backstage/plugin-istio-common';
import { isSidecarProxy } from '../mesh/dataPlane';

/**
 * The mean current memory of the sidecar proxies (classic or native) that have a
 * reading, how many they are and which pods; undefined when none has. Gateways and
 * ambient pods are left out: a Sidecar resource does not configure them.
 */
export function meanSidecarMemory(
  proxies: readonly IstioProxyMemory[],
): { bytes: number; pods: number; podNames: string[] } | undefined {
  let total = 0;
  const podNames: string[] = [];
  for (const p of proxies) {
    if (p.memoryNowBytes === undefined || !isSidecarProxy(p.proxyKind))
      continue;
    total += p.memoryNowBytes;
    podNames.push(p.pod);
  }
  const pods = podNames.length;
  return pods > 0 ? { bytes: total / pods, pods, podNames } : undefined;
}
