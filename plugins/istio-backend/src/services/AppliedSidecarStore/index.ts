export {
  APPLIED_RETENTION_DAYS,
  AppliedSidecarStore,
} from './AppliedSidecarStore';
export type {
  AppliedSidecar,
  AppliedSidecarStoreOptions,
} from './AppliedSidecarStore';
