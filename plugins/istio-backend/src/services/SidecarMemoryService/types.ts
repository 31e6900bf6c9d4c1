import type { KubernetesRequestAuth } from '@backstage/plugin-kubernetes-common';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { IstioSidecarMemoryResponse } from '@istio-backstage/plugin-istio-common';

/** What an entity's (or a namespace's) Envoy sidecars cost, and the Sidecar that would cut it. */
export interface SidecarMemoryService {
  getSidecarMemory(
    request:
      | { entityRef: string; extraHosts?: string[] }
      | { cluster: string; namespace: string; extraHosts?: string[] },
    options: {
      credentials: BackstageCredentials;
      /** Read everything from the clusters now, reusing nothing (before a write). */
      fresh?: boolean;
      /** The user's tokens for clusters reached with them (read fresh, kept for no one). */
      userAuth?: KubernetesRequestAuth;
    },
  ): Promise<IstioSidecarMemoryResponse>;
}
