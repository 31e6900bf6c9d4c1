import type { Config } from '@backstage/config';
import type { CatalogLocatorOptions } from './catalogClusters';
import {
  readConfigLocatorCluster,
  type LocatedCluster,
} from './configLocatorCluster';
import {
  NO_EXTRAS,
  readIstioClusterExtras,
  type IstioClusterExtras,
} from './istioClusterExtras';
import type { IstioClusterConfig, UnusableCluster } from './types';

/**
 * The clusters the Istio plugins found in configuration.
 *
 * @public
 */
export interface ClusterConfigs {
  /** Clusters from `config` and `localKubectlProxy` locators, ready to use. */
  clusters: IstioClusterConfig[];
  /** Clusters that cannot be used, with the reason. */
  unusable: UnusableCluster[];
  /** Set when a `catalog` locator is configured: its clusters are read from the catalog. */
  catalog?: CatalogLocatorOptions;
  /** `istio.clusters[]` by name, for clusters found later (in the catalog). */
  extras: ReadonlyMap<string, IstioClusterExtras>;
}

// The address the Kubernetes plugin's localKubectlProxy locator uses, fixed by it.
const LOCAL_KUBECTL_PROXY: LocatedCluster = {
  name: 'local',
  url: 'http://127.0.0.1:8001',
  skipTLSVerify: false,
  auth: {
    provider: 'localKubectlProxy',
    metadata: { 'kubernetes.io/auth-provider': 'localKubectlProxy' },
  },
  locator: 'localKubectlProxy',
  source: 'kubernetes.clusterLocatorMethods (localKubectlProxy)',
};

function locatedClusters(
  locator: Config,
  path: string,
): Array<LocatedCluster | UnusableCluster> {
  const type = locator.getOptionalString('type');
  switch (type) {
    case 'config':
      return (locator.getOptionalConfigArray('clusters') ?? []).map(
        (cluster, index) =>
          readConfigLocatorCluster(cluster, `${path}.clusters[${index}]`),
      );
    case 'localKubectlProxy':
      return [{ ...LOCAL_KUBECTL_PROXY, source: path }];
    case 'catalog':
      return [];
    case 'gke':
      return [
        {
          name: `gke:${
            locator.getOptionalString('projectId') ?? '(no projectId)'
          }`,
          source: path,
          reason:
            'GKE cluster discovery calls Google Cloud APIs, which the Istio plugins do not use; list these clusters under a config locator (authProvider google or googleServiceAccount) instead',
        },
      ];
    default:
      return [
        {
          name: `(${type ?? 'no type'})`,
          source: path,
          reason: `unknown cluster locator type '${type ?? ''}'`,
        },
      ];
  }
}

function readCatalogLocator(
  locators: Config[],
): CatalogLocatorOptions | undefined {
  const catalog = locators.find(l => l.getOptionalString('type') === 'catalog');
  if (!catalog) return undefined;
  return {
    dangerouslyAllowClusterUrls:
      catalog.getOptionalStringArray('dangerouslyAllowClusterUrls') ?? [],
    dangerouslyAllowSkipTLSVerify:
      catalog.getOptionalBoolean('dangerouslyAllowSkipTLSVerify') ?? false,
  };
}

/**
 * Reads the clusters the Istio plugins use from the Kubernetes plugin's
 * `kubernetes.clusterLocatorMethods` (every locator type it has) and the optional
 * `istio.clusters[]` section that adds Prometheus and tool URLs per cluster.
 *
 * A cluster that cannot be used is returned in `unusable` with its reason instead of
 * failing the backend's start; mistakes in our own `istio.*` keys still fail fast with
 * their config path.
 *
 * @public
 */
export function readClusterConfigs(root: Config): ClusterConfigs {
  const extras = readIstioClusterExtras(root);
  const locators =
    root.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  const clusters = new Map<string, IstioClusterConfig>();
  const unusable: UnusableCluster[] = [];
  locators.forEach((locator, index) => {
    const path = `kubernetes.clusterLocatorMethods[${index}]`;
    for (const found of locatedClusters(locator, path)) {
      if ('reason' in found) unusable.push(found);
      else if (clusters.has(found.name))
        unusable.push({
          name: found.name,
          source: found.source,
          reason: `cluster '${found.name}' is configured more than once`,
        });
      else
        clusters.set(found.name, {
          ...found,
          ...(extras.get(found.name) ?? NO_EXTRAS),
        });
    }
  });
  const catalog = readCatalogLocator(locators);
  if (!catalog) {
    const known = new Set([...clusters.keys(), ...unusable.map(u => u.name)]);
    for (const name of extras.keys())
      if (!known.has(name))
        throw new Error(
          `istio.clusters names '${name}', which is not a cluster in kubernetes.clusterLocatorMethods`,
        );
  }
  return { clusters: [...clusters.values()], unusable, catalog, extras };
}
