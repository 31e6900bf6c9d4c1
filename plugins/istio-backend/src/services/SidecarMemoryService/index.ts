export { createSidecarMemoryService } from './createSidecarMemoryService';
export type { SidecarMemoryService } from './types';
export { cachedSidecarMemory } from './cachedSidecarMemory';
