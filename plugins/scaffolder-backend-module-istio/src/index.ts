/**
 * Scaffolder actions for Istio service meshes.
 *
 * @packageDocumentation
 */

export { scaffolderModuleIstio as default } from './module';
export { createCheckVersionAction } from './actions/checkVersion';
