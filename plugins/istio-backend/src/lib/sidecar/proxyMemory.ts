import type { IstioProxyMemory } from '@istio-backstage/plugin-istio-common';
import { isSidecarProxy } from '../mesh/dataPlane';

/**
 * The mean current memory of the sidecar proxies (classic or native) that have a
 * reading, and how many they are; undefined when none has. Gateways and ambient pods
 * are left out: a Sidecar resource does not configure them.
 */
export function meanSidecarMemory(
  proxies: readonly IstioProxyMemory[],
): { bytes: number; pods: number } | undefined {
  let total = 0;
  let pods = 0;
  for (const p of proxies) {
    if (p.memoryNowBytes === undefined || !isSidecarProxy(p.proxyKind))
      continue;
    total += p.memoryNowBytes;
    pods += 1;
  }
  return pods > 0 ? { bytes: total / pods, pods } : undefined;
}
