// Starts the mesh simulator on its own:
//   node --require @backstage/cli/config/nodeTransform.cjs packages/demo-cluster/src/cli.ts \
//     [--scenario default] [--port 6443] [--metrics-port 9464] [--scale 200x10x5]
//     [--oidc-port 6444]   (also starts the demo-oidc cluster: a small one that only takes
//                           OIDC ID tokens from the demo OIDC provider; see demoOidcCluster.ts)
//     [--kubeconfig FILE]   (writes a kubeconfig with the CA and the first write token)
//     [--backstage-config FILE]   (writes the app-config that points Backstage at it,
//                                  and at the demo-oidc cluster when there is one)
//     [--prometheus-url URL]      (the Prometheus that scrapes it, for that app-config)
// or from the repository root: yarn demo-cluster [--scenario ...]
// The metrics port also serves the API server's request counter at /metrics/apiserver
// (demo_apiserver_requests_total{verb,path_group}; Prometheus scrapes /metrics only).
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { backstageConfigFor } from './backstageConfig';
import { kubeconfigFor } from './kubeconfig';
import { startDemoCluster, type DemoCluster } from './DemoCluster';
import {
  DEMO_OIDC_CLUSTER,
  demoOidcClusterConfig,
  startDemoOidcCluster,
  type RunningDemoOidcCluster,
} from './demoOidcCluster';
import {
  listScenarios,
  loadScenario,
  withScale,
} from './scenario/loadScenario';
import type { Scenario } from './scenario/types';

type Options = ReturnType<typeof parseOptions>;

function parseOptions() {
  return parseArgs({
    options: {
      scenario: { type: 'string', default: 'default' },
      port: { type: 'string', default: '6443' },
      'metrics-port': { type: 'string', default: '9464' },
      'oidc-port': { type: 'string' },
      scale: { type: 'string' },
      list: { type: 'boolean', default: false },
      kubeconfig: { type: 'string' },
      'backstage-config': { type: 'string' },
      'prometheus-url': { type: 'string' },
    },
  }).values;
}

function scenarioOf(values: Options): Scenario {
  const scenario = loadScenario(values.scenario!);
  if (!values.scale) return scenario;
  const match = /^(\d+)x(\d+)x(\d+)$/.exec(values.scale);
  if (!match)
    throw new Error('--scale is NAMESPACESxSERVICESxPODS, e.g. 200x10x5');
  return withScale(scenario, {
    namespaces: Number(match[1]),
    servicesPerNamespace: Number(match[2]),
    podsPerService: Number(match[3]),
  });
}

/** Writes the kubeconfig and the Backstage config the options ask for. */
function writeConfigs(
  values: Options,
  cluster: DemoCluster,
  oidc?: RunningDemoOidcCluster,
) {
  const { scenario } = cluster;
  const token =
    scenario.auth.tokens.find(t => t.role === 'write') ??
    scenario.auth.tokens[0];
  const connection = {
    url: cluster.url,
    caPem: cluster.caPem,
    token: token.token,
  };
  if (values.kubeconfig) {
    fs.writeFileSync(values.kubeconfig, kubeconfigFor(connection), {
      mode: 0o600,
    });
  }
  if (values['backstage-config']) {
    fs.writeFileSync(
      values['backstage-config'],
      backstageConfigFor({
        ...connection,
        prometheusUrl: values['prometheus-url'],
        scenario,
        oidcCluster: oidc && demoOidcClusterConfig(oidc),
      }),
      { mode: 0o600 },
    );
  }
}

function summaryOf(cluster: DemoCluster, started: number): string {
  const summary = cluster.mesh.summary();
  return (
    `demo cluster '${cluster.scenario.name}' ready in ${
      Date.now() - started
    } ms: ${cluster.url} (metrics ${cluster.metricsUrl})\n` +
    `  ${summary.pods} pods, ${summary.proxies} proxies, ${summary.services} services, ${summary.edges} traffic edges\n`
  );
}

async function main() {
  const values = parseOptions();
  if (values.list) {
    process.stdout.write(`${listScenarios().join('\n')}\n`);
    return;
  }
  const scenario = scenarioOf(values);
  let started = Date.now();
  const cluster = await startDemoCluster({
    scenario,
    port: Number(values.port),
    metricsPort: Number(values['metrics-port']),
  });
  process.stdout.write(
    `${summaryOf(cluster, started)}  tokens: ${scenario.auth.tokens
      .map(t => `${t.token} (${t.role ?? 'rules'})`)
      .join(', ')}\n`,
  );
  let oidc: RunningDemoOidcCluster | undefined;
  if (values['oidc-port']) {
    started = Date.now();
    oidc = await startDemoOidcCluster(Number(values['oidc-port']));
    process.stdout.write(
      `${summaryOf(oidc.cluster, started)}  as ${
        DEMO_OIDC_CLUSTER.name
      }: OIDC ID tokens only, signed by the demo OIDC provider in the Backstage backend (issuer ${
        oidc.provider.issuer
      })\n`,
    );
  }
  writeConfigs(values, cluster, oidc);
  const stop = async () => {
    await Promise.all([cluster.stop(), oidc?.cluster.stop()]);
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch(error => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
