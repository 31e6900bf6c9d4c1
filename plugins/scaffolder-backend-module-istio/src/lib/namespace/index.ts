export {
  CLUSTER_NAME,
  DATA_PLANE_MODES,
  DNS_1123_LABEL,
  EGRESS_HOST,
  LABEL_VALUE,
  MTLS_MODES,
  validateMeshNamespaceInput,
} from './input';
export type { MeshNamespaceInput, MeshNamespaceRequest } from './input';
export {
  buildMeshNamespaceObjects,
  FIELD_MANAGER,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  OWNER_ANNOTATION,
} from './objects';
export type { MeshNamespaceObjects, MeshObject } from './objects';
export { applyMeshNamespace } from './applyMeshNamespace';
export type { AppliedObject, Checkpoint } from './applyMeshNamespace';
