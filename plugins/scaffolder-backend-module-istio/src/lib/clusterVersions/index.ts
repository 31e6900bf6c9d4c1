export {
  CONTROL_PLANE_NAMESPACE,
  istioVersionOfImage,
  readClusterVersions,
} from './readClusterVersions';
export type {
  ClusterIstioVersions,
  ClusterVersions,
} from './readClusterVersions';
