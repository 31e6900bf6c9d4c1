import type { PrometheusConnection } from '../prometheus/types';

/**
 * The Kubernetes plugin's `authProvider` values, all of which the Istio plugins accept.
 *
 * @public
 */
export const CLUSTER_AUTH_PROVIDERS = [
  'serviceAccount',
  'aws',
  'googleServiceAccount',
  'azure',
  'google',
  'aks',
  'oidc',
  'localKubectlProxy',
] as const;

/** One of {@link CLUSTER_AUTH_PROVIDERS}. @public */
export type ClusterAuthProvider = (typeof CLUSTER_AUTH_PROVIDERS)[number];

/**
 * Providers whose credential is the signed-in user's own token, sent by the browser
 * with each request (as the Kubernetes plugin does): no background work runs for
 * such clusters and no answer read with one user's token is given to another.
 *
 * @public
 */
export const USER_TOKEN_AUTH_PROVIDERS: ReadonlySet<ClusterAuthProvider> =
  new Set(['google', 'aks', 'oidc']);

/**
 * How the backend authenticates to a cluster: the Kubernetes plugin's `authProvider`
 * and its `authMetadata` (the `kubernetes.io/*` keys its auth strategies read, plus
 * `serviceAccountToken`). Never logged, never returned to a caller.
 *
 * @public
 */
export interface ClusterAuth {
  provider: ClusterAuthProvider;
  metadata: Record<string, string>;
}

/** Where a cluster was found. @public */
export type ClusterLocator = 'config' | 'catalog' | 'localKubectlProxy';

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
  auth: ClusterAuth;
  locator: ClusterLocator;
  /** Where it is defined: a config path or a catalog entity ref. */
  source: string;
  /** The Prometheus the backend queries (server side), with its credentials. */
  prometheus?: PrometheusConnection;
  /** Tool URLs people open in their browser. */
  kialiUrl?: string;
  jaegerUrl?: string;
  grafanaUrl?: string;
  /** Grafana dashboard UIDs, for Istio 1.22+ where the dashboards have no fixed UID. */
  grafanaDashboards: { service?: string; workload?: string; mesh?: string };
}

/**
 * A cluster the Kubernetes plugin's configuration names but the Istio plugins cannot
 * use: listed with the reason instead of failing the backend's start.
 *
 * @public
 */
export interface UnusableCluster {
  name: string;
  /** A config path (`kubernetes.clusterLocatorMethods[0].clusters[2]`) or an entity ref. */
  source: string;
  /** What is wrong or missing, without any secret. */
  reason: string;
}

/** Whether the cluster's credential is the signed-in user's token. @public */
export function usesUserToken(cluster: IstioClusterConfig): boolean {
  return USER_TOKEN_AUTH_PROVIDERS.has(cluster.auth.provider);
}
