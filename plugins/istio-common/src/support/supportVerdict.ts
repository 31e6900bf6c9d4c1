import {
  ISTIO_SUPPORT_MATRIX,
  ISTIO_SUPPORT_MATRIX_AS_OF,
  type IstioReleaseSupport,
  type IstioSupportMatrix,
} from './istioSupportMatrix';
import { compareMinor, endOfDay, parseMinor, type Minor } from './minors';

/**
 * Whether an Istio release supports a Kubernetes version, and why not.
 *
 * - `supported`: the Kubernetes version is in the tested range and the end of life has
 *   not passed (when that date is only an estimate, `release.endOfLifeExpected` says so).
 * - `check`: likely end of life, check: the Kubernetes version is fine, but the
 *   release's *estimated* end of life has passed; the reasons show the estimate.
 * - `unsupported`: the Kubernetes version is outside what the release accepts or is
 *   tested on, or its announced end of life has passed.
 * - `unknown`: a version the data does not hold (for example newer than the matrix).
 *
 * @public
 */
export interface SupportVerdict {
  verdict: 'supported' | 'check' | 'unsupported' | 'unknown';
  /** Human-readable reasons; empty when supported. */
  reasons: string[];
  /** Istio minor and Kubernetes minor the verdict is about, when they could be parsed. */
  istioMinor?: string;
  kubernetesMinor?: string;
  /** The support-matrix row used, when the Istio minor is known. */
  release?: IstioReleaseSupport;
  /** The day the built-in support matrix was checked against istio.io (ISO date). */
  matrixAsOf: string;
}

/** Where to look when the data may be out of date. */
const CHECK_ISTIO_IO = "check istio.io's supported releases";

/**
 * The verdict for a minor the matrix has no row for: newer than its newest row is
 * unknown; older than its oldest is end of life once that row's announced end of life
 * has passed (Istio ends a minor six weeks after the release two minors later, so an
 * older minor never outlives a newer one); anything else is unknown.
 */
function verdictWithoutRow(
  istio: Minor,
  matrix: IstioSupportMatrix,
  now: Date,
): Pick<SupportVerdict, 'verdict' | 'reasons'> {
  const istioMinor = istio.join('.');
  const asOf = ISTIO_SUPPORT_MATRIX_AS_OF;
  const oldest = matrix[0];
  const newest = matrix[matrix.length - 1];
  if (!oldest || !newest)
    return {
      verdict: 'unknown',
      reasons: [`the support matrix is empty; ${CHECK_ISTIO_IO}`],
    };
  if (compareMinor(istio, parseMinor(newest.istio)!) > 0)
    return {
      verdict: 'unknown',
      reasons: [
        `Istio ${istioMinor} is newer than this plugin's support matrix (as of ${asOf}, newest ${newest.istio}); ${CHECK_ISTIO_IO}, or add it under istio.supportMatrix`,
      ],
    };
  const oldestEnded =
    !oldest.endOfLifeExpected && now.getTime() > endOfDay(oldest.endOfLife);
  if (compareMinor(istio, parseMinor(oldest.istio)!) < 0 && oldestEnded)
    return {
      verdict: 'unsupported',
      reasons: [
        `Istio ${istioMinor} is older than this plugin's support matrix (oldest ${oldest.istio}, end of life on ${oldest.endOfLife}), so it reached end of life by ${oldest.endOfLife} at the latest`,
      ],
    };
  return {
    verdict: 'unknown',
    reasons: [
      `Istio ${istioMinor} is not in the support matrix (as of ${asOf}, known: ${oldest.istio}–${newest.istio}); ${CHECK_ISTIO_IO}, or add it under istio.supportMatrix`,
    ],
  };
}

/** Why the Kubernetes version is outside what the release accepts or is tested on. */
function kubernetesReason(
  release: IstioReleaseSupport,
  kubernetes: Minor,
): string | undefined {
  const kubernetesMinor = kubernetes.join('.');
  const [lowest, highest] = release.kubernetesTested.map(v => parseMinor(v)!);
  const tested = release.kubernetesTested.join('–');
  if (compareMinor(kubernetes, parseMinor(release.kubernetesMinimum)!) < 0)
    return `Kubernetes ${kubernetesMinor} is below ${release.kubernetesMinimum}, the minimum istioctl ${release.istio} accepts`;
  if (compareMinor(kubernetes, lowest) < 0)
    return `Kubernetes ${kubernetesMinor} is older than the versions Istio ${release.istio} is tested on (${tested})`;
  if (compareMinor(kubernetes, highest) > 0)
    return `Kubernetes ${kubernetesMinor} is newer than the versions Istio ${release.istio} is tested on (${tested})`;
  return undefined;
}

/** Why the release is (likely) past its end of life on `now`, if it is. */
function endOfLifeReason(
  release: IstioReleaseSupport,
  now: Date,
): { reason: string; estimated: boolean } | undefined {
  if (now.getTime() <= endOfDay(release.endOfLife)) return undefined;
  return release.endOfLifeExpected
    ? {
        reason: `Istio ${release.istio}'s end of life was expected around ${release.endOfLife} and has likely passed; ${CHECK_ISTIO_IO}`,
        estimated: true,
      }
    : {
        reason: `Istio ${release.istio} reached end of life on ${release.endOfLife}`,
        estimated: false,
      };
}

/**
 * Checks an Istio version against a Kubernetes version with Istio's support matrix: is
 * this Istio release supported on this Kubernetes version? A version the data does not
 * know gives `unknown`, never a guess; a verdict resting on an estimated end of life
 * says so (`check`). Pure: the date comes from `now`.
 *
 * @public
 */
export function supportVerdict(input: {
  istioVersion: string;
  kubernetesVersion: string;
  /** The date the verdict is for (end-of-life check). */
  now: Date;
  /**
   * The support matrix to use: the built-in one unless told, or the one merged with
   * the `istio.supportMatrix` config (`mergeSupportMatrix`).
   */
  matrix?: IstioSupportMatrix;
}): SupportVerdict {
  const matrix = input.matrix ?? ISTIO_SUPPORT_MATRIX;
  const matrixAsOf = ISTIO_SUPPORT_MATRIX_AS_OF;
  const istio = parseMinor(input.istioVersion);
  const kubernetes = parseMinor(input.kubernetesVersion);
  if (!istio || !kubernetes) {
    const reason = istio
      ? `Kubernetes version '${input.kubernetesVersion}' is not a version number`
      : `Istio version '${input.istioVersion}' is not a version number`;
    return { verdict: 'unknown', reasons: [reason], matrixAsOf };
  }
  const istioMinor = istio.join('.');
  const kubernetesMinor = kubernetes.join('.');
  const release = matrix.find(r => r.istio === istioMinor);
  if (!release) {
    const { verdict, reasons } = verdictWithoutRow(istio, matrix, input.now);
    return { verdict, reasons, istioMinor, kubernetesMinor, matrixAsOf };
  }

  const kubernetesProblem = kubernetesReason(release, kubernetes);
  const endOfLife = endOfLifeReason(release, input.now);
  let verdict: SupportVerdict['verdict'] = 'supported';
  if (kubernetesProblem || (endOfLife && !endOfLife.estimated))
    verdict = 'unsupported';
  else if (endOfLife) verdict = 'check';
  const reasons = [kubernetesProblem, endOfLife?.reason].filter(
    (reason): reason is string => reason !== undefined,
  );
  return {
    verdict,
    reasons,
    istioMinor,
    kubernetesMinor,
    release,
    matrixAsOf,
  };
}
