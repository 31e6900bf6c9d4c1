/**
 * Links to the tools people open for a cluster's mesh. Only URLs that are configured
 * are present.
 *
 * @public
 */
export interface IstioToolLinks {
  /** Kiali base URL including its web root, e.g. `https://kiali.example.com/kiali`. */
  kialiUrl?: string;
  jaegerUrl?: string;
  grafanaUrl?: string;
  /** UIDs of the Istio Grafana dashboards (Istio ≥ 1.22 dashboards have no fixed UID). */
  grafanaDashboards?: { service?: string; workload?: string; mesh?: string };
}

/**
 * A configured cluster as the frontend may see it: never any credentials.
 *
 * @public
 */
export interface IstioClusterSummary {
  name: string;
  title?: string;
  links: IstioToolLinks;
  /** Whether a Prometheus is configured for this cluster. */
  prometheusConfigured: boolean;
  /**
   * The Kubernetes plugin's auth provider of the cluster. For `google`, `aks` and
   * `oidc` the browser sends the signed-in user's token with each request.
   */
  authProvider: string;
  /** For `oidc`: the sign-in provider whose token is sent (e.g. `okta`). */
  oidcTokenProvider?: string;
}

/**
 * A cluster the configuration names that the backend cannot use, and why.
 *
 * @public
 */
export interface IstioUnusableCluster {
  name: string;
  /** Where it is defined: a config path or a catalog entity ref. */
  source: string;
  reason: string;
}

/**
 * Response of `GET /api/istio/clusters`.
 *
 * @public
 */
export interface IstioClustersResponse {
  items: IstioClusterSummary[];
  /** Clusters that are configured but cannot be used, with the reason. */
  unusable: IstioUnusableCluster[];
}
