import { createApiRef } from '@backstage/core-plugin-api';
import type {
  IstioClustersResponse,
  IstioEntityMeshResponse,
  IstioMeshConfigResponse,
  IstioSidecarApplyRequest,
  IstioSidecarApplyResult,
  IstioSidecarMemoryResponse,
} from '@istio-backstage/plugin-istio-common';

/**
 * Client for the Istio backend plugin (`/api/istio`).
 *
 * @public
 */
export interface IstioApi {
  /**
   * The configured clusters with their tool links and auth providers, and those the
   * backend cannot use, with the reason.
   */
  getClusters(): Promise<IstioClustersResponse>;
  /** The installed mesh of one cluster, or of all. */
  getMeshConfig(request?: {
    cluster?: string;
  }): Promise<IstioMeshConfigResponse>;
  /** An entity's sidecars, their memory and the recommended Sidecar. */
  getSidecarMemory(request: {
    entityRef: string;
  }): Promise<IstioSidecarMemoryResponse>;
  /**
   * Everything an entity's Service Mesh views show, in one request: the clusters, the
   * entity's sidecar memory, and the mesh of each cluster it runs in with only the
   * diagnostics that concern its namespaces.
   */
  getEntityMesh(request: {
    entityRef: string;
  }): Promise<IstioEntityMeshResponse>;
  /**
   * Applies the current recommendation for an entity's workloads in one namespace
   * (the backend builds the Sidecar; `dryRun` only validates it with the cluster).
   * A real apply must carry the approved dry run's `digest`; when what it would write
   * has changed since, nothing is written and it throws a {@link StaleApplyError}
   * carrying the new dry run. Other refusals throw a `ResponseError` whose `cause`
   * holds the backend's message.
   */
  applySidecar(
    request: IstioSidecarApplyRequest,
  ): Promise<IstioSidecarApplyResult>;
}

/**
 * API reference for {@link IstioApi}.
 *
 * @public
 */
export const istioApiRef = createApiRef<IstioApi>({
  id: 'plugin.istio.service',
});
