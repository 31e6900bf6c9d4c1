export { createClusterReads } from './createClusterReads';
export type { ClusterReads, ClusterReadOptions } from './types';
export {
  MeshEssentialsError,
  readMeshEssentials,
  type MeshEssentials,
} from './readMeshEssentials';
