#!/usr/bin/env node
// Quick-start command 1: starts the demo — the mesh simulator (Kubernetes API on
// https://127.0.0.1:6443, metrics on :9464), a second, small simulated cluster that
// only takes OIDC ID tokens (demo-oidc, https://127.0.0.1:6444; Backstage reads it with
// the signed-in user's token from the demo OIDC provider) and Backstage (app on :3000,
// backend on :7007) configured to use them like real clusters. Works from Node >= 20
// and npm alone: fetches Node 22 and installs dependencies first.
import fs from 'node:fs';
import path from 'node:path';
import { reexecUnderToolchain, repoRoot } from './lib/toolchain.mjs';
import { startService, stopService } from './lib/processes.mjs';
import { addExtraClusters } from './lib/extraClusters.mjs';
import { startBackend } from './lib/backend.mjs';

const toolchain = reexecUnderToolchain(import.meta.url);
const demoDir = path.join(repoRoot, 'node_modules/.cache/demo');
fs.mkdirSync(demoDir, { recursive: true });
const backstageConfig = path.join(demoDir, 'app-config.demo-cluster.yaml');
const kubeconfig = path.join(demoDir, 'kubeconfig');
fs.rmSync(backstageConfig, { force: true });

const children = [];
async function shutdown(code) {
  await Promise.all(children.map(child => stopService(child)));
  process.exit(code);
}
process.on('SIGINT', () => shutdown(130));
process.on('SIGTERM', () => shutdown(143));

// A real Prometheus scraping the simulator, when the machine has one (the test command
// installs Debian's; see scripts/ensure-system-packages.mjs).
let prometheusUrl;
if (fs.existsSync('/usr/bin/prometheus')) {
  const promDir = path.join(demoDir, 'prometheus');
  // Benchmarks start from an empty TSDB: history left by earlier runs (other scales,
  // other pods) would be replayed at start and scanned by every 7-day query, so figures
  // would depend on what ran on the machine before.
  if (process.env.DEMO_FRESH_PROMETHEUS === '1')
    fs.rmSync(path.join(promDir, 'data'), { recursive: true, force: true });
  fs.mkdirSync(promDir, { recursive: true });
  fs.writeFileSync(
    path.join(promDir, 'prometheus.yml'),
    [
      'global:',
      '  scrape_interval: 5s',
      'scrape_configs:',
      '  - job_name: demo-cluster',
      '    static_configs:',
      "      - targets: ['127.0.0.1:9464']",
      '',
    ].join('\n'),
  );
  const prometheus = startService(
    '/usr/bin/prometheus',
    [
      `--config.file=${path.join(promDir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(promDir, 'data')}`,
      '--storage.tsdb.retention.time=7d',
      '--web.listen-address=127.0.0.1:9091',
    ],
    { cwd: promDir, stdio: ['ignore', 'ignore', 'ignore'] },
  );
  children.push(prometheus);
  prometheusUrl = 'http://127.0.0.1:9091';
  process.stdout.write(
    `Prometheus scrapes the demo cluster: ${prometheusUrl}\n`,
  );
} else {
  process.stdout.write(
    'No Prometheus on this machine (node scripts/ensure-system-packages.mjs prometheus installs it); memory history and traffic will be unknown.\n',
  );
}

const cluster = startService(
  toolchain.node,
  [
    '--require',
    '@backstage/cli/config/nodeTransform.cjs',
    'packages/demo-cluster/src/cli.ts',
    '--scenario',
    process.env.DEMO_SCENARIO ?? 'default',
    // The scale generator, e.g. DEMO_SCALE=200x10x5 (benchmarks).
    ...(process.env.DEMO_SCALE ? ['--scale', process.env.DEMO_SCALE] : []),
    '--port',
    '6443',
    '--metrics-port',
    '9464',
    // The demo-oidc cluster (default on; DEMO_OIDC_CLUSTER=0 leaves it out, as the
    // benchmarks do).
    ...(process.env.DEMO_OIDC_CLUSTER === '0' ? [] : ['--oidc-port', '6444']),
    '--kubeconfig',
    kubeconfig,
    '--backstage-config',
    backstageConfig,
    ...(prometheusUrl ? ['--prometheus-url', prometheusUrl] : []),
  ],
  { cwd: repoRoot, env: toolchain.env, stdio: 'inherit' },
);
children.push(cluster);
cluster.on('exit', code => shutdown(code ?? 1));

const deadline = Date.now() + 60_000;
while (!fs.existsSync(backstageConfig)) {
  if (Date.now() > deadline) {
    process.stderr.write('the demo cluster did not start within 60 s\n');
    await shutdown(1);
  }
  await new Promise(r => setTimeout(r, 200));
}
// Benchmarks only (default off): more clusters, e.g. DEMO_EXTRA_CLUSTERS=demo-2,hang=https://127.0.0.1:4321.
if (process.env.DEMO_EXTRA_CLUSTERS) {
  const extras = await addExtraClusters(
    backstageConfig,
    process.env.DEMO_EXTRA_CLUSTERS,
  );
  process.stdout.write(
    `extra clusters: ${extras
      .map(e => (e.url ? `${e.name} -> ${e.url}` : e.name))
      .join(', ')}\n`,
  );
}
process.stdout.write(
  `kubectl works too: KUBECONFIG=${path.relative(
    process.cwd(),
    kubeconfig,
  )} kubectl top pod -n istio-demo\n`,
);

const configFiles = [path.join(repoRoot, 'app-config.yaml'), backstageConfig];
const backendOnly = process.env.DEMO_BACKEND_ONLY === '1';
// Benchmarks only (default off): DEMO_NO_BACKEND=1 runs the simulator and Prometheus
// alone; scripts/bench-replicas.mjs starts its backend instances itself.
if (process.env.DEMO_NO_BACKEND === '1') {
  process.stdout.write(
    `no Backstage (DEMO_NO_BACKEND=1); config: ${backstageConfig}\n`,
  );
} else {
  const backstage = backendOnly
    ? // Benchmarks only (default off): the backend alone, run as a deployment runs it
      // (see lib/backend.mjs).
      startBackend(toolchain, {
        configFiles,
        // e.g. --max-old-space-size=1024: the heap a container's memory limit gives.
        nodeOptions: process.env.DEMO_BACKEND_NODE_OPTIONS,
      })
    : startService(
        toolchain.yarn,
        [
          'backstage-cli',
          'repo',
          'start',
          ...configFiles.flatMap(file => ['--config', file]),
        ],
        { cwd: repoRoot, env: toolchain.env, stdio: 'inherit' },
      );
  children.push(backstage);
  backstage.on('exit', code => shutdown(code ?? 1));
}
