export { IstioMeshNamespaceProvider } from './IstioMeshNamespaceProvider';
export type {
  IstioMeshNamespaceProviderOptions,
  IstioMeshNamespaceRefresh,
} from './IstioMeshNamespaceProvider';
