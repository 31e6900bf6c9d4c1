export {
  createSidecarApplyService,
  FIELD_MANAGER,
} from './createSidecarApplyService';
export type { SidecarApplyService } from './types';
