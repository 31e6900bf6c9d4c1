import type {
  CacheService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type {
  ClusterAccess,
  ClusterClient,
} from '@istio-backstage/plugin-istio-node';
import { createAnswerCache } from '../../lib/answerCache';

/**
 * A fact of every configured cluster, refreshed in the background by a scheduled task
 * and kept in the cache service, so that every replica answers from it and only one of
 * them reads each cluster per period.
 */
export interface KeptPerCluster<V extends object> {
  /** The kept value, or undefined when none is (not read yet, or the last read failed). */
  get(cluster: string): Promise<V | undefined>;
  /** Keeps a value a request had to read itself, for the other requests and replicas. */
  keep(cluster: string, value: V): Promise<void>;
  /** Schedules the refresh: a global task, run by one replica at a time. */
  schedule(): Promise<void>;
  /**
   * Reads, at a replica's start, the clusters that have nothing kept yet: the scheduler
   * may take a few seconds to run the first refresh, and the first requests would
   * otherwise read these facts themselves. Clusters another replica keeps are skipped.
   */
  warm(): Promise<void>;
}

/** How long a replica uses its own copy before asking the shared cache again. */
const LOCAL_COPY_MS = 5_000;
/** A refresh that takes longer is abandoned (and the next replica may take over). */
const REFRESH_TIMEOUT_MS = 60_000;

/** Builds a {@link KeptPerCluster}. */
export function createKeptPerCluster<V extends object>(options: {
  /** Names the scheduled task and the cache keys, e.g. `mesh-essentials`. */
  id: string;
  /** What is read, for log lines, e.g. "the mesh control planes and tracing". */
  description: string;
  clusters: ClusterAccess;
  scheduler: SchedulerService;
  /** The cache service when its store is shared between replicas, else undefined. */
  cache?: CacheService;
  logger: LoggerService;
  refreshMs: number;
  /** Reads a cluster's value; undefined when there is nothing to read there. */
  read: (client: ClusterClient) => Promise<V> | undefined;
}): KeptPerCluster<V> {
  const { id, clusters, logger, refreshMs } = options;
  // A kept value outlives two missed refreshes, not more: if the replicas stop
  // refreshing, requests go back to reading the clusters themselves.
  const kept = createAnswerCache<V>({
    cache: options.cache,
    ttlMs: 3 * refreshMs,
    maxLocal: 1_000,
    localTtlMs: LOCAL_COPY_MS,
  });
  const keyOf = (cluster: string) => `istio:${id}:v1:${cluster}`;

  async function refresh(name: string, signal: AbortSignal): Promise<void> {
    const reading = options.read(clusters.get(name));
    if (!reading) return;
    try {
      const value = await reading;
      if (!signal.aborted) await kept.set(keyOf(name), value);
    } catch (error) {
      if (signal.aborted) return;
      // Requests read the cluster themselves (and report the failure) until a refresh works.
      await kept.delete(keyOf(name)).catch(() => {});
      logger.warn(`Reading ${options.description} failed`, {
        cluster: name,
        error: (error as Error)?.name ?? 'unknown',
      });
    }
  }

  /** Every cluster in parallel; returns as soon as the run is aborted (a stopping replica). */
  async function refreshAll(signal: AbortSignal): Promise<void> {
    const all = Promise.allSettled(
      clusters.backgroundNames().map(name => refresh(name, signal)),
    );
    await Promise.race([all, whenAborted(signal)]);
  }

  return {
    get: cluster => kept.get(keyOf(cluster)),
    keep: (cluster, value) => kept.set(keyOf(cluster), value),
    async warm() {
      const never = new AbortController().signal;
      await Promise.allSettled(
        clusters.backgroundNames().map(async name => {
          if (!(await kept.get(keyOf(name)))) await refresh(name, never);
        }),
      );
    },
    schedule: () =>
      options.scheduler.scheduleTask({
        id: `istio-${id}`,
        scope: 'global',
        frequency: { milliseconds: refreshMs },
        timeout: { milliseconds: Math.max(refreshMs, REFRESH_TIMEOUT_MS) },
        fn: refreshAll,
      }),
  };
}

function whenAborted(signal: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
