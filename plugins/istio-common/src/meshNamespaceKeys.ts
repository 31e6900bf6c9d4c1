/**
 * The field manager the Istio plugins write Kubernetes objects with (server-side
 * apply): conflicts name it, and it marks the namespaces they create.
 *
 * @public
 */
export const ISTIO_FIELD_MANAGER = 'backstage-istio';

/**
 * The namespace labels Istio reads to choose a namespace's data plane.
 *
 * @public
 */
export const ISTIO_NAMESPACE_LABELS = {
  /** `enabled` turns sidecar injection on, `disabled` off. */
  injection: 'istio-injection',
  /** Selects the control plane revision that injects the sidecars. */
  revision: 'istio.io/rev',
  /** `ambient` enrols the namespace's workloads in ambient mode. */
  dataplaneMode: 'istio.io/dataplane-mode',
} as const;

/**
 * How `istio:namespace:create` marks the namespaces it creates, so the catalog module
 * finds them and their owners.
 *
 * @public
 */
export const MESH_NAMESPACE_MARKS = {
  /** Label on the namespace and every object the action writes in it. */
  managedByLabel: 'app.kubernetes.io/managed-by',
  /** Value of {@link MESH_NAMESPACE_MARKS.managedByLabel}. */
  managedByValue: ISTIO_FIELD_MANAGER,
  /**
   * Catalog entity ref of the owner (an annotation: refs are not label values). On a
   * namespace it says who may write Sidecars there through Backstage.
   */
  ownerAnnotation: 'istio-backstage.io/owner',
  /** On every Sidecar applied for an entity: that entity's ref, in full form. */
  entityAnnotation: 'istio-backstage.io/entity',
} as const;
