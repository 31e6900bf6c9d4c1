import {
  PrometheusClient,
  type PrometheusConnection,
} from '@istio-backstage/plugin-istio-node';
import { memoryFitSums } from '../../lib/prometheus/proxyQueries';
import { SharedReads } from '../../lib/sharedReads';
import type { MemoryFitSums } from '../../lib/sidecar';
import { createKeptPerCluster } from './keptPerCluster';
import { readMeshEssentials, type MeshEssentials } from './readMeshEssentials';
import type { ClusterReads, ClusterReadsOptions } from './types';

/** The facts of {@link ClusterReads} refreshed in the background and kept in the cache service. */
export type KeptFacts = Pick<
  ClusterReads,
  'memoryFit' | 'essentials' | 'keepEssentials' | 'scheduleRefreshes'
> & {
  /** Reads the refreshed facts of clusters that have none kept yet. */
  warm(): Promise<void>;
};

/** A cluster's memory fit as kept: `sums` undefined when it has no proxy. */
interface KeptMemoryFit {
  sums?: MemoryFitSums;
}

/**
 * Control planes and tracing, and the memory fit: the value a background refresh kept,
 * else a read (shared while in flight) kept for the next requests and replicas.
 */
export function createKeptFacts(options: ClusterReadsOptions): KeptFacts {
  const { clusters } = options;
  const kept = {
    essentials: createKeptPerCluster<MeshEssentials>({
      ...options,
      id: 'mesh-essentials',
      description: 'the mesh control planes and tracing',
      refreshMs: options.essentialsRefreshMs ?? 30_000,
      read: readMeshEssentials,
    }),
    memoryFit: createKeptPerCluster<KeptMemoryFit>({
      ...options,
      id: 'memory-fit',
      description: 'the memory fit',
      refreshMs: options.memoryFitRefreshMs ?? 5 * 60_000,
      read: client => {
        const connection = client.cluster.prometheus;
        return connection ? readMemoryFit(connection) : undefined;
      },
    }),
  };
  const reading = {
    essentials: new SharedReads<MeshEssentials>(0),
    memoryFit: new SharedReads<KeptMemoryFit>(0),
  };

  return {
    async memoryFit(cluster, { fresh } = {}) {
      const client = clusters.get(cluster);
      const connection = client.cluster.prometheus;
      if (!connection) return undefined;
      if (fresh) return (await readMemoryFit(connection)).sums;
      const name = client.cluster.name;
      const fit =
        (await kept.memoryFit.get(name)) ??
        (await reading.memoryFit.get(name, async () => {
          const read = await readMemoryFit(connection);
          await kept.memoryFit.keep(name, read);
          return read;
        }));
      return fit.sums;
    },
    async essentials(cluster, { fresh, userAuth } = {}) {
      const client = clusters.get(cluster, userAuth);
      if (fresh || !client.sharesAnswers) return readMeshEssentials(client);
      const name = client.cluster.name;
      return (
        (await kept.essentials.get(name)) ??
        reading.essentials.get(name, async () => {
          const read = await readMeshEssentials(client);
          await kept.essentials.keep(name, read);
          return read;
        })
      );
    },
    async keepEssentials(cluster, essentials) {
      const client = clusters.get(cluster);
      // Read with a user's token: kept for no one else.
      if (client.sharesAnswers)
        await kept.essentials.keep(client.cluster.name, essentials);
    },
    async warm() {
      await Promise.all([
        options.essentialsRefreshMs !== undefined && kept.essentials.warm(),
        options.memoryFitRefreshMs !== undefined && kept.memoryFit.warm(),
      ]);
    },
    async scheduleRefreshes() {
      if (options.essentialsRefreshMs !== undefined)
        await kept.essentials.schedule();
      if (options.memoryFitRefreshMs !== undefined)
        await kept.memoryFit.schedule();
    },
  };
}

async function readMemoryFit(
  connection: PrometheusConnection,
): Promise<KeptMemoryFit> {
  return { sums: await memoryFitSums(new PrometheusClient(connection)) };
}
