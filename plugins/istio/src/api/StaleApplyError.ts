import type {
  IstioSidecarApplyResult,
  IstioSidecarApplyStaleBody,
} from '@istio-backstage/plugin-istio-common';

/**
 * Thrown by {@link IstioApi.applySidecar} when a real apply is refused because what
 * it would write changed since the approved dry run (traffic, Sidecars or pods
 * changed). Nothing was written; `current` is the dry run of what would be written
 * now, to be shown and approved again with its own `digest`.
 *
 * @public
 */
export class StaleApplyError extends Error {
  /** The new dry run, to review instead of the approved one. */
  readonly current: IstioSidecarApplyResult;
  readonly statusCode = 409;

  constructor(message: string, current: IstioSidecarApplyResult) {
    super(message);
    this.name = 'StaleApplyError';
    this.current = current;
  }
}

/**
 * Whether `error` is a {@link StaleApplyError}. Checks the name as well as the class,
 * so an error from another copy of this package is recognised too.
 *
 * @public
 */
export function isStaleApplyError(error: unknown): error is StaleApplyError {
  return (
    error instanceof StaleApplyError ||
    (error instanceof Error &&
      error.name === 'StaleApplyError' &&
      isApplyResult((error as Partial<StaleApplyError>).current))
  );
}

/** Whether an error body is the backend's stale-apply answer, with a usable `current`. */
export function isStaleApplyBody(
  body: unknown,
): body is IstioSidecarApplyStaleBody {
  const b = body as Partial<IstioSidecarApplyStaleBody> | undefined;
  return b?.response?.statusCode === 409 && isApplyResult(b.current);
}

function isApplyResult(value: unknown): value is IstioSidecarApplyResult {
  const v = value as Partial<IstioSidecarApplyResult> | undefined;
  return (
    typeof v?.digest === 'string' &&
    v.digest.length > 0 &&
    typeof v.yaml === 'string' &&
    Array.isArray(v.changes)
  );
}
