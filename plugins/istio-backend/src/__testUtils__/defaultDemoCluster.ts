import {
  loadScenario,
  RESOURCE_TYPES,
  startDemoCluster,
  type DemoCluster,
} from '@istio-backstage/demo-cluster';

/** The demo cluster with its default scenario, on free loopback ports. */
export function startDefaultDemoCluster(): Promise<DemoCluster> {
  return startDemoCluster({
    scenario: loadScenario('default'),
    port: 0,
    metricsPort: 0,
  });
}

/** The simulator's Service type, for creating and listing Services in tests. */
export const SERVICE_TYPE = RESOURCE_TYPES.find(
  t => t.group === '' && t.plural === 'services',
)!;
