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
  return {
    ...createListReads(clusters, options.reuseMs, live),
    ...createKeptFacts(options),
    sidecarsChanged: cluster =>
      live?.relistSidecars(clusters.get(cluster).cluster.name),
    start: () => live?.start(),
    stop: () => live?.stop(),
  };
}
