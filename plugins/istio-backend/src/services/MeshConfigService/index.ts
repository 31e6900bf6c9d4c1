export { createMeshConfigService } from './createMeshConfigService';
export type { MeshConfigService } from './types';
