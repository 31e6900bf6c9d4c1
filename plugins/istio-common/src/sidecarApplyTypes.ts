/**
 * One Sidecar of an apply and what it changes.
 *
 * @public
 */
export interface IstioSidecarChange {
  name: string;
  namespace: string;
  /** `created`: did not exist; `configured`: its spec changes; `unchanged`: already so. */
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
  /**
   * The `digest` of the dry run the user approved; required for a real apply, which
   * is refused (409, with the new dry run) when what it would write differs.
   */
  digest?: string;
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
  /** The entity the Sidecars are for, in full form. */
  entityRef: string;
  /**
   * Fingerprint of exactly what this apply writes: the objects, and the version of each
   * existing Sidecar it changes. A real apply must send back the dry run's digest.
   */
  digest: string;
}

/**
 * Body of the 409 answer to a real apply whose approved dry run no longer matches
 * (traffic, Sidecars or pods changed since): nothing was written, and `current` is the
 * dry run of what would be written now, to be shown and approved again.
 *
 * @public
 */
export interface IstioSidecarApplyStaleBody {
  error: { name: 'ConflictError'; message: string };
  response: { statusCode: 409 };
  current: IstioSidecarApplyResult;
}
