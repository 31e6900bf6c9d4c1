export {
  installConfigInputSchema,
  parseInstallConfigInput,
  ISTIO_PROFILES,
  SCRAPE_JOBS,
  TRACING_PROVIDERS,
} from './schema';
export type { InstallConfigInput, InstallConfigRawInput } from './schema';
export { renderInstallConfig, istioMinorOf, ISTIO_NAMESPACE } from './render';
export type { InstallConfigRendering, RenderedFile } from './render';
export { writeRenderedFiles } from './writeFiles';
export * as patterns from './patterns';
