/**
 * Backstage frontend plugin for Istio service meshes (legacy frontend system; the new
 * system is under `/alpha`).
 *
 * @packageDocumentation
 */

export {
  istioPlugin,
  EntityIstioContent,
  EntityIstioCard,
  IstioMeshPage,
} from './plugin';
export { IstioClusterPickerFieldExtension } from './scaffolder/fieldExtension';
export {
  istioApiRef,
  IstioClient,
  StaleApplyError,
  isStaleApplyError,
} from './api';
export type { IstioApi, IstioClientOptions } from './api';
export { isIstioAvailable } from '@istio-backstage/plugin-istio-common';
