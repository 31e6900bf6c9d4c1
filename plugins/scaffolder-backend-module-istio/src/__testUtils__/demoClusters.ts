import { mockServices } from '@backstage/backend-test-utils';
import {
  kubernetesConfigFor,
  loadScenario,
  startDemoCluster,
  type Scenario,
  type DemoCluster,
} from '@istio-backstage/demo-cluster';
import {
  ClusterAccess,
  readClusterConfigs,
} from '@istio-backstage/plugin-istio-node';

/** A demo cluster as Backstage should see it: its configured name and token. */
export interface TestCluster {
  name: string;
  demo: DemoCluster;
  /** `demo-writer-token` (may write) unless told otherwise. */
  token?: string;
}

/** Starts the default demo mesh (or the given scenario) on free loopback ports. */
export function startTestDemoCluster(
  scenario: Scenario = loadScenario('default'),
): Promise<DemoCluster> {
  return startDemoCluster({
    scenario,
    port: 0,
    metricsPort: 0,
  });
}

/**
 * The configuration a user writes for real clusters (the Kubernetes plugin's
 * `config` cluster locator: URL, service-account token, CA), pointing at demo clusters.
 */
export function clusterConfigFor(
  clusters: TestCluster[],
  istio: Record<string, unknown> = {},
) {
  return {
    kubernetes: kubernetesConfigFor(
      clusters.map(c => ({
        name: c.name,
        url: c.demo.url,
        caPem: c.demo.caPem,
        token: c.token ?? 'demo-writer-token',
      })),
    ),
    // No background watch or Prometheus reads: tests count the requests actions make.
    istio: {
      requestTimeoutMs: 2000,
      watchMeshLists: false,
      keepMemoryFit: false,
      keepMeshEssentials: false,
      ...istio,
    },
  };
}

/** Cluster access built from that configuration, exactly as the module builds it. */
export function clusterAccessFor(clusters: TestCluster[]): ClusterAccess {
  const config = mockServices.rootConfig({ data: clusterConfigFor(clusters) });
  return new ClusterAccess(readClusterConfigs(config).clusters, {
    timeoutMs: 2000,
  });
}
