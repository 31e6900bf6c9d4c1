import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { KubernetesRequestAuth } from '@backstage/plugin-kubernetes-common';
import type { IstioMeshConfigResponse } from '@istio-backstage/plugin-istio-common';

/** Reads the installed mesh of the configured clusters. */
export interface MeshConfigService {
  /** One cluster by configured name, or all clusters when `cluster` is omitted. */
  getMeshConfig(
    request: { cluster?: string },
    options: {
      credentials: BackstageCredentials;
      /** The user's tokens for clusters reached with them; such answers are kept for no one. */
      userAuth?: KubernetesRequestAuth;
    },
  ): Promise<IstioMeshConfigResponse>;
}
