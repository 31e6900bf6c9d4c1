import type { LoggerService } from '@backstage/backend-plugin-api';
import type { ClusterAccess } from '@istio-backstage/plugin-istio-node';
import { readMeshEssentials, type MeshEssentials } from './readMeshEssentials';

/**
 * Each cluster's {@link MeshEssentials} (control planes, tracing), read at start and
 * every 30 s in the background. They change only when the mesh is installed or
 * reconfigured, yet every sidecar-memory answer needs them: without a kept copy the
 * first answers after a start wait for istiod's Deployments, Telemetry and then the
 * MeshConfig ConfigMaps on top of their own reads.
 */
export interface KeptMeshEssentials {
  /** The cluster's essentials from the last read, or undefined when it failed or none landed yet. */
  of(cluster: string): MeshEssentials | undefined;
  start(): void;
  stop(): void;
}

/** Builds {@link KeptMeshEssentials}; `refreshMs` defaults to 30 s. */
export function createKeptMeshEssentials(options: {
  clusters: ClusterAccess;
  logger: LoggerService;
  refreshMs?: number;
}): KeptMeshEssentials {
  const { clusters, logger } = options;
  const refreshMs = options.refreshMs ?? 30_000;
  const kept = new Map<string, MeshEssentials>();
  // A cluster still being read (a slow one can take longer than refreshMs) is not asked again.
  const reading = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = true;

  async function refresh(name: string) {
    if (reading.has(name)) return;
    reading.add(name);
    try {
      const essentials = await readMeshEssentials(clusters.get(name));
      if (!stopped) kept.set(name, essentials);
    } catch (error) {
      // Requests read the cluster themselves (and report the failure) until a refresh works.
      kept.delete(name);
      logger.warn('Reading the mesh control planes and tracing failed', {
        cluster: name,
        error: (error as Error)?.name ?? 'unknown',
      });
    } finally {
      reading.delete(name);
    }
  }
  const refreshAll = () => {
    for (const name of clusters.names()) void refresh(name);
  };

  return {
    of: cluster => kept.get(cluster),
    start() {
      if (!stopped) return;
      stopped = false;
      refreshAll();
      // A background refresh never keeps the process (or a test worker) alive by itself.
      timer = setInterval(refreshAll, refreshMs).unref();
    },
    stop() {
      stopped = true;
      clearInterval(timer);
      kept.clear();
    },
  };
}
