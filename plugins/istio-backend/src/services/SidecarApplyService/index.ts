export { createSidecarApplyService } from './createSidecarApplyService';
export type { SidecarApplyService } from './types';
export { StaleApplyError } from './StaleApplyError';
