import type {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';

/** One Sidecar of an apply and what it changes. */
export interface SidecarChange {
  name: string;
  namespace: string;
  /** `created`: did not exist; `configured`: egress changes; `unchanged`: already so. */
  action: 'created' | 'configured' | 'unchanged';
  hostsBefore?: string[];
  hostsAfter: string[];
}

/** Result of `POST /api/istio/sidecars`. */
export interface SidecarApplyResult {
  cluster: string;
  namespace: string;
  dryRun: boolean;
  changes: SidecarChange[];
  /** The objects as the API server returned them (YAML). */
  yaml: string;
}

/** Applies the current recommendation for an entity (dry run first, then for real). */
export interface SidecarApplyService {
  apply(
    request: {
      entityRef: string;
      cluster: string;
      namespace: string;
      dryRun: boolean;
      extraHosts?: string[];
    },
    options: { credentials: BackstageCredentials<BackstageUserPrincipal> },
  ): Promise<SidecarApplyResult>;
}
