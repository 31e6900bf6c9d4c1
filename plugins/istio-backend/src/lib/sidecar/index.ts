export * from './types';
export {
  DEFAULT_CLUSTER_DOMAIN,
  coveringWildcards,
  dnsNameCovers,
  dnsNamesOverlap,
  exportToOrDefault,
  isExportedTo,
  isVirtualServiceExportedTo,
  isWildcard,
  normalizeDnsName,
  parseKubernetesHost,
  parseEgressHost,
  resolveConfigHost,
  shortHost,
  type EgressHost,
} from './hosts';
export {
  ENVOY_FIXED_CLUSTERS,
  clusterCount,
  appliesToSidecars,
  compileEgressHosts,
  egressImports,
  proxyOfWorkload,
  sidecarInForce,
  virtualServiceHosts,
  virtualServiceUsableFrom,
  visibleServices,
  visibleVirtualServices,
  type EgressMatcher,
  type ProxyInfo,
} from './visibility';
export { recommendSidecar, withRecommendedSidecars } from './recommendSidecar';
export { withExportDefaults } from './meshIndex';
export { meanSidecarMemory } from './proxyMemory';
export {
  selectorChooser,
  sidecarObjectName,
  stableLabels,
  workloadSelectorFor,
} from './workloadSelector';
export {
  SIDECAR_API_VERSION,
  sidecarYaml,
  yamlScalar,
  type SidecarManifest,
} from './sidecarYaml';
export {
  DEFAULT_BYTES_PER_CLUSTER,
  estimateSaving,
  fitMemoryPerCluster,
  mib,
  sumSamples,
  type LinearFit,
  type MemoryFitSums,
} from './estimateSaving';
