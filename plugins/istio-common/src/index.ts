/**
 * Types, permissions and entity helpers shared by the Istio Backstage plugins.
 *
 * @packageDocumentation
 */

export * from './annotations';
export * from './isIstioAvailable';
export * from './permissions';
export * from './types';
export * from './support';
export * from './meshConfigTypes';
export * from './sidecarMemoryTypes';
export * from './sidecarApplyTypes';
export * from './entityMeshTypes';
export * from './names';
export * from './prometheusScrapeJobs';
export * from './diagnosticKinds';
export * from './diagnosticScope';
export * from './meshNamespaceKeys';
export * from './namespaceDataPlane';
export * from './kubernetesAuthHeader';
