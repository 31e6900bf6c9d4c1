export { createSidecarMemoryService } from './createSidecarMemoryService';
export type { SidecarMemoryService } from './types';
export { cachedSidecarMemory, LOCAL_ANSWERS_MAX } from './cachedSidecarMemory';
export type { SidecarMemoryItem } from './analyseNamespace';
