import {
  ISTIO_SUPPORT_MATRIX,
  type IstioReleaseSupport,
} from './istioSupportMatrix';

/**
 * Whether an Istio release supports a Kubernetes version, and why not.
 *
 * @public
 */
export interface SupportVerdict {
  verdict: 'supported' | 'unsupported' | 'unknown';
  /** Human-readable reasons; empty when supported. */
  reasons: string[];
  /** Istio minor and Kubernetes minor the verdict is about, when they could be parsed. */
  istioMinor?: string;
  kubernetesMinor?: string;
  /** The support-matrix row used, when the Istio minor is known. */
  release?: IstioReleaseSupport;
}

/** `1.24.3`, `v1.24`, `1.32.3-gke.1200` → `[1, 24]`; anything else → undefined. */
function parseMinor(version: string): [number, number] | undefined {
  const match = /^v?(\d+)\.(\d+)(?:[.\-+].*)?$/.exec(version.trim());
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

function compareMinor(a: [number, number], b: [number, number]): number {
  return a[0] - b[0] || a[1] - b[1];
}

/**
 * Checks an Istio version against a Kubernetes version with Istio's support matrix: is
 * this Istio release supported on this Kubernetes version? A version the data does not
 * know gives `unknown`, never a guess.
 *
 * @public
 */
export function supportVerdict(input: {
  istioVersion: string;
  kubernetesVersion: string;
  /** The date the verdict is for (end-of-life check). */
  now: Date;
}): SupportVerdict {
  const istio = parseMinor(input.istioVersion);
  const kubernetes = parseMinor(input.kubernetesVersion);
  if (!istio) {
    return {
      verdict: 'unknown',
      reasons: [
        `Istio version '${input.istioVersion}' is not a version number`,
      ],
    };
  }
  if (!kubernetes) {
    return {
      verdict: 'unknown',
      reasons: [
        `Kubernetes version '${input.kubernetesVersion}' is not a version number`,
      ],
    };
  }
  const istioMinor = `${istio[0]}.${istio[1]}`;
  const kubernetesMinor = `${kubernetes[0]}.${kubernetes[1]}`;
  const release = ISTIO_SUPPORT_MATRIX.find(r => r.istio === istioMinor);
  if (!release) {
    return {
      verdict: 'unknown',
      reasons: [
        `Istio ${istioMinor} is not in the support matrix (known: ${
          ISTIO_SUPPORT_MATRIX[0].istio
        }–${ISTIO_SUPPORT_MATRIX[ISTIO_SUPPORT_MATRIX.length - 1].istio})`,
      ],
      istioMinor,
      kubernetesMinor,
    };
  }

  const reasons: string[] = [];
  const [lowest, highest] = release.kubernetesTested.map(v => parseMinor(v)!);
  const minimum = parseMinor(release.kubernetesMinimum)!;
  if (compareMinor(kubernetes, minimum) < 0) {
    reasons.push(
      `Kubernetes ${kubernetesMinor} is below ${release.kubernetesMinimum}, the minimum istioctl ${istioMinor} accepts`,
    );
  } else if (compareMinor(kubernetes, lowest) < 0) {
    reasons.push(
      `Kubernetes ${kubernetesMinor} is older than the versions Istio ${istioMinor} is tested on (${release.kubernetesTested.join(
        '–',
      )})`,
    );
  } else if (compareMinor(kubernetes, highest) > 0) {
    reasons.push(
      `Kubernetes ${kubernetesMinor} is newer than the versions Istio ${istioMinor} is tested on (${release.kubernetesTested.join(
        '–',
      )})`,
    );
  }
  if (input.now.getTime() > Date.parse(`${release.endOfLife}T23:59:59Z`)) {
    reasons.push(
      `Istio ${istioMinor} reached end of life on ${release.endOfLife}${
        release.endOfLifeExpected ? ' (expected date)' : ''
      }`,
    );
  }
  return {
    verdict: reasons.length === 0 ? 'supported' : 'unsupported',
    reasons,
    istioMinor,
    kubernetesMinor,
    release,
  };
}
