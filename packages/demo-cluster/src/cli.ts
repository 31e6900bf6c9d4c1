// Starts the mesh simulator on its own:
//   node --require @backstage/cli/config/nodeTransform.cjs packages/demo-cluster/src/cli.ts \
//     [--scenario default] [--port 6443] [--metrics-port 9464] [--scale 200x10x5]
//     [--kubeconfig FILE]   (writes a kubeconfig with the CA and the first write token)
//     [--backstage-config FILE]   (writes the app-config that points Backstage at it)
//     [--prometheus-url URL]      (the Prometheus that scrapes it, for that app-config)
// or from the repository root: yarn demo-cluster [--scenario ...]
// The metrics port also serves the API server's request counter at /metrics/apiserver
// (demo_apiserver_requests_total{verb,path_group}; Prometheus scrapes /metrics only).
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { backstageConfigFor } from './backstageConfig';
import { kubeconfigFor } from './kubeconfig';
import { startDemoCluster } from './DemoCluster';
import {
  listScenarios,
  loadScenario,
  withScale,
} from './scenario/loadScenario';

async function main() {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string', default: 'default' },
      port: { type: 'string', default: '6443' },
      'metrics-port': { type: 'string', default: '9464' },
      scale: { type: 'string' },
      list: { type: 'boolean', default: false },
      kubeconfig: { type: 'string' },
      'backstage-config': { type: 'string' },
      'prometheus-url': { type: 'string' },
    },
  });
  if (values.list) {
    process.stdout.write(`${listScenarios().join('\n')}\n`);
    return;
  }
  let scenario = loadScenario(values.scenario!);
  if (values.scale) {
    const match = /^(\d+)x(\d+)x(\d+)$/.exec(values.scale);
    if (!match)
      throw new Error('--scale is NAMESPACESxSERVICESxPODS, e.g. 200x10x5');
    scenario = withScale(scenario, {
      namespaces: Number(match[1]),
      servicesPerNamespace: Number(match[2]),
      podsPerService: Number(match[3]),
    });
  }
  const started = Date.now();
  const cluster = await startDemoCluster({
    scenario,
    port: Number(values.port),
    metricsPort: Number(values['metrics-port']),
  });
  const summary = cluster.mesh.summary();
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
      }),
      { mode: 0o600 },
    );
  }
  process.stdout.write(
    `demo cluster '${scenario.name}' ready in ${Date.now() - started} ms: ${
      cluster.url
    } (metrics ${cluster.metricsUrl})\n` +
      `  ${summary.pods} pods, ${summary.proxies} proxies, ${summary.services} services, ${summary.edges} traffic edges\n` +
      `  tokens: ${scenario.auth.tokens
        .map(t => `${t.token} (${t.role ?? 'rules'})`)
        .join(', ')}\n`,
  );
  const stop = async () => {
    await cluster.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch(error => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
