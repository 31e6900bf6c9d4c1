export { readClusterConfigs } from './readClusterConfigs';
export type { ClusterCredentials, IstioClusterConfig } from './types';
