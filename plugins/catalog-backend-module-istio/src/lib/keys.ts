/**
 * The label and annotation `istio:namespace:create` writes on the namespaces it
 * creates (plugins/scaffolder-backend-module-istio/src/lib/namespace/objects.ts).
 * A test creates a namespace through that action, so a rename there fails here.
 */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
/** Value of {@link MANAGED_BY_LABEL} on the namespaces the action creates. */
export const MANAGED_BY_VALUE = 'backstage-istio';
/** The Kubernetes label selector of those namespaces. */
export const MANAGED_NAMESPACES_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`;
/** Catalog entity ref of the namespace's owner, as the action records it. */
export const OWNER_ANNOTATION = 'istio-backstage.io/owner';

/** Istio's data-plane labels on a namespace (see ISTIO-FACTS.md). */
export const INJECTION_LABEL = 'istio-injection';
export const REVISION_LABEL = 'istio.io/rev';
export const DATAPLANE_MODE_LABEL = 'istio.io/dataplane-mode';

/** Entity label carrying the namespace's data-plane mode: `sidecar`, `ambient` or `none`. */
export const ENTITY_DATAPLANE_MODE_LABEL = 'istio-backstage.io/dataplane-mode';
/** Entity label carrying the namespace's `istio.io/rev`, when it has one. */
export const ENTITY_REVISION_LABEL = 'istio-backstage.io/revision';

/** Location type of the entities, in `backstage.io/managed-by-location`. */
export const LOCATION_TYPE = 'istio-mesh-namespaces';
