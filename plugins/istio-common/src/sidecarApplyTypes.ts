/**
 * One Sidecar of an apply and what it changes.
 *
 * @public
 */
export interface IstioSidecarChange {
  name: string;
  namespace: string;
  /** `created`: did not exist; `configured`: egress changes; `unchanged`: already so. */
  action: 'created' | 'configured' | 'unchanged';
  hostsBefore?: string[];
  hostsAfter: string[];
}

/**
 * Body of `POST /api/istio/sidecars`. The Sidecar is built server-side from the
 * current recommendation; no client YAML is ever applied.
 *
 * @public
 */
export interface IstioSidecarApplyRequest {
  entityRef: string;
  cluster: string;
  namespace: string;
  /** Defaults to true: a real apply must be asked for explicitly. */
  dryRun: boolean;
  /** `namespace/host` egress hosts to add to the recommendation. */
  extraHosts?: string[];
}

/**
 * Result of `POST /api/istio/sidecars`.
 *
 * @public
 */
export interface IstioSidecarApplyResult {
  cluster: string;
  namespace: string;
  dryRun: boolean;
  changes: IstioSidecarChange[];
  /** The objects as the API server returned them (YAML, managed fields removed). */
  yaml: string;
}
