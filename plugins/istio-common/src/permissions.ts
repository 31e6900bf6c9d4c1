import { createPermission } from '@backstage/plugin-permission-common';
import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';

/**
 * Read the mesh: clusters, mesh configuration, sidecar memory and recommendations.
 *
 * @public
 */
export const istioMeshReadPermission = createPermission({
  name: 'istio.mesh.read',
  attributes: { action: 'read' },
});

/**
 * Apply a recommended `Sidecar` resource for a catalog entity's workloads. A
 * catalog-entity resource permission, so policies can grant it to the entity's owners.
 *
 * @public
 */
export const istioSidecarApplyPermission = createPermission({
  name: 'istio.sidecar.apply',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Create a mesh namespace (Namespace with injection, default Sidecar, Telemetry,
 * PeerAuthentication) through the scaffolder.
 *
 * @public
 */
export const istioNamespaceCreatePermission = createPermission({
  name: 'istio.namespace.create',
  attributes: { action: 'create' },
});

/**
 * Every permission the Istio plugins check.
 *
 * @public
 */
export const istioPermissions = [
  istioMeshReadPermission,
  istioSidecarApplyPermission,
  istioNamespaceCreatePermission,
];
