import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { KubernetesRequestAuth } from '@backstage/plugin-kubernetes-common';
import type { IstioEntityMeshResponse } from '@istio-backstage/plugin-istio-common';

/** What an entity's Service Mesh views show, in one answer. */
export interface EntityMeshService {
  getEntityMesh(
    request: { entityRef: string },
    options: {
      credentials: BackstageCredentials;
      /** The user's tokens for clusters reached with them (read fresh, kept for no one). */
      userAuth?: KubernetesRequestAuth;
    },
  ): Promise<IstioEntityMeshResponse>;
}
