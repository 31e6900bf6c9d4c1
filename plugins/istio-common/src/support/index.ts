export { ISTIO_SUPPORT_MATRIX } from './istioSupportMatrix';
export type { IstioReleaseSupport } from './istioSupportMatrix';
export { supportVerdict } from './supportVerdict';
export type { SupportVerdict } from './supportVerdict';
