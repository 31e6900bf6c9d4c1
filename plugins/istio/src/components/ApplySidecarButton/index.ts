export { ApplySidecarButton } from './ApplySidecarButton';
export type { ApplySidecarTarget } from './ApplySidecarButton';
