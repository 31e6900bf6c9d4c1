export { readClusterConfigs } from './readClusterConfigs';
export type { ClusterConfigs } from './readClusterConfigs';
export {
  CATALOG_CLUSTER_FILTER,
  type CatalogLocatorOptions,
} from './catalogClusters';
export type { CatalogUrlRules } from './catalogApiServerUrl';
export { ClusterDirectory } from './ClusterDirectory';
export type { ClusterDirectoryOptions } from './ClusterDirectory';
export {
  CLUSTER_AUTH_PROVIDERS,
  USER_TOKEN_AUTH_PROVIDERS,
  usesUserToken,
} from './types';
export type {
  ClusterAuth,
  ClusterAuthProvider,
  ClusterLocator,
  IstioClusterConfig,
  UnusableCluster,
} from './types';
export type { IstioClusterExtras } from './istioClusterExtras';
