/**
 * Scaffolder actions for Istio service meshes.
 *
 * @packageDocumentation
 */

export { scaffolderModuleIstio as default } from './module';
export { createCheckVersionAction } from './actions/checkVersion';
export type { CheckVersionActionOptions } from './actions/checkVersion';
export { createMeshNamespaceAction } from './actions/createNamespace';
export type { MeshNamespaceActionOptions } from './actions/createNamespace';
export { createRenderInstallConfigAction } from './actions/renderInstallConfig';
export { createSidecarApplyAction } from './actions/sidecarApply';
export type { SidecarApplyActionOptions } from './actions/sidecarApply';
