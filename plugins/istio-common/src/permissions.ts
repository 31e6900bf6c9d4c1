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
 * Read any namespace of a cluster directly (`GET /sidecar-memory?cluster=&namespace=`):
 * its pods, traffic and Sidecars, without going through a catalog entity the caller
 * can see. A basic permission, meant for platform engineers.
 *
 * @public
 */
export const istioNamespaceReadPermission = createPermission({
  name: 'istio.namespace.read',
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
  istioNamespaceReadPermission,
  istioSidecarApplyPermission,
  istioNamespaceCreatePermission,
];
