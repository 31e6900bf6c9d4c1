export {
  CONTROL_PLANE_NAMESPACE,
  readClusterVersions,
} from './readClusterVersions';
export type {
  ClusterIstioVersions,
  ClusterVersions,
} from './readClusterVersions';
