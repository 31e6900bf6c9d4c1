export { createMeshConfigService } from './createMeshConfigService';
export type { MeshConfigService } from './types';
export { MeshEssentialsError, type MeshEssentials } from './readMeshEssentials';
export {
  createKeptMeshEssentials,
  type KeptMeshEssentials,
} from './keptMeshEssentials';
