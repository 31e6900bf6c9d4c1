import type { Entity } from '@backstage/catalog-model';
import { ANNOTATIONS } from './annotations';

/**
 * Whether an entity carries what the Istio plugins need to find its workloads: the
 * Kubernetes plugin's `backstage.io/kubernetes-id` or
 * `backstage.io/kubernetes-label-selector` annotation, with a non-blank value.
 *
 * @public
 */
export function isIstioAvailable(entity: Entity): boolean {
  const annotations = entity.metadata.annotations ?? {};
  return [ANNOTATIONS.kubernetesId, ANNOTATIONS.kubernetesLabelSelector].some(
    key => (annotations[key] ?? '').trim() !== '',
  );
}
