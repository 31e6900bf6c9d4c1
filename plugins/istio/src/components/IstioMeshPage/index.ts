export { IstioMeshContent } from './IstioMeshContent';
export { IstioMeshPage } from './IstioMeshPage';
