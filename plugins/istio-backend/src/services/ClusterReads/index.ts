export { createClusterReads } from './createClusterReads';
export type {
  ClusterReads,
  ClusterReadOptions,
  ClusterReadsOptions,
} from './types';
export {
  MeshEssentialsError,
  meshEssentialsOf,
  readMeshEssentials,
  type MeshEssentials,
} from './readMeshEssentials';
