/** MeshConfig ConfigMaps in istiod's namespace: `istio` (default revision) and `istio-<rev>`. */
export const MESH_CONFIG_MAP_NAME = /^istio(-[a-z0-9-]+)?$/;
