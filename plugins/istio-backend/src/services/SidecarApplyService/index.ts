export {
  createSidecarApplyService,
  FIELD_MANAGER,
} from './createSidecarApplyService';
export type {
  SidecarApplyService,
  SidecarApplyResult,
  SidecarChange,
} from './types';
