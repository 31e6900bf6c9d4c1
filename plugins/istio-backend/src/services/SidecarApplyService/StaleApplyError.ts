import { CustomErrorBase } from '@backstage/errors';
import type {
  IstioSidecarApplyResult,
  IstioSidecarApplyStaleBody,
} from '@istio-backstage/plugin-istio-common';

/**
 * A real apply whose approved dry run no longer matches what would be written: nothing
 * was written; `current` is the dry run of what would be written now.
 */
export class StaleApplyError extends CustomErrorBase {
  name = 'StaleApplyError' as const;

  constructor(readonly current: IstioSidecarApplyResult) {
    super(
      'What this apply would write changed since the dry run you approved (traffic, Sidecars or pods changed); nothing was written. Review the new changes and apply again.',
    );
  }

  /** The 409 answer: a Backstage error body with the new dry run. */
  toBody(): IstioSidecarApplyStaleBody {
    return {
      error: { name: 'ConflictError', message: this.message },
      response: { statusCode: 409 },
      current: this.current,
    };
  }
}
