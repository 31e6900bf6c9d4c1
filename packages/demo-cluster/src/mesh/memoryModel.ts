// The simulated proxies' memory. Envoy's memory follows the size of the configuration
// it holds (mostly clusters), not the request rate. The constants are calibrated on
// published figures (see the package README) and are private to the simulator: the
// plugin must infer them from the metrics, never import them.
import { stableRandom } from '../scenario/random';

const MI = 1024 * 1024;

/** istio-proxy working set with an almost empty configuration (Envoy + pilot-agent). */
export const PROXY_BASE_BYTES = 36 * MI;
/** Working-set cost of one Envoy cluster (Istio maintainers' estimate: ~118 KB). */
export const PER_CLUSTER_BYTES = 118 * 1024;
/** Per-pod spread around the model, as a fraction. */
export const NOISE_FRACTION = 0.04;

/** Envoy's own `envoy_server_memory_allocated` and heap size as fractions of the working set. */
export const ALLOCATED_FRACTION = 0.62;
export const HEAP_FRACTION = 0.84;

/** The working set a proxy settles on with `clusters` Envoy clusters. */
export function targetProxyMemory(podName: string, clusters: number): number {
  const noise = (stableRandom(podName, 'proxy-noise') * 2 - 1) * NOISE_FRACTION;
  return Math.round(
    (PROXY_BASE_BYTES + PER_CLUSTER_BYTES * clusters) * (1 + noise),
  );
}

/**
 * A proxy's memory moving towards its target: after a config change Envoy's memory
 * does not drop at once, it settles over `convergenceSeconds` (exponential approach).
 */
export class ProxyMemory {
  private value: number;
  private target: number;
  private at: number;

  constructor(
    initial: number,
    now: number,
    private readonly convergenceSeconds: number,
  ) {
    this.value = initial;
    this.target = initial;
    this.at = now;
  }

  read(now: number): number {
    const dt = Math.max(0, now - this.at) / 1000;
    if (this.convergenceSeconds <= 0) {
      this.value = this.target;
    } else {
      this.value =
        this.target +
        (this.value - this.target) * Math.exp(-dt / this.convergenceSeconds);
    }
    this.at = now;
    return Math.round(this.value);
  }

  setTarget(target: number, now: number) {
    this.read(now);
    this.target = target;
  }
}
