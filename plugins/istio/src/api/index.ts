export { istioApiRef } from './IstioApi';
export type { IstioApi } from './IstioApi';
export { IstioClient } from './IstioClient';
