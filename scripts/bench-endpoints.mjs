#!/usr/bin/env node
// Benchmark of the Istio endpoints on the running demo: starts `npm start` with the
// scale generator (DEMO_SCALE, default 200x10x5: 10,000 pods, 2,000 services), then
// measures cold and warm latency of sidecar-memory and mesh-config. Prints its figures
// and writes them to node_modules/.cache/bench/endpoints.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { reexecUnderToolchain, repoRoot } from './lib/toolchain.mjs';
import { startService, stopService, waitForHttp } from './lib/processes.mjs';

const toolchain = reexecUnderToolchain(import.meta.url);
const scale = process.env.DEMO_SCALE ?? '200x10x5';
const warmRuns = Number(process.env.BENCH_RUNS ?? 30);
const logFile = path.join(repoRoot, 'node_modules/.cache/bench/demo.log');
fs.mkdirSync(path.dirname(logFile), { recursive: true });
const log = fs.openSync(logFile, 'w');

const demo = startService(toolchain.node, ['scripts/start-demo.mjs'], {
  cwd: repoRoot,
  env: { ...toolchain.env, DEMO_SCALE: scale, BROWSER: 'none' },
  stdio: ['ignore', log, log],
});

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
}

async function timed(url, headers) {
  const started = performance.now();
  const res = await fetch(url, { headers });
  const body = await res.text();
  if (!res.ok)
    throw new Error(`${url} answered ${res.status}: ${body.slice(0, 200)}`);
  return { ms: performance.now() - started, bytes: body.length };
}

try {
  await waitForHttp('http://localhost:7007/api/istio/health', {
    timeoutMs: 240_000,
    isReady: r => r.status === 200,
  });
  const session = await fetch(
    'http://localhost:7007/api/auth/guest/refresh?env=development',
    { headers: { 'X-Requested-With': 'XMLHttpRequest' } },
  );
  const token = (await session.json()).backstageIdentity.token;
  const headers = { Authorization: `Bearer ${token}` };
  await waitForHttp(
    'http://localhost:7007/api/catalog/entities/by-name/component/default/productpage',
    { timeoutMs: 60_000, headers, isReady: r => r.status === 200 },
  );
  // Let Prometheus (when installed) scrape a few times.
  await new Promise(resolve => setTimeout(resolve, 12_000));

  const results = {};
  for (const [name, url] of [
    ['mesh-config', 'http://localhost:7007/api/istio/mesh-config?cluster=demo'],
    [
      'sidecar-memory',
      'http://localhost:7007/api/istio/sidecar-memory?entityRef=component:default/productpage',
    ],
  ]) {
    const cold = await timed(url, headers);
    const warm = [];
    for (let i = 0; i < warmRuns; i++)
      warm.push((await timed(url, headers)).ms);
    results[name] = {
      coldMs: Math.round(cold.ms),
      warmP50Ms: Math.round(percentile(warm, 50)),
      warmP95Ms: Math.round(percentile(warm, 95)),
      responseBytes: cold.bytes,
      runs: warmRuns,
    };
  }
  const report = {
    date: new Date().toISOString(),
    machine: {
      cpu: os.cpus()[0]?.model,
      cores: os.cpus().length,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
    },
    scale,
    results,
  };
  const out = path.join(repoRoot, 'node_modules/.cache/bench/endpoints.json');
  fs.writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(
    `${JSON.stringify(report, null, 2)}\n(written to ${path.relative(
      repoRoot,
      out,
    )})\n`,
  );
} finally {
  await stopService(demo, 15_000);
}
