import type { Config } from '@backstage/config';
import { isClusterName } from '@istio-backstage/plugin-istio-common';
import type { IstioClusterConfig } from './types';

function optionalUrl(config: Config, key: string): string | undefined {
  const value = config.getOptionalString(key);
  if (value === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new Error(`Invalid URL in config at '${key}': not an absolute URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(
      `Invalid URL in config at '${key}': only http and https are allowed`,
    );
  }
  return value.replace(/\/+$/, '');
}

/**
 * Reads the clusters the Istio plugins use from the Kubernetes plugin's configuration
 * (`kubernetes.clusterLocatorMethods[]` of type `config`) and the optional
 * `istio.clusters[]` section that adds Prometheus and tool URLs per cluster.
 *
 * Fails fast with the offending config path, so a typo never turns into a cluster
 * that silently has no data.
 *
 * @public
 */
export function readClusterConfigs(root: Config): IstioClusterConfig[] {
  const clusters = new Map<string, IstioClusterConfig>();
  const locators =
    root.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  for (const locator of locators) {
    if (locator.getString('type') !== 'config') continue;
    for (const cluster of locator.getOptionalConfigArray('clusters') ?? []) {
      const name = cluster.getString('name');
      if (!isClusterName(name)) {
        throw new Error(
          `Invalid cluster name '${name}' in kubernetes.clusterLocatorMethods`,
        );
      }
      if (clusters.has(name)) {
        throw new Error(`Cluster '${name}' is configured more than once`);
      }
      const authProvider =
        cluster.getOptionalString('authProvider') ?? 'serviceAccount';
      if (authProvider !== 'serviceAccount') {
        throw new Error(
          `Cluster '${name}' uses authProvider '${authProvider}'; the Istio plugin supports 'serviceAccount' only`,
        );
      }
      clusters.set(name, {
        name,
        title: cluster.getOptionalString('title'),
        url: optionalUrl(cluster, 'url') ?? cluster.getString('url'),
        skipTLSVerify: cluster.getOptionalBoolean('skipTLSVerify') ?? false,
        caData: cluster.getOptionalString('caData'),
        caFile: cluster.getOptionalString('caFile'),
        credentials: {
          authProvider,
          serviceAccountToken: cluster.getOptionalString('serviceAccountToken'),
        },
        grafanaDashboards: {},
      });
    }
  }

  const extras = root.getOptionalConfigArray('istio.clusters') ?? [];
  for (const extra of extras) {
    const name = extra.getString('name');
    const cluster = clusters.get(name);
    if (!cluster) {
      throw new Error(
        `istio.clusters names '${name}', which is not a cluster in kubernetes.clusterLocatorMethods`,
      );
    }
    cluster.prometheusUrl = optionalUrl(extra, 'prometheus.url');
    cluster.kialiUrl = optionalUrl(extra, 'kiali.url');
    cluster.jaegerUrl = optionalUrl(extra, 'jaeger.url');
    cluster.grafanaUrl = optionalUrl(extra, 'grafana.url');
    cluster.grafanaDashboards = {
      service: extra.getOptionalString('grafana.dashboards.service'),
      workload: extra.getOptionalString('grafana.dashboards.workload'),
      mesh: extra.getOptionalString('grafana.dashboards.mesh'),
    };
  }
  return [...clusters.values()];
}
