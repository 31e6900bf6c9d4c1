import { createRouteRef } from '@backstage/core-plugin-api';

/**
 * Route of the mesh page. Created with the legacy API so that `IstioMeshPage` can mount
 * on it; the new frontend system uses the converted ref.
 */
export const rootRouteRef = createRouteRef({
  id: 'istio',
});
