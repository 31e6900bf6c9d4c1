export { ClusterAccess } from './ClusterAccess';
export type { ClusterAccessOptions, ClusterResult } from './ClusterAccess';
export { ClusterClient, DEFAULT_CLUSTER_CLIENT_OPTIONS } from './ClusterClient';
export type { ClusterClientOptions, KubernetesApis } from './ClusterClient';
export type { JsonRequest } from './getJson';
export {
  ClusterCredentialError,
  createClusterCredentialSource,
} from './clusterCredentials';
export type { ClusterCredentialSource } from './clusterCredentials';
export { ClusterNotAnsweringError } from './circuitBreaker';
export { statusOf, toSourceError } from './errors';
export type { SourceError } from './errors';
export { toWriteError } from './writeErrors';
