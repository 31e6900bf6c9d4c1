import { createApiRef } from '@backstage/core-plugin-api';
import type { IstioClustersResponse } from '@istio-backstage/plugin-istio-common';

/**
 * Client for the Istio backend plugin (`/api/istio`).
 *
 * @public
 */
export interface IstioApi {
  /** The configured clusters and their tool links. */
  getClusters(): Promise<IstioClustersResponse>;
}

/**
 * API reference for {@link IstioApi}.
 *
 * @public
 */
export const istioApiRef = createApiRef<IstioApi>({
  id: 'plugin.istio.service',
});
