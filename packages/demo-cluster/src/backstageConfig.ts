import yaml from 'yaml';
import type { Scenario, ScenarioApp } from './scenario/types';

/** A demo cluster as Backstage is told about it. */
export interface ConfiguredDemoCluster {
  name: string;
  title?: string;
  url: string;
  caPem: string;
  token: string;
}

/**
 * The Kubernetes plugin's `kubernetes` configuration for demo clusters — exactly what
 * a user writes for real ones: a `config` cluster locator with a service-account
 * token and the CA, TLS verified.
 */
export function kubernetesConfigFor(clusters: ConfiguredDemoCluster[]) {
  return {
    serviceLocatorMethod: { type: 'multiTenant' },
    clusterLocatorMethods: [
      {
        type: 'config',
        clusters: clusters.map(c => ({
          name: c.name,
          ...(c.title ? { title: c.title } : {}),
          url: c.url,
          authProvider: 'serviceAccount',
          serviceAccountToken: c.token,
          caData: Buffer.from(c.caPem).toString('base64'),
          skipTLSVerify: false,
        })),
      },
    ],
  };
}

/** A demo cluster reached with the signed-in user's token from the demo OIDC provider. */
export interface ConfiguredDemoOidcCluster {
  name: string;
  title: string;
  url: string;
  caPem: string;
  /** The cluster's `oidcTokenProvider`: the app's OIDC provider the token comes from. */
  oidcTokenProvider: string;
  /** The demo OIDC provider's settings, for the backend's demo-only plugin. */
  provider: { issuer: string; audience: string; privateKeyPem: string };
}

/**
 * The Kubernetes plugin's entry for an OIDC cluster, as an adopter writes one: no token
 * in the config, the user's own ID token from the named provider on each request.
 */
function oidcClusterEntry(cluster: ConfiguredDemoOidcCluster) {
  return {
    name: cluster.name,
    title: cluster.title,
    url: cluster.url,
    authProvider: 'oidc',
    oidcTokenProvider: cluster.oidcTokenProvider,
    caData: Buffer.from(cluster.caPem).toString('base64'),
    skipTLSVerify: false,
  };
}

/** A tool of the demo mesh as users open it: its address through `kubectl port-forward`. */
export interface DemoTool {
  /** The browser URL, base path included, once the port-forward runs. */
  url: string;
  /** The command that makes `url` answer, against a cluster that runs the tool. */
  portForward: string;
}

/** Kiali, Jaeger and Grafana of a demo scenario, as its Backstage config links to them. */
export interface DemoTools {
  kiali?: DemoTool;
  jaeger?: DemoTool;
  grafana?: DemoTool & {
    dashboards: { service: string; workload: string; mesh: string };
  };
}

/** Kiali's port: the scenario's Kiali config (`server.port`) and Service use 20001. */
const KIALI_PORT = 20001;

/** Grafana's local port: its own 3000 is the demo's Backstage app port. */
const GRAFANA_LOCAL_PORT = 3001;

/**
 * The Istio dashboards' UIDs the demo configures. Istio ≥ 1.22 dashboards have no fixed
 * UID, so against a real Grafana use the UIDs its dashboard URLs show (`/d/<uid>/…`).
 */
export const DEMO_GRAFANA_DASHBOARDS = {
  service: 'istio-service',
  workload: 'istio-workload',
  mesh: 'istio-mesh',
};

/** A path without trailing slashes, so `/` (served at the root) becomes empty. */
const trimPath = (path: string) => path.replace(/\/+$/, '');

/** The first app of that name in the scenario, with its namespace. */
function findApp(
  scenario: Scenario,
  name: string,
): { namespace: string; app: ScenarioApp } | undefined {
  for (const namespace of scenario.namespaces) {
    const app = namespace.apps?.find(a => a.name === name);
    if (app) return { namespace: namespace.name, app };
  }
  return undefined;
}

/**
 * Jaeger's query base path (its `QUERY_BASE_PATH`). The scenario declares it where Kiali
 * is told about Jaeger: the path of `external_services.tracing.in_cluster_url`, which
 * Jaeger's UI serves under as its API does.
 */
function jaegerBasePath(scenario: Scenario): string {
  const tracing = scenario.kiali?.externalServices?.tracing as
    | { in_cluster_url?: string }
    | undefined;
  if (!tracing?.in_cluster_url) return '';
  try {
    return trimPath(new URL(tracing.in_cluster_url).pathname);
  } catch {
    return '';
  }
}

