import { memoizeByString } from '../../memoizeByString';
import { istioProxyOf } from '../parse';
import type { V1Container, V1Namespace, V1Pod } from '@kubernetes/client-node';
import type { ObjectRef } from './diagnostic';

/** Namespace label enabling sidecar injection (`enabled` / `disabled`). */
export const INJECTION_LABEL = 'istio-injection';
/** Namespace/pod label selecting an istiod revision. */
export const REVISION_LABEL = 'istio.io/rev';
/** Namespace label enrolling a namespace in ambient mode. */
export const DATAPLANE_MODE_LABEL = 'istio.io/dataplane-mode';

/**
 * The pod's `istio-proxy` container. Since Istio 1.27 native sidecars are the default:
 * the proxy is an init container with `restartPolicy: Always`, so both lists are searched.
 */
export function istioProxyContainer(pod: V1Pod): V1Container | undefined {
  return istioProxyOf(pod)?.container;
}

/** Every container of a pod, init containers included. */
export function allContainers(pod: V1Pod): V1Container[] {
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
}

/** Reference to a pod for diagnostics. */
export function podRef(pod: V1Pod): ObjectRef {
  return {
    kind: 'Pod',
    namespace: pod.metadata?.namespace,
    name: pod.metadata?.name ?? '(unnamed)',
  };
}

/** The `revision` of a status annotation; the same annotation is on every injected pod. */
const revisionOfStatus = memoizeByString(
  (status: string): string | undefined => {
    try {
      const parsed: unknown = JSON.parse(status);
      if (
        parsed &&
        typeof parsed === 'object' &&
        typeof (parsed as { revision?: unknown }).revision === 'string'
      ) {
        return (parsed as { revision: string }).revision;
      }
    } catch {
      // A malformed annotation is not a revision; the label decides.
    }
    return undefined;
  },
);

/**
 * The istiod revision a pod's proxy belongs to: from the injector's
 * `sidecar.istio.io/status` annotation, else the pod's `istio.io/rev` label.
 */
export function podRevision(pod: V1Pod): string | undefined {
  const status = pod.metadata?.annotations?.['sidecar.istio.io/status'];
  return (
    (status ? revisionOfStatus(status) : undefined) ??
    pod.metadata?.labels?.[REVISION_LABEL]
  );
}

/**
 * Ambient namespace: `istio.io/dataplane-mode=ambient` and no sidecar injection label
 * (an injection label takes precedence, so such a namespace is a sidecar namespace).
 */
export function isAmbientNamespace(namespace: V1Namespace): boolean {
  const labels = namespace.metadata?.labels ?? {};
  return (
    labels[DATAPLANE_MODE_LABEL] === 'ambient' &&
    labels[INJECTION_LABEL] !== 'enabled' &&
    labels[REVISION_LABEL] === undefined
  );
}

/** True when every label of the selector is on the object (an empty selector matches all). */
export function selectorMatches(
  selector: Record<string, string>,
  labels: Record<string, string> | undefined,
): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}
