import { mockServices } from '@backstage/backend-test-utils';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
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
  /** `demo-reader-token` unless told otherwise: the provider only reads. */
  token?: string;
}

/** Starts the default demo mesh on free loopback ports. */
export function startTestDemoCluster(): Promise<DemoCluster> {
  return startDemoCluster({
    // The default mesh plus the canary control plane the action's examples bind to.
    scenario: withCanaryRevision(loadScenario('default')),
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
        token: c.token ?? 'demo-reader-token',
      })),
    ),
    istio: { requestTimeoutMs: 1000, ...istio },
  };
}

/** Cluster access built from that configuration, as the module builds it. */
export function clusterAccessFor(clusters: TestCluster[]): ClusterAccess {
  const config = mockServices.rootConfig({ data: clusterConfigFor(clusters) });
  return new ClusterAccess(readClusterConfigs(config).clusters, {
    timeoutMs: 1000,
  });
}

/** One log line. */
export interface LogRecord {
  level: 'error' | 'warn' | 'info' | 'debug';
  message: string;
  meta?: unknown;
}

/** A logger that keeps what it is told, to check what reaches the logs. */
export function recordingLogger(records: LogRecord[] = []): LoggerService & {
  records: LogRecord[];
} {
  const at =
    (level: LogRecord['level']) => (message: string, meta?: unknown) => {
      records.push({ level, message, meta });
    };
  const logger = {
    records,
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    child: () => logger,
  };
  return logger;
}

/**
 * The catalog's side of a provider connection, recording each mutation — the
 * catalog's own interface, so the provider is exercised exactly as the catalog calls it.
 */
export function recordingConnection(): EntityProviderConnection & {
  mutations: EntityProviderMutation[];
} {
  const mutations: EntityProviderMutation[] = [];
  return {
    mutations,
    async applyMutation(mutation) {
      mutations.push(mutation);
    },
    async refresh() {},
  };
}

function withCanaryRevision(scenario: Scenario): Scenario {
  return {
    ...scenario,
    istio: { ...scenario.istio, revisions: [{ name: 'canary' }] },
  };
}
