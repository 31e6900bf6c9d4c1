export {
  DATA_PLANE_MODES,
  MTLS_MODES,
  validateMeshNamespaceInput,
} from './input';
export type { MeshNamespaceInput, MeshNamespaceRequest } from './input';
export { buildMeshNamespaceObjects } from './objects';
export type { MeshNamespaceObjects, MeshObject } from './objects';
export { applyMeshNamespace } from './applyMeshNamespace';
export type { AppliedObject, Checkpoint } from './applyMeshNamespace';
export type { NamespaceCaller } from './guards';
