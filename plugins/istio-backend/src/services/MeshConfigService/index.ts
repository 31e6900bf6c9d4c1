export { createMeshConfigService } from './createMeshConfigService';
export type { MeshConfigService } from './types';
export { MeshEssentialsError, type MeshEssentials } from './readMeshEssentials';
