import type { KubernetesRequestAuth } from '@backstage/plugin-kubernetes-common';
import type {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import type {
  IstioSidecarApplyRequest,
  IstioSidecarApplyResult,
} from '@istio-backstage/plugin-istio-common';

/** Applies the current recommendation for an entity (dry run first, then for real). */
export interface SidecarApplyService {
  /**
   * Throws a `NotAllowedError` (audited) unless the caller may apply Sidecars for the
   * entity (`istio.sidecar.apply`); checked before the request is admitted.
   */
  authorize(
    entityRef: string,
    options: { credentials: BackstageCredentials<BackstageUserPrincipal> },
  ): Promise<void>;
  apply(
    request: IstioSidecarApplyRequest,
    options: {
      credentials: BackstageCredentials<BackstageUserPrincipal>;
      /** The user's tokens, for a cluster reached with them. */
      userAuth?: KubernetesRequestAuth;
    },
  ): Promise<IstioSidecarApplyResult>;
}
