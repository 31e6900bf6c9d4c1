import { createKeptFacts } from './keptFacts';
import { createListReads } from './listReads';
import { createLiveLists } from './liveLists';
import type { ClusterReads, ClusterReadsOptions } from './types';

/** Builds the {@link ClusterReads} of the configured clusters. */
export function createClusterReads(options: ClusterReadsOptions): ClusterReads {
  const { clusters, logger } = options;
  const live = options.watch
    ? createLiveLists({ clusters, logger, timings: options.liveListTimings })
    : undefined;
  const { warm, ...kept } = createKeptFacts(options);
  return {
    ...createListReads(clusters, options.reuseMs, live),
    ...kept,
    sidecarsChanged: cluster =>
      live?.relistSidecars(clusters.get(cluster).cluster.name),
    start() {
      live?.start();
      // In the background: a cluster that does not answer never holds up the start.
      void warm();
    },
    stop: () => live?.stop(),
  };
}
