export { AppliedSidecarStore } from './AppliedSidecarStore';
export type { AppliedSidecar } from './AppliedSidecarStore';
