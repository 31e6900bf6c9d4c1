import { REVISION_LABEL } from '../dataPlane';
import { istioProxyOf } from '../parse';
import { revisionOfStatus, SIDECAR_STATUS_ANNOTATION } from '../revisions';
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import type { ObjectRef } from './diagnostic';

/**
 * The pod's `istio-proxy` container. Since Istio 1.27 native sidecars are the default:
 * the proxy is an init container with `restartPolicy: Always`, so both lists are searched.
 */
export function istioProxyContainer(pod: V1Pod): V1Container | undefined {
  return istioProxyOf(pod)?.container;
}

/** Reference to a pod for diagnostics. */
export function podRef(pod: V1Pod): ObjectRef {
  return {
    kind: 'Pod',
    namespace: pod.metadata?.namespace,
    name: pod.metadata?.name ?? '(unnamed)',
  };
}

/**
 * The istiod revision a pod's proxy belongs to: from the injector's
 * `sidecar.istio.io/status` annotation, else the pod's `istio.io/rev` label.
 */
export function podRevision(pod: V1Pod): string | undefined {
  const status = pod.metadata?.annotations?.[SIDECAR_STATUS_ANNOTATION];
  return (
    (status ? revisionOfStatus(status) : undefined) ??
    pod.metadata?.labels?.[REVISION_LABEL]
  );
}
