import { MESH_NAMESPACE_MARKS } from '@istio-backstage/plugin-istio-common';

/** The Kubernetes label selector of the namespaces `istio:namespace:create` creates. */
export const MANAGED_NAMESPACES_SELECTOR = `${MESH_NAMESPACE_MARKS.managedByLabel}=${MESH_NAMESPACE_MARKS.managedByValue}`;

/** Entity label carrying the namespace's data-plane mode: `sidecar`, `ambient` or `none`. */
export const ENTITY_DATAPLANE_MODE_LABEL = 'istio-backstage.io/dataplane-mode';
/** Entity label carrying the namespace's `istio.io/rev`, when it has one. */
export const ENTITY_REVISION_LABEL = 'istio-backstage.io/revision';

/** Location type of the entities, in `backstage.io/managed-by-location`. */
export const LOCATION_TYPE = 'istio-mesh-namespaces';
