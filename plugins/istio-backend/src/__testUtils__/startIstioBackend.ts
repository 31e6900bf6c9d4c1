import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  kubernetesConfigFor,
  type DemoCluster,
} from '@istio-backstage/demo-cluster';
import {
  ClusterAccess,
  readClusterConfigs,
  type ClusterClientOptions,
} from '@istio-backstage/plugin-istio-node';
import { istioPlugin } from '../plugin';
import { bookinfoEntities } from './bookinfoEntities';
import { testUserInfo } from './testOrg';

/** A demo cluster as the backend should see it: a name, and optionally a Prometheus. */
export interface TestCluster {
  name: string;
  demo: DemoCluster;
  prometheusUrl?: string;
  token?: string;
}

/** The Kubernetes plugin's configuration of demo clusters, as a user writes it for real ones. */
function clusterConfigFor(clusters: TestCluster[]) {
  return {
    kubernetes: kubernetesConfigFor(
      clusters.map(c => ({
        name: c.name,
        url: c.demo.url,
        caPem: c.demo.caPem,
        token: c.token ?? 'demo-reader-token',
      })),
    ),
    istioClusters: clusters
      .filter(c => c.prometheusUrl)
      .map(c => ({ name: c.name, prometheus: { url: c.prometheusUrl } })),
  };
}

/** Cluster access built from that configuration, as the plugin builds it. */
export function clusterAccessFor(
  clusters: TestCluster[],
  options: Partial<ClusterClientOptions> = {},
): ClusterAccess {
  const { kubernetes, istioClusters } = clusterConfigFor(clusters);
  const config = new ConfigReader({
    kubernetes,
    istio: { clusters: istioClusters },
  });
  return new ClusterAccess(readClusterConfigs(config).clusters, options);
}

/**
 * Starts the Istio backend plugin with the Kubernetes-plugin style configuration of
 * the given demo clusters, exactly as a user would configure real ones.
 */
export async function startIstioTestBackend(
  clusters: TestCluster[],
  extraFeatures: Parameters<typeof startTestBackend>[0]['features'] = [],
  entities: Entity[] = bookinfoEntities,
  istioConfig: Record<string, unknown> = {},
  /** Other top-level configuration, e.g. `backend.database` and `backend.cache`. */
  rootConfig: Record<string, unknown> = {},
) {
  const { kubernetes, istioClusters } = clusterConfigFor(clusters);
  const config = {
    ...rootConfig,
    kubernetes,
    istio: {
      // Tests count the requests a route makes; a watch listing in the background
      // would blur that. Tests of the watch turn it on.
      watchMeshLists: false,
      keepMemoryFit: false,
      keepMeshEssentials: false,
      ...istioConfig,
      requestTimeoutMs: 2000,
      clusters: istioClusters,
    },
  };
  // A test's own catalog or user info replaces the default one.
  const replaced = new Set(
    (extraFeatures ?? []).map(
      f => (f as { service?: { id: string } }).service?.id,
    ),
  );
  const defaults = [
    catalogServiceMock.factory({ entities }),
    testUserInfo(),
  ].filter(f => !replaced.has(f.service.id));
  return startTestBackend({
    features: [
      istioPlugin,
      mockServices.rootConfig.factory({ data: config }),
      ...defaults,
      ...(extraFeatures ?? []),
    ],
  });
}

/** {@link startIstioTestBackend}, answering its HTTP server. */
export async function startIstioBackend(
  ...args: Parameters<typeof startIstioTestBackend>
) {
  return (await startIstioTestBackend(...args)).server;
}