/**
 * Where the demo's Kiali, Jaeger and Grafana would be opened, the way an adopter
 * configures them for a laptop: `kubectl port-forward` addresses on localhost, on ports
 * that leave the demo's own (3000, 7007, 6443, 6444, 9091, 9464) free. Only the tools
 * the scenario runs.
 */
export function demoToolsFor(scenario: Scenario): DemoTools {
  const tools: DemoTools = {};
  if (scenario.kiali) {
    const webRoot = trimPath(scenario.kiali.webRoot ?? '/kiali');
    tools.kiali = {
      url: `http://localhost:${KIALI_PORT}${webRoot}`,
      portForward: `kubectl -n ${scenario.kiali.namespace} port-forward svc/kiali ${KIALI_PORT}:${KIALI_PORT}`,
    };
  }
  const jaeger = findApp(scenario, 'jaeger-query');
  if (jaeger?.app.port) {
    const { port } = jaeger.app;
    tools.jaeger = {
      url: `http://localhost:${port}${jaegerBasePath(scenario)}`,
      portForward: `kubectl -n ${jaeger.namespace} port-forward svc/jaeger-query ${port}:${port}`,
    };
  }
  const grafana = findApp(scenario, 'grafana');
  if (grafana?.app.port) {
    tools.grafana = {
      url: `http://localhost:${GRAFANA_LOCAL_PORT}`,
      portForward: `kubectl -n ${grafana.namespace} port-forward svc/grafana ${GRAFANA_LOCAL_PORT}:${grafana.app.port}`,
      dashboards: DEMO_GRAFANA_DASHBOARDS,
    };
  }
  return tools;
}

/** The `istio.clusters[]` entry of the demo cluster: its Prometheus and tool links. */
function istioClusterEntry(prometheusUrl?: string, scenario?: Scenario) {
  const tools = scenario ? demoToolsFor(scenario) : {};
  const entry = {
    name: 'demo',
    ...(prometheusUrl ? { prometheus: { url: prometheusUrl } } : {}),
    ...(tools.kiali ? { kiali: { url: tools.kiali.url } } : {}),
    ...(tools.jaeger ? { jaeger: { url: tools.jaeger.url } } : {}),
    ...(tools.grafana
      ? {
          grafana: {
            url: tools.grafana.url,
            dashboards: tools.grafana.dashboards,
          },
        }
      : {}),
  };
  return Object.keys(entry).length > 1 ? entry : undefined;
}

/**
 * The Backstage configuration that points the Kubernetes plugin (and so the Istio
 * plugins) at a running demo cluster — exactly what a user writes for a real cluster:
 * a `config` cluster locator with a service-account token and the CA, TLS verified.
 * With `scenario`, the demo cluster's Kiali, Jaeger and Grafana links
 * (`istio.clusters[].kiali/jaeger/grafana`, see `demoToolsFor`).
 * With `oidcCluster`, a second cluster read with the signed-in user's OIDC token, and
 * the settings of the demo OIDC provider that signs those tokens (`demoOidcProvider`,
 * read by the backend's demo-only plugin; the file is written readable by its owner
 * only, as it also holds the service-account token).
 */
export function backstageConfigFor(options: {
  url: string;
  caPem: string;
  token: string;
  prometheusUrl?: string;
  /** The demo cluster's scenario, whose Kiali, Jaeger and Grafana are linked. */
  scenario?: Scenario;
  oidcCluster?: ConfiguredDemoOidcCluster;
}): string {
  const { oidcCluster } = options;
  const kubernetes = kubernetesConfigFor([
    {
      name: 'demo',
      title: 'Demo mesh (simulated cluster)',
      url: options.url,
      caPem: options.caPem,
      token: options.token,
    },
  ]);
  const [locator] = kubernetes.clusterLocatorMethods;
  const clusters = [
    ...locator.clusters,
    ...(oidcCluster ? [oidcClusterEntry(oidcCluster)] : []),
  ];
  const istioCluster = istioClusterEntry(
    options.prometheusUrl,
    options.scenario,
  );
  return yaml.stringify({
    kubernetes: {
      ...kubernetes,
      clusterLocatorMethods: [{ ...locator, clusters }],
    },
    ...(istioCluster ? { istio: { clusters: [istioCluster] } } : {}),
    ...(oidcCluster ? { demoOidcProvider: oidcCluster.provider } : {}),
  });
}
