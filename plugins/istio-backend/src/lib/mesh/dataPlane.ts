import {
  ISTIO_NAMESPACE_LABELS,
  type IstioProxyMemory,
} from '@istio-backstage/plugin-istio-common';
import type { V1Pod } from '@kubernetes/client-node';
import { isGatewayPod, istioProxyOf } from './parse';

// Istio's data-plane rules, in one place: which namespaces are ambient, which proxy a
// pod runs, which pods a `workloadSelector` picks and which Sidecar istiod prefers.

/** Namespace label enabling sidecar injection (`enabled` / `disabled`). */
export const INJECTION_LABEL = ISTIO_NAMESPACE_LABELS.injection;
/** Namespace/pod label selecting an istiod revision. */
export const REVISION_LABEL = ISTIO_NAMESPACE_LABELS.revision;
/** Namespace/pod label enrolling workloads in ambient mode (`ambient`). */
export const DATAPLANE_MODE_LABEL = ISTIO_NAMESPACE_LABELS.dataplaneMode;
// Which namespaces inject sidecars or are ambient is a fact the catalog module needs too.
export {
  injectsSidecars,
  isAmbientNamespace,
} from '@istio-backstage/plugin-istio-common';
/** Pod annotation the CNI node agent sets once a pod's traffic goes through ztunnel. */
export const AMBIENT_REDIRECTION_ANNOTATION = 'ambient.istio.io/redirection';

/** The proxy serving a pod, as the API reports it. */
export type ProxyKind = IstioProxyMemory['proxyKind'];

/**
 * Which proxy serves a pod: a gateway's own Envoy; an `istio-proxy` sidecar, native (an
 * init container with `restartPolicy: Always`, the default from Istio 1.27) or classic;
 * ztunnel (ambient, once the CNI agent has redirected the pod); else none. A gateway is
 * checked first: its Envoy is an `istio-proxy` container too, but Sidecars ignore it.
 */
export function proxyKindOf(pod: V1Pod): ProxyKind {
  if (isGatewayPod(pod)) return 'gateway';
  const proxy = istioProxyOf(pod);
  if (proxy) return proxy.native ? 'native-sidecar' : 'sidecar';
  const redirection =
    pod.metadata?.annotations?.[AMBIENT_REDIRECTION_ANNOTATION];
  return redirection === 'enabled' ? 'ambient' : 'none';
}

/** Whether the proxy is a sidecar (classic or native): the kind a Sidecar resource configures. */
export function isSidecarProxy(kind: ProxyKind): boolean {
  return kind === 'sidecar' || kind === 'native-sidecar';
}

/**
 * Whether a `workloadSelector.labels` map (Sidecar, Telemetry…) selects pods with `labels`:
 * every selector label must be present with the same value. An empty map selects every
 * pod (Istio's `labels.Instance.SubsetOf`).
 */
export function selectorMatches(
  selector: Readonly<Record<string, string>>,
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  for (const [key, value] of Object.entries(selector)) {
    if (labels?.[key] !== value) return false;
  }
  return true;
}

/**
 * Orders Sidecars as istiod breaks ties between them: oldest `creationTimestamp` first,
 * then by name. One without a timestamp (not applied yet) counts as the newest.
 */
export function byAge(
  a: { name: string; creationTimestamp?: string },
  b: { name: string; creationTimestamp?: string },
): number {
  const ta = a.creationTimestamp ? Date.parse(a.creationTimestamp) : Infinity;
  const tb = b.creationTimestamp ? Date.parse(b.creationTimestamp) : Infinity;
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.name.localeCompare(b.name);
}
