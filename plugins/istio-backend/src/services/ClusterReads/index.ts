export { createClusterReads } from './createClusterReads';
export type {
  ClusterReads,
  ClusterReadOptions,
  ClusterReadsOptions,
} from './types';
export {
  MeshEssentialsError,
  readMeshEssentials,
  type MeshEssentials,
} from './readMeshEssentials';
