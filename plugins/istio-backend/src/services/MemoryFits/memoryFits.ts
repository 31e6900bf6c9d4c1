import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  PrometheusClient,
  type ClusterAccess,
} from '@istio-backstage/plugin-istio-node';
import type { MemoryFitSums } from '../../lib/sidecar';
import { memoryFitSums } from '../SidecarMemoryService/prometheusQueries';

/** A cluster's memory fit as last read: `sums` undefined when it has no proxy. */
export interface KeptMemoryFit {
  sums?: MemoryFitSums;
}

/**
 * Each cluster's memory fit (working set against active Envoy clusters over all its
 * proxies), read from Prometheus at start and every few minutes in the background: it
 * moves slowly, and reading it costs Prometheus ~0.4 s at 10,000 proxies — too much
 * for every request.
 */
export interface MemoryFits {
  /** The kept fit, or undefined when none was read (or the last read failed). */
  of(cluster: string): KeptMemoryFit | undefined;
  start(): void;
  stop(): void;
}

export function createMemoryFits(options: {
  clusters: ClusterAccess;
  logger: LoggerService;
  refreshMs?: number;
}): MemoryFits {
  const { clusters, logger } = options;
  const refreshMs = options.refreshMs ?? 5 * 60_000;
  const kept = new Map<string, KeptMemoryFit>();
  let timer: NodeJS.Timeout | undefined;

  async function refresh(name: string) {
    const url = clusters.get(name).cluster.prometheusUrl;
    if (!url) return;
    try {
      kept.set(name, {
        sums: await memoryFitSums(new PrometheusClient(url)),
      });
    } catch (error) {
      // Requests read it themselves (and report the failure) until a refresh works.
      kept.delete(name);
      logger.warn('Reading the memory fit failed', {
        cluster: name,
        error: (error as Error)?.name ?? 'unknown',
      });
    }
  }
  const refreshAll = () => {
    for (const name of clusters.names()) void refresh(name);
  };

  return {
    of: cluster => kept.get(cluster),
    start() {
      refreshAll();
      // A background refresh never keeps the process (or a test worker) alive by itself.
      timer = setInterval(refreshAll, refreshMs).unref();
    },
    stop() {
      clearInterval(timer);
      kept.clear();
    },
  };
}
