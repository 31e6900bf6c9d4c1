export { createSidecarApplyService } from './createSidecarApplyService';
export type { SidecarApplyService } from './types';
