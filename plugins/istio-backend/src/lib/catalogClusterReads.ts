import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { ClusterDirectory } from '@istio-backstage/plugin-istio-node';

/** How often the catalog's `kubernetes-cluster` entities are read again. */
export const CATALOG_CLUSTERS_REFRESH_SECONDS = 60;

/**
 * Reads the catalog's clusters now and every minute after, in each replica (its own
 * cluster list): a cluster registered in the catalog is used without a restart. A
 * failed read is logged and keeps the clusters last read; it never stops the start.
 */
export async function scheduleCatalogClusterReads(
  directory: ClusterDirectory,
  deps: { scheduler: SchedulerService; logger: LoggerService },
): Promise<void> {
  await deps.scheduler.scheduleTask({
    id: 'istio-catalog-clusters',
    scope: 'local',
    frequency: { seconds: CATALOG_CLUSTERS_REFRESH_SECONDS },
    timeout: { seconds: 30 },
    fn: async () => {
      try {
        await directory.refresh();
      } catch (error) {
        deps.logger.warn(
          `Could not read the Kubernetes clusters listed in the catalog; keeping the last list: ${
            (error as Error).name
          }`,
        );
      }
    },
  });
}
