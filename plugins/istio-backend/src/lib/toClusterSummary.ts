import type {
  IstioClustersResponse,
  IstioClusterSummary,
} from '@istio-backstage/plugin-istio-common';
import type {
  ClusterAccess,
  IstioClusterConfig,
} from '@istio-backstage/plugin-istio-node';

/**
 * The public view of a configured cluster. Built field by field (never by spreading
 * the config) so credentials, CA data and internal URLs cannot leak into a response.
 */
export function toClusterSummary(
  cluster: IstioClusterConfig,
): IstioClusterSummary {
  const links: IstioClusterSummary['links'] = {};
  if (cluster.kialiUrl) links.kialiUrl = cluster.kialiUrl;
  if (cluster.jaegerUrl) links.jaegerUrl = cluster.jaegerUrl;
  if (cluster.grafanaUrl) links.grafanaUrl = cluster.grafanaUrl;
  const dashboards = Object.fromEntries(
    Object.entries(cluster.grafanaDashboards).filter(([, uid]) => uid),
  );
  if (cluster.grafanaUrl && Object.keys(dashboards).length > 0) {
    links.grafanaDashboards = dashboards;
  }
  return {
    name: cluster.name,
    ...(cluster.title ? { title: cluster.title } : {}),
    links,
    prometheusConfigured: Boolean(cluster.prometheus),
    authProvider: cluster.auth.provider,
    ...(cluster.auth.provider === 'oidc'
      ? {
          oidcTokenProvider:
            cluster.auth.metadata['kubernetes.io/oidc-token-provider'],
        }
      : {}),
  };
}

/** `GET /clusters`: the usable clusters' public view, and the unusable ones with why. */
export function clustersSummary(
  clusters: Pick<ClusterAccess, 'configs' | 'unusable'>,
): IstioClustersResponse {
  return {
    items: clusters.configs().map(toClusterSummary),
    unusable: clusters.unusable().map(({ name, source, reason }) => ({
      name,
      source,
      reason,
    })),
  };
}
