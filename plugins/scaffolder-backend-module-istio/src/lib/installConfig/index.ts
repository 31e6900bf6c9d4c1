export {
  installConfigInputSchema,
  parseInstallConfigInput,
  ISTIO_PROFILES,
  TRACING_PROVIDERS,
} from './schema';
export type { InstallConfigInput, InstallConfigRawInput } from './schema';
export { renderInstallConfig } from './render';
export type { InstallConfigRendering, RenderedFile } from './render';
export { writeRenderedFiles } from './writeFiles';
export * as patterns from './patterns';
