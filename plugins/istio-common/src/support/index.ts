export {
  ISTIO_SUPPORT_MATRIX,
  ISTIO_SUPPORT_MATRIX_AS_OF,
} from './istioSupportMatrix';
export type {
  IstioReleaseSupport,
  IstioSupportMatrix,
} from './istioSupportMatrix';
export { mergeSupportMatrix } from './mergeSupportMatrix';
export { supportVerdict } from './supportVerdict';
export type { SupportVerdict } from './supportVerdict';
