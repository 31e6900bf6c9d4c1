export { istioApiRef } from './IstioApi';
export type { IstioApi } from './IstioApi';
export { IstioClient } from './IstioClient';
export type { IstioClientOptions } from './IstioClient';
export { useIstioApi } from './useIstioApi';
export { StaleApplyError, isStaleApplyError } from './StaleApplyError';
