import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { Entity } from '@backstage/catalog-model';
import { readCatalogCluster } from './catalogClusters';
import { NO_EXTRAS } from './istioClusterExtras';
import { readClusterConfigs, type ClusterConfigs } from './readClusterConfigs';
import type { IstioClusterConfig, UnusableCluster } from './types';

/** What a {@link ClusterDirectory} is made of. @public */
export interface ClusterDirectoryOptions {
  configs: ClusterConfigs;
  /**
   * Reads the catalog's `kubernetes-cluster` Resource entities (query them with
   * `CATALOG_CLUSTER_FILTER`); needed when a `catalog` locator is configured.
   */
  catalogEntities?: () => Promise<Entity[]>;
  logger?: LoggerService;
}

/**
 * The clusters the Istio plugins can use now: those from configuration, and those the
 * catalog lists when a `catalog` locator is configured (read again by
 * {@link ClusterDirectory.refresh}, so a cluster registered in the catalog is used
 * without a restart). Each unusable cluster is logged once, with its reason.
 *
 * @public
 */
export class ClusterDirectory {
  private catalogClusters: IstioClusterConfig[] = [];
  private catalogUnusable: UnusableCluster[] = [];
  private readonly reported = new Set<string>();

  constructor(private readonly options: ClusterDirectoryOptions) {
    this.report(options.configs.unusable);
    if (options.configs.catalog && !options.catalogEntities)
      this.catalogUnusable = [
        {
          name: '(catalog)',
          source: 'kubernetes.clusterLocatorMethods (catalog)',
          reason:
            'clusters from the catalog are not read by this part of the backend',
        },
      ];
  }

  /** A directory of the configured clusters only (no catalog reads). */
  static fromConfig(
    config: Config,
    options: Omit<ClusterDirectoryOptions, 'configs'> = {},
  ): ClusterDirectory {
    return new ClusterDirectory({
      ...options,
      configs: readClusterConfigs(config),
    });
  }

  /** The clusters that can be used now. */
  clusters(): IstioClusterConfig[] {
    return [...this.options.configs.clusters, ...this.catalogClusters];
  }

  /** The clusters that cannot be used, with the reason. */
  unusable(): UnusableCluster[] {
    return [...this.options.configs.unusable, ...this.catalogUnusable];
  }

  /**
   * Reads the catalog's clusters again. A failed read keeps the clusters last read
   * (a catalog hiccup must not make every catalog cluster disappear) and throws.
   */
  async refresh(): Promise<void> {
    const { catalog, extras, clusters } = this.options.configs;
    if (!catalog || !this.options.catalogEntities) return;
    const entities = await this.options.catalogEntities();
    const taken = new Set(clusters.map(c => c.name));
    const found: IstioClusterConfig[] = [];
    const unusable: UnusableCluster[] = [];
    for (const entity of entities) {
      const cluster = await readCatalogCluster(entity, catalog);
      if ('reason' in cluster) unusable.push(cluster);
      else if (taken.has(cluster.name))
        unusable.push({
          name: cluster.name,
          source: cluster.source,
          reason: `a cluster named '${cluster.name}' is already configured`,
        });
      else {
        taken.add(cluster.name);
        found.push({ ...cluster, ...(extras.get(cluster.name) ?? NO_EXTRAS) });
      }
    }
    this.catalogClusters = found;
    this.catalogUnusable = unusable;
    this.report(unusable);
  }

  private report(unusable: UnusableCluster[]): void {
    for (const { name, source, reason } of unusable) {
      const key = `${name}\n${source}\n${reason}`;
      if (this.reported.has(key)) continue;
      this.reported.add(key);
      this.options.logger?.warn(
        `Istio plugins skip cluster '${name}' (${source}): ${reason}`,
      );
    }
  }
}
