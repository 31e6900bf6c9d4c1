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
export type {
  Scenario,
  ScenarioAwsIdentity,
  ScenarioGrant,
  ScenarioOidc,
  ScenarioToken,
} from './scenario/types';
export type { PolicyRule } from './api/rbac';
export type { Fault } from './api/faults';
export {
  startPrometheus,
  queryPrometheus,
  waitForSeries,
} from './testing/prometheus';
export type { RunningPrometheus } from './testing/prometheus';
export { createServingCertificate } from './api/tls';
export { createOidcTestIssuer } from './testing/oidcIssuer';
export type { OidcTestIssuer } from './testing/oidcIssuer';
export { policyRulesFromYaml } from './testing/rbacYaml';
export { kubeconfigFor } from './kubeconfig';
export { kubernetesConfigFor } from './backstageConfig';
export type { ConfiguredDemoCluster } from './backstageConfig';
export { RESOURCE_TYPES } from './store/resources';
export type { KubeObject } from './store/types';
