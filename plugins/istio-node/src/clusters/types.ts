/**
 * How the backend authenticates to a cluster. Only the Kubernetes plugin's
 * `serviceAccount` provider (a static bearer token) is supported for now.
 *
 * @public
 */
export interface ClusterCredentials {
  authProvider: 'serviceAccount';
  /** Bearer token. Never logged, never returned to a caller. */
  serviceAccountToken?: string;
}

/**
 * One cluster the Istio plugins may talk to: the Kubernetes plugin's cluster entry
 * plus the `istio.clusters[]` entry with the same name.
 *
 * @public
 */
export interface IstioClusterConfig {
  name: string;
  title?: string;
  /** Kubernetes API server URL. */
  url: string;
  skipTLSVerify: boolean;
  caData?: string;
  caFile?: string;
  credentials: ClusterCredentials;
  /** Prometheus base URL the backend queries (server side). */
  prometheusUrl?: string;
  /** Tool URLs people open in their browser. */
  kialiUrl?: string;
  jaegerUrl?: string;
  grafanaUrl?: string;
  /** Grafana dashboard UIDs, for Istio 1.22+ where the dashboards have no fixed UID. */
  grafanaDashboards: { service?: string; workload?: string; mesh?: string };
}
