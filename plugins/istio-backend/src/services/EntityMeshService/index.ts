export { createEntityMeshService } from './createEntityMeshService';
export type { EntityMeshService } from './types';
