/**
 * The mesh simulator: a local Kubernetes API with Istio installed, for the demo and
 * the integration tests.
 *
 * @packageDocumentation
 */

export { startDemoCluster } from './DemoCluster';
export type { DemoCluster, StartOptions } from './DemoCluster';
export {
  loadScenario,
  listScenarios,
  withScale,
} from './scenario/loadScenario';
export type { Scenario } from './scenario/types';
export type { Fault } from './api/faults';
export {
  startPrometheus,
  queryPrometheus,
  waitForSeries,
} from './testing/prometheus';
export type { RunningPrometheus } from './testing/prometheus';
export { kubeconfigFor } from './kubeconfig';
export { kubernetesConfigFor } from './backstageConfig';
export type { ConfiguredDemoCluster } from './backstageConfig';
export { RESOURCE_TYPES } from './store/resources';
