#!/usr/bin/env node
// Benchmark of the Istio endpoints on the demo's large scenario (DEMO_SCALE, default
// 200x10x5: 200+ namespaces, 2,000 services, 10,000 pods) with a real Prometheus when the
// machine has one. One run measures, side by side on the same backend and cluster:
//   - sidecar-memory and mesh-config, cold and warm (p50/p95, with autocannon);
//   - the Kubernetes plugin's workloads query for the same entity, and our ratio to it;
//   - the framework floor: GET /api/istio/clusters (user auth + permission check, no
//     cluster I/O);
//   - a burst of 200 concurrent requests, then whether the backend still answers;
//   - backend RSS before, after the measurements and through a soak (BENCH_SOAK_SECONDS);
//   - then, with the demo restarted on 5 clusters of which one hangs, mesh-config and
//     sidecar-memory p50/p95 and whether every answer carries the 4 healthy clusters.
// Compares the figures with the limits of targetsOf() below (PASS/FAIL; a miss is reported,
// not an error), prints them and writes them to node_modules/.cache/bench/endpoints.json.
// Ports 7007/6443/9464/9091 are shared: run it as
//   flock /tmp/demo-ports.lock npm run bench:endpoints
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { reexecUnderToolchain, repoRoot } from './lib/toolchain.mjs';
import { stopService, waitForHttp } from './lib/processes.mjs';
import { collectGarbage, memoryFigures } from './lib/inspector.mjs';
import { commandLine, pidListeningOn, rssBytes } from './lib/procfs.mjs';
import { latencySummary, percentile, runLoad } from './lib/load.mjs';
import { startHangingServer } from './lib/hangingServer.mjs';
import {
  benchDir,
  benchLog,
  demoBenchSettings,
  describeMachine,
  gitState,
  guestSession,
  numberSetting,
  saveReport,
  sleep,
  textSetting,
} from './lib/bench.mjs';
import {
  PROMETHEUS_URL,
  assertPortsFree,
  portsInUse,
  prometheusVersion,
  simulatorSummary,
  startDemoScript,
  unlessExited,
  waitForDemoScrape,
} from './lib/benchDemo.mjs';

const toolchain = reexecUnderToolchain(import.meta.url);
const settings = {
  // DEMO_SCALE, BENCH_CONNECTIONS, BENCH_WARM_SECONDS, BENCH_BACKEND_NODE_OPTIONS.
  ...demoBenchSettings({ warmSeconds: 20 }),
  warmupRequests: numberSetting('BENCH_WARMUP_REQUESTS', 3),
  sequentialSeconds: numberSetting('BENCH_SEQUENTIAL_SECONDS', 10),
  // Single requests on a shared 2-core machine vary by 2× and more: odd counts, and
  // enough of them for a median that does not move with one slow answer.
  coldSamples: numberSetting('BENCH_COLD_SAMPLES', 5),
  // Fresh starts whose first requests are timed (the median is reported): one first
  // request is a single sample, and what else the backend does right after start
  // (its first Prometheus fit, the catalog's processing) moves it by several times.
  coldStarts: numberSetting('BENCH_COLD_STARTS', 7),
  burstConnections: numberSetting('BENCH_BURST_CONNECTIONS', 200),
  soakSeconds: numberSetting('BENCH_SOAK_SECONDS', 600),
  rssIntervalSeconds: numberSetting('BENCH_RSS_INTERVAL_SECONDS', 30),
  // Same as CACHE_TTL_MS in plugins/istio-backend/src/services/MeshConfigService.
  meshCacheTtlSeconds: numberSetting('BENCH_MESH_CACHE_TTL_SECONDS', 30),
  phases: textSetting('BENCH_PHASES', 'single,multi').split(','),
  // The backend's inspector (loopback): full GCs before and after the load, so RSS
  // figures compare live memory rather than garbage V8 had not yet collected.
  inspectPort: numberSetting('BENCH_INSPECT_PORT', 9329),
};
const BACKEND = 'http://localhost:7007';
const BACKEND_PORT = 7007;
const SHARED_PORTS = [7007, 6443, 9464, 9091, settings.inspectPort];
const ENTITY_REF = 'component:default/productpage';
const HEALTHY_EXTRA = ['demo-2', 'demo-3', 'demo-4'];
const HANGING = 'hanging';
fs.mkdirSync(benchDir, { recursive: true });
const runStarted = Date.now();
const mb = bytes =>
  bytes === undefined ? undefined : Math.round((bytes / 2 ** 20) * 10) / 10;
const log = benchLog('bench', runStarted);

// ---------------------------------------------------------------- requests and checks

/** The four requests compared, as autocannon request objects (auth added later). */
const ENDPOINTS = {
  noop: {
    label:
      'GET /api/istio/clusters (floor: user auth + permission check, no cluster I/O)',
    method: 'GET',
    path: '/api/istio/clusters',
  },
  kubernetesWorkloads: {
    label: `POST /api/kubernetes/resources/workloads/query {"entityRef":"${ENTITY_REF}"} (@backstage/plugin-kubernetes-backend)`,
    method: 'POST',
    path: '/api/kubernetes/resources/workloads/query',
    body: JSON.stringify({ entityRef: ENTITY_REF }),
    headers: { 'content-type': 'application/json' },
  },
  meshConfig: {
    label: 'GET /api/istio/mesh-config (all configured clusters)',
    method: 'GET',
    path: '/api/istio/mesh-config',
  },
  sidecarMemory: {
    label: `GET /api/istio/sidecar-memory?entityRef=${ENTITY_REF}`,
    method: 'GET',
    path: `/api/istio/sidecar-memory?entityRef=${encodeURIComponent(
      ENTITY_REF,
    )}`,
  },
  sidecarMemoryUncached: {
    label: `GET /api/istio/sidecar-memory?entityRef=${ENTITY_REF}&extraHost=bench/h<N>.example.com (a new egress host per request, so the 15 s answer caches never hit: the entity's pods and the whole analysis per request, on the namespace's reads kept for those 15 s)`,
    method: 'GET',
    path: `/api/istio/sidecar-memory?entityRef=${encodeURIComponent(
      ENTITY_REF,
    )}`,
    setupRequest: (() => {
      let n = 0;
      return request => ({
        ...request,
        path: `${request.path.split('&')[0]}&extraHost=${encodeURIComponent(
          `bench/h${++n}.example.com`,
        )}`,
      });
    })(),
  },
};

/**
 * Body checks per endpoint: undefined for a complete answer, else a short reason.
 * `healthy` clusters must answer without errors; `failing` ones must be reported.
 */
function checksFor({ healthy, failing }) {
  const all = [...healthy, ...failing];
  const checks = {
    noop: (_status, body) => {
      const names = (JSON.parse(body).items ?? []).map(c => c.name);
      return all.every(n => names.includes(n))
        ? undefined
        : 'cluster list incomplete';
    },
    kubernetesWorkloads: (_status, body) => {
      const json = JSON.parse(body);
      const pods = (json.items ?? [])
        .flatMap(item => item.resources ?? [])
        .filter(r => r.type === 'pods')
        .flatMap(r => r.resources ?? []);
      if (pods.length === 0) return 'no pods';
      const errors = (json.items ?? []).flatMap(i => i.errors ?? []);
      return errors.length ? 'cluster errors in the answer' : undefined;
    },
    meshConfig: (_status, body) => {
      const json = JSON.parse(body);
      const items = new Map((json.items ?? []).map(i => [i.cluster, i]));
      const problems = [];
      for (const name of healthy) {
        const item = items.get(name);
        if (!item) problems.push(`healthy cluster ${name} missing`);
        else if (item.errors?.length)
          problems.push(
            `healthy cluster ${name} has errors (${[
              ...new Set(item.errors.map(e => `${e.source}:${e.errorType}`)),
            ].join(',')})`,
          );
      }
      for (const name of failing) {
        const reported =
          (json.errors ?? []).some(e => e.cluster === name) ||
          items.get(name)?.errors?.length > 0;
        if (!reported) problems.push(`failing cluster ${name} not reported`);
      }
      return problems.length ? problems.join('; ') : undefined;
    },
    sidecarMemory: (_status, body) => {
      const json = JSON.parse(body);
      const outer = json.errors ?? [];
      const problems = [];
      for (const name of healthy) {
        const items = (json.items ?? []).filter(i => i.cluster === name);
        const failed = outer.find(e => e.cluster === name);
        if (items.length === 0)
          problems.push(
            `healthy cluster ${name} missing${
              failed ? ` (${failed.errorType})` : ''
            }`,
          );
        else if (items.some(i => i.proxies.length === 0))
          problems.push(`healthy cluster ${name} without proxies`);
        const sources = items.flatMap(i => i.errors ?? []);
        if (sources.length)
          problems.push(
            `healthy cluster ${name} has errors (${[
              ...new Set(sources.map(e => `${e.source}:${e.errorType}`)),
            ].join(',')})`,
          );
      }
      for (const name of failing) {
        if (!outer.some(e => e.cluster === name))
          problems.push(`failing cluster ${name} not in errors[]`);
      }
      return problems.length ? problems.join('; ') : undefined;
    },
  };
  checks.sidecarMemoryUncached = checks.sidecarMemory;
  return checks;
}

function withAuth(endpoint, headers) {
  return {
    method: endpoint.method,
    path: endpoint.path,
    ...(endpoint.body ? { body: endpoint.body } : {}),
    ...(endpoint.setupRequest ? { setupRequest: endpoint.setupRequest } : {}),
    headers: { ...(endpoint.headers ?? {}), ...headers },
  };
}

/** One request, timed from send to the last body byte, with its body checked. */
async function timedRequest(endpoint, headers, check) {
  const request = withAuth(endpoint, headers);
  const started = performance.now();
  const res = await fetch(`${BACKEND}${request.path}`, {
    method: request.method,
    headers: request.headers,
    body: request.body,
  });
  const body = await res.text();
  const ms = performance.now() - started;
  const problem = !res.ok
    ? `HTTP ${res.status}`
    : check
    ? check(res.status, body)
    : undefined;
  return {
    ms: Math.round(ms * 10) / 10,
    status: res.status,
    bytes: Buffer.byteLength(body),
    ...(problem ? { problem } : {}),
  };
}

// ---------------------------------------------------------------- the demo

let demo;
let hanging;
async function cleanUp() {
  await stopService(demo, 20_000);
  demo = undefined;
  await hanging?.close();
  hanging = undefined;
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => cleanUp().finally(() => process.exit(130)));
}

/** Starts the demo (backend only) and waits until it serves the entity; returns a user session. */
async function startDemo({ logName, extraEnv = {} }) {
  assertPortsFree(SHARED_PORTS);
  const logFile = path.join(benchDir, logName);
  const started = Date.now();
  demo = startDemoScript(toolchain, {
    logFile,
    scale: settings.scale,
    env: {
      DEMO_BACKEND_ONLY: '1',
      DEMO_BACKEND_NODE_OPTIONS:
        `${settings.backendNodeOptions} --inspect=127.0.0.1:${settings.inspectPort}`.trim(),
      ...extraEnv,
    },
  });
  // Fail fast, with the log's last lines, when the demo exits instead of starting.
  await unlessExited(
    demo,
    logFile,
    'the demo',
    waitForHttp(`${BACKEND}/api/istio/health`, {
      timeoutMs: 300_000,
      isReady: r => r.status === 200,
    }),
  );
  const headers = await guestSession(BACKEND);
  await waitForHttp(
    `${BACKEND}/api/catalog/entities/by-name/component/default/productpage`,
    { timeoutMs: 120_000, headers, isReady: r => r.status === 200 },
  );
  const prometheus = await waitForPrometheus();
  const pid = pidListeningOn(BACKEND_PORT);
  return {
    headers,
    pid,
    prometheus,
    startSeconds: Math.round((Date.now() - started) / 1000),
    backendCommand: commandLine(pid)
      ?.replace(/--config \S+/g, '--config …')
      .replace(repoRoot, '.'),
    simulator: simulatorSummary(logFile),
    logFile: path.relative(repoRoot, logFile),
  };
}

/** Waits until Prometheus has scraped the simulator (a few scrapes), when it runs. */
async function waitForPrometheus() {
  const version = prometheusVersion();
  if (version === undefined) return { installed: false };
  await waitForDemoScrape();
  await sleep(12_000); // two more scrapes at the 5 s interval
  return { installed: true, version, url: PROMETHEUS_URL };
}

async function stopDemo() {
  await stopService(demo, 20_000);
  demo = undefined;
  const deadline = Date.now() + 60_000;
  while (portsInUse(SHARED_PORTS).length && Date.now() < deadline)
    await sleep(500);
}

// ---------------------------------------------------------------- measurements

const rssSamples = [];
function sampleRss(pid, label) {
  const bytes = rssBytes(pid);
  const sample = {
    atSeconds: Math.round((Date.now() - runStarted) / 1000),
    label,
    rssMB: mb(bytes),
  };
  rssSamples.push(sample);
  return sample;
}

async function load(endpointNames, headers, options) {
  const loadBefore = os.loadavg()[0];
  const result = await runLoad({
    url: BACKEND,
    requests: endpointNames.map(name => withAuth(ENDPOINTS[name], headers)),
    ...options,
  });
  return {
    ...result,
    loadAverage1m: {
      before: Math.round(loadBefore * 100) / 100,
      after: Math.round(os.loadavg()[0] * 100) / 100,
    },
  };
}

/**
 * Warm figures of one endpoint over `connections`: a warm-up of `warmupRequests` per
 * connection (discarded) that also sizes the run, then as many requests per connection
 * as fill about `seconds` (at least 3), every answer awaited.
 */
async function measure(name, headers, check, connections, seconds) {
  const warmup = await load([name], headers, {
    connections,
    perConnection: settings.warmupRequests,
    timeoutSeconds: 120,
  });
  // Each connection waits for its answer before the next request (closed loop); the
  // median ignores a warm-up answer that happened to refresh a cache.
  const perRequestSeconds = (warmup.latencyAllAnswers.p50Ms ?? 1000) / 1000;
  const perConnection = Math.min(
    5000,
    Math.max(3, Math.round(seconds / Math.max(perRequestSeconds, 0.001))),
  );
  return load([name], headers, {
    connections,
    perConnection,
    timeoutSeconds: 120,
    check,
  });
}

/** Warm figures of one endpoint: N connections, then one connection. */
async function warm(name, headers, check) {
  log(`warm: ${name}`);
  const concurrent = await measure(
    name,
    headers,
    check,
    settings.connections,
    settings.warmSeconds,
  );
  const sequential = await measure(
    name,
    headers,
    check,
    1,
    settings.sequentialSeconds,
  );
  return { concurrent, sequential };
}

/**
 * The first request of each route after start. The floor goes first so it absorbs the
 * framework's own first-request costs; sidecar-memory goes before mesh-config, so it
 * reads the mesh's essentials itself (no mesh-config answer is kept yet).
 */
async function firstRequests(headers, checks, start) {
  const first = {};
  // Whichever of the two goes first pays start-up costs the other then shares (the
  // catalog's first lookups, service tokens): the starts take turns.
  const compared =
    start % 2 === 1
      ? ['kubernetesWorkloads', 'sidecarMemory']
      : ['sidecarMemory', 'kubernetesWorkloads'];
  for (const name of ['noop', ...compared, 'meshConfig']) {
    first[name] = await timedRequest(ENDPOINTS[name], headers, checks[name]);
  }
  return first;
}

/** Per route: the median time over the starts (`ms`), with every start's answer. */
function medianOfStarts(starts) {
  return Object.fromEntries(
    Object.keys(starts[0]).map(name => {
      const samples = starts.map(start => start[name]);
      const failed = samples.find(sample => sample.problem);
      return [
        name,
        {
          ms: percentile(
            samples.map(sample => sample.ms),
            50,
          ),
          status: (failed ?? samples[samples.length - 1]).status,
          ...(failed ? { problem: failed.problem } : {}),
          samples,
        },
      ];
    }),
  );
}

function ratio(a, b) {
  return a === undefined || !b ? undefined : Math.round((a / b) * 100) / 100;
}

/** `to − from` in MB, to 0.1 MB. */
const deltaMB = (to, from) => Math.round((to - from) * 10) / 10;

/**
 * Where the RSS growth happened, in run order: the cold requests (each route's first
 * answers and three after idle), the no-op floor's warm run (auth and a permission
 * check only: the framework's own growth under load), the Kubernetes plugin's warm run,
 * and the Istio routes' warm runs, burst and soak up to the peak; then what is still
 * there after a full GC (what a leak would grow).
 */
function rssGrowthParts(rss) {
  const warm = rss.afterEachWarmMB;
  return {
    coldRequestsMB: deltaMB(rss.afterColdMB, rss.beforeMB),
    floorWarmRunMB: deltaMB(warm.noop, rss.afterColdMB),
    kubernetesPluginWarmRunMB: deltaMB(warm.kubernetesWorkloads, warm.noop),
    istioWarmRunsBurstAndSoakMB: deltaMB(rss.peakMB, warm.kubernetesWorkloads),
    keptAfterFullGcMB: rss.keptGrowthMB,
  };
}

/** Least-squares slope of RSS (MB per minute) over samples. */
function slopeMBPerMinute(samples) {
  if (samples.length < 2) return undefined;
  const xs = samples.map(s => s.atSeconds / 60);
  const ys = samples.map(s => s.rssMB);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const num = xs.reduce((n, x, i) => n + (x - mx) * (ys[i] - my), 0);
  const den = xs.reduce((n, x) => n + (x - mx) ** 2, 0);
  return den ? Math.round((num / den) * 100) / 100 : undefined;
}

/** Phase 1; fills `out` as it goes, so a failure half-way still reports what was measured. */
async function singleClusterPhase(out) {
  const checks = checksFor({ healthy: ['demo'], failing: [] });
  // Cold 1: the first requests after start; all but the last start are their own.
  const coldStarts = [];
  for (let i = 1; i < settings.coldStarts; i++) {
    log(`cold: first requests after start ${i}/${settings.coldStarts}`);
    const extra = await startDemo({ logName: `demo-cold-start-${i}.log` });
    coldStarts.push(await firstRequests(extra.headers, checks, i));
    await stopDemo();
  }
  log('phase 1: starting the demo (one cluster, large scenario)');
  const session = await startDemo({ logName: 'demo.log' });
  const { headers, pid, ...started } = session;
  out.demo = { pid, ...started }; // never the sign-in headers
  const rssAtStart = sampleRss(pid, 'started, catalog loaded');
  // Right after start the heap still holds the start-up's garbage, more or less of it
  // from run to run; the baseline is the idle backend's live memory.
  await collectGarbage(settings.inspectPort);
  const rssBefore = sampleRss(pid, 'before load: idle, after a full GC');
  // Where RSS sits (V8's heap or outside it) at the moments the growth is judged on.
  const memory = { before: await memoryFigures(settings.inspectPort) };

  log(
    `cold: first requests after start ${settings.coldStarts}/${settings.coldStarts}`,
  );
  coldStarts.push(await firstRequests(headers, checks, settings.coldStarts));
  out.cold = { firstAfterStart: medianOfStarts(coldStarts) };

  // Cold 2: after the mesh cache expired (the backend is no longer fresh). The
  // Kubernetes plugin caches nothing: its figure is after the same idle time.
  const afterExpiry = {
    meshConfig: [],
    kubernetesWorkloads: [],
    sidecarMemory: [],
  };
  const idleMs = (settings.meshCacheTtlSeconds + 2) * 1000;
  for (let i = 0; i < settings.coldSamples; i++) {
    log(`cold after cache expiry ${i + 1}/${settings.coldSamples}`);
    await sleep(idleMs);
    afterExpiry.meshConfig.push(
      await timedRequest(ENDPOINTS.meshConfig, headers, checks.meshConfig),
    );
    await sleep(idleMs);
    // As after a start, the two compared routes take turns going first.
    const compared =
      i % 2 === 0
        ? ['kubernetesWorkloads', 'sidecarMemory']
        : ['sidecarMemory', 'kubernetesWorkloads'];
    for (const name of compared) {
      afterExpiry[name].push(
        await timedRequest(ENDPOINTS[name], headers, checks[name]),
      );
    }
  }
  const rssAfterCold = sampleRss(pid, 'after the cold requests');
  out.cold.afterCacheExpiry = Object.fromEntries(
    Object.entries(afterExpiry).map(([name, samples]) => [
      name,
      {
        medianMs: percentile(
          samples.map(s => s.ms),
          50,
        ),
        samples,
      },
    ]),
  );

  const warmResults = {};
  out.warm = warmResults;
  for (const name of [
    'noop',
    'kubernetesWorkloads',
    'meshConfig',
    'sidecarMemory',
    'sidecarMemoryUncached',
  ]) {
    warmResults[name] = await warm(name, headers, checks[name]);
    sampleRss(pid, `after warm ${name}`);
    if (name === 'noop') {
      memory.afterNoopWarm = await memoryFigures(settings.inspectPort);
    }
  }
  const rssAfterWarm = sampleRss(pid, 'after cold and warm measurements');

  log(`burst: ${settings.burstConnections} concurrent requests`);
  const burst = {};
  out.burst = burst;
  for (const name of ['sidecarMemory', 'meshConfig']) {
    const result = await load([name], headers, {
      connections: settings.burstConnections,
      amount: settings.burstConnections,
      timeoutSeconds: 120,
      check: checks[name],
    });
    const health = await timedRequest(
      { method: 'GET', path: '/api/istio/health' },
      {},
    );
    const floor = await timedRequest(ENDPOINTS.noop, headers, checks.noop);
    burst[name] = {
      ...result,
      afterwards: {
        health: health.status,
        healthMs: health.ms,
        floorStatus: floor.status,
        floorMs: floor.ms,
        sameBackendProcess: pidListeningOn(BACKEND_PORT) === pid,
      },
    };
  }
  const rssAfterMeasurements = sampleRss(
    pid,
    'after the measurements (warm and burst)',
  );

  log(`soak: ${settings.soakSeconds} s`);
  const soakStart = sampleRss(pid, 'soak start');
  const soakSamples = [soakStart];
  const sampler = setInterval(
    () => soakSamples.push(sampleRss(pid, 'soak')),
    settings.rssIntervalSeconds * 1000,
  );
  const soakChecks = {
    sidecarMemory: checks.sidecarMemory,
    meshConfig: checks.meshConfig,
    noop: checks.noop,
  };
  let soak;
  try {
    soak = await runLoad({
      url: BACKEND,
      requests: ['sidecarMemory', 'meshConfig', 'noop'].map(name => ({
        ...withAuth(ENDPOINTS[name], headers),
      })),
      connections: settings.connections,
      durationSeconds: settings.soakSeconds,
      // A mixed run: tell the answers apart by their shape.
      check: (status, body) => {
        const json = JSON.parse(body);
        const kind =
          'entityRef' in json
            ? 'sidecarMemory'
            : 'errors' in json
            ? 'meshConfig'
            : 'noop';
        return soakChecks[kind](status, body);
      },
    });
  } finally {
    clearInterval(sampler);
  }
  out.soak = {
    durationSeconds: settings.soakSeconds,
    mix: ['sidecarMemory', 'meshConfig', 'noop'],
    ...soak,
  };
  const rssAfterSoak = sampleRss(pid, 'after the soak');
  soakSamples.push(rssAfterSoak);
  memory.afterSoak = await memoryFigures(settings.inspectPort);
  // What the load left alive: a leak shows here, V8's uncollected garbage does not.
  await collectGarbage(settings.inspectPort);
  const rssKept = sampleRss(pid, 'after the soak and a full GC');
  memory.kept = await memoryFigures(settings.inspectPort);
  const lastHalf = soakSamples.filter(
    s => s.atSeconds >= soakStart.atSeconds + settings.soakSeconds / 2,
  );
  // The peak under load: from the baseline to the end of the soak (not the start-up's
  // garbage before the baseline's GC, nor the sample after the last GC).
  const peak = rssSamples
    .slice(rssSamples.indexOf(rssBefore), rssSamples.indexOf(rssAfterSoak) + 1)
    .reduce((m, s) => Math.max(m, s.rssMB ?? 0), 0);
  out.rss = {
    process: { pid, command: session.backendCommand },
    atStartMB: rssAtStart.rssMB,
    beforeMB: rssBefore.rssMB,
    afterColdMB: rssAfterCold.rssMB,
    afterWarmMB: rssAfterWarm.rssMB,
    afterEachWarmMB: Object.fromEntries(
      rssSamples
        .filter(x => x.label.startsWith('after warm '))
        .map(x => [x.label.slice('after warm '.length), x.rssMB]),
    ),
    afterMeasurementsMB: rssAfterMeasurements.rssMB,
    afterSoakMB: rssAfterSoak.rssMB,
    peakMB: peak,
    growthAfterSoakMB: deltaMB(rssAfterSoak.rssMB, rssBefore.rssMB),
    growthPeakMB: deltaMB(peak, rssBefore.rssMB),
    keptAfterLoadMB: rssKept.rssMB,
    keptGrowthMB: deltaMB(rssKept.rssMB, rssBefore.rssMB),
    soakLastHalfSlopeMBPerMinute: slopeMBPerMinute(lastHalf),
    soakSamples,
    memory,
  };
  await stopDemo();
}

/** Phase 2; fills `out` as it goes. */
async function multiClusterPhase(out) {
  hanging = await startHangingServer();
  const hangingUrl = `https://127.0.0.1:${hanging.port}`;
  log(
    `phase 2: demo with 5 clusters, '${HANGING}' at ${hangingUrl} never answers`,
  );
  const session = await startDemo({
    logName: 'demo-5-clusters.log',
    extraEnv: {
      DEMO_EXTRA_CLUSTERS: [...HEALTHY_EXTRA, `${HANGING}=${hangingUrl}`].join(
        ',',
      ),
    },
  });
  const { headers, ...started } = session;
  out.demo = started; // never the sign-in headers
  const healthy = ['demo', ...HEALTHY_EXTRA];
  const checks = checksFor({ healthy, failing: [HANGING] });
  const clusters = await timedRequest(ENDPOINTS.noop, headers, checks.noop);
  out.clusters = {
    healthy,
    healthyNote:
      'the 4 healthy clusters are the same simulator under 4 names (same API server and Prometheus)',
    hanging: HANGING,
    listedByClustersRoute: clusters.problem ? clusters.problem : 'all 5',
  };
  out.cold = {};
  out.cold.firstAfterStart = {
    meshConfig: await timedRequest(
      ENDPOINTS.meshConfig,
      headers,
      checks.meshConfig,
    ),
    sidecarMemory: await timedRequest(
      ENDPOINTS.sidecarMemory,
      headers,
      checks.sidecarMemory,
    ),
  };
  const warmResults = {};
  out.warm = warmResults;
  for (const name of ['meshConfig', 'sidecarMemory']) {
    log(`5 clusters, warm: ${name}`);
    warmResults[name] = await measure(
      name,
      headers,
      checks[name],
      settings.connections,
      settings.warmSeconds,
    );
  }
  out.clusters.hangingNote = `a loopback TCP server that accepts connections and never answers (${hanging.accepted()} connections accepted during the phase)`;
  await stopDemo();
  await hanging.close();
  hanging = undefined;
}

// ---------------------------------------------------------------- targets and report

function target(name, measured, limit, unit, pass, extra = {}) {
  return {
    target: name,
    measured,
    limit,
    unit,
    result: measured === undefined ? 'NOT MEASURED' : pass ? 'PASS' : 'FAIL',
    ...(measured !== undefined && !pass && typeof measured === 'number'
      ? { missedBy: Math.round((measured - limit) * 100) / 100 }
      : {}),
    ...extra,
  };
}

function targetsOf(single, multi) {
  const targets = [];
  // A phase that stopped half-way yields the targets it measured, in order.
  try {
    singleTargets(single, targets);
  } catch {
    targets.push({
      target: 'further one-cluster targets',
      result: 'NOT MEASURED',
    });
  }
  try {
    multiTargets(multi, targets);
  } catch {
    targets.push({
      target: 'further 5-cluster targets',
      result: 'NOT MEASURED',
    });
  }
  return targets;
}

function singleTargets(single, targets) {
  if (single) {
    const w = single.warm;
    const p50 = name => w[name].concurrent.latency.p50Ms;
    const seqP50 = name => w[name].sequential.latency.p50Ms;
    const warmRatio = ratio(p50('sidecarMemory'), p50('kubernetesWorkloads'));
    targets.push(
      target(
        `warm sidecar-memory p50 ≤ 0.5 × Kubernetes workloads p50 (${settings.connections} connections)`,
        warmRatio,
        0.5,
        '×',
        warmRatio <= 0.5,
        {
          oursMs: p50('sidecarMemory'),
          theirsMs: p50('kubernetesWorkloads'),
          sequentialRatio: ratio(
            seqP50('sidecarMemory'),
            seqP50('kubernetesWorkloads'),
          ),
        },
      ),
    );
    const uncachedRatio = ratio(
      p50('sidecarMemoryUncached'),
      p50('kubernetesWorkloads'),
    );
    targets.push(
      target(
        `warm sidecar-memory with the answer cache missed, p50 ≤ 0.5 × Kubernetes workloads p50 (${settings.connections} connections)`,
        uncachedRatio,
        0.5,
        '×',
        uncachedRatio <= 0.5,
        {
          oursMs: p50('sidecarMemoryUncached'),
          theirsMs: p50('kubernetesWorkloads'),
          sequentialRatio: ratio(
            seqP50('sidecarMemoryUncached'),
            seqP50('kubernetesWorkloads'),
          ),
        },
      ),
    );
    const firstRatio = ratio(
      single.cold.firstAfterStart.sidecarMemory.ms,
      single.cold.firstAfterStart.kubernetesWorkloads.ms,
    );
    targets.push(
      target(
        `cold sidecar-memory ≤ 1 × Kubernetes workloads (first request after start each, median of ${settings.coldStarts} starts)`,
        firstRatio,
        1,
        '×',
        firstRatio <= 1,
        {
          oursMs: single.cold.firstAfterStart.sidecarMemory.ms,
          theirsMs: single.cold.firstAfterStart.kubernetesWorkloads.ms,
        },
      ),
    );
    const expiry = single.cold.afterCacheExpiry;
    const expiryRatio = ratio(
      expiry.sidecarMemory.medianMs,
      expiry.kubernetesWorkloads.medianMs,
    );
    targets.push(
      target(
        `cold sidecar-memory ≤ 1 × Kubernetes workloads (caches expired, median of ${settings.coldSamples})`,
        expiryRatio,
        1,
        '×',
        expiryRatio <= 1,
        {
          oursMs: expiry.sidecarMemory.medianMs,
          theirsMs: expiry.kubernetesWorkloads.medianMs,
        },
      ),
    );
    const meshRatio = ratio(p50('meshConfig'), p50('noop'));
    targets.push(
      target(
        'warm mesh-config p50 ≤ 3 × the no-op floor p50',
        meshRatio,
        3,
        '×',
        meshRatio <= 3,
        { oursMs: p50('meshConfig'), floorMs: p50('noop') },
      ),
    );
    const clean = Object.values(single.burst).every(
      b =>
        b.counts.other === 0 &&
        b.counts.socketErrors === 0 &&
        b.counts.timeouts === 0 &&
        b.answered === b.amount &&
        b.afterwards.health === 200 &&
        b.afterwards.sameBackendProcess,
    );
    targets.push(
      target(
        `${settings.burstConnections} concurrent requests answered or refused cleanly (2xx/429/503), no crash`,
        Object.entries(single.burst)
          .map(([name, b]) => `${name}: ${JSON.stringify(b.counts)}`)
          .join('; '),
        'only 2xx/429/503, health answers, same process',
        '',
        clean,
        {
          answersWithClusterErrors: Object.fromEntries(
            Object.entries(single.burst).map(([name, b]) => [
              name,
              b.checkFailures,
            ]),
          ),
        },
      ),
    );
    targets.push(
      target(
        'RSS growth under load ≤ 150 MB (peak − idle baseline after a full GC)',
        single.rss.growthPeakMB,
        150,
        'MB',
        single.rss.growthPeakMB <= 150,
        rssGrowthParts(single.rss),
      ),
    );
    const slope = single.rss.soakLastHalfSlopeMBPerMinute;
    targets.push(
      target(
        'RSS flat over the soak: not growing in its last half (least-squares slope ≤ 1 MB/min)',
        slope,
        1,
        'MB/min',
        slope !== undefined && slope <= 1,
      ),
    );
  }
}

function multiTargets(multi, targets) {
  if (multi) {
    for (const name of ['meshConfig', 'sidecarMemory']) {
      const r = multi.warm[name];
      targets.push(
        target(
          `5 clusters, one hanging: ${name} p95 ≤ 2000 ms`,
          r.latency.p95Ms,
          2000,
          'ms',
          r.latency.p95Ms <= 2000,
          { p50Ms: r.latency.p50Ms },
        ),
      );
      const failures = Object.values(r.checkFailures).reduce(
        (a, b) => a + b,
        0,
      );
      const notOk =
        r.answered - r.counts.ok2xx + r.counts.socketErrors + r.counts.timeouts;
      targets.push(
        target(
          `5 clusters, one hanging: every ${name} answer carries the 4 healthy clusters and reports the hanging one`,
          `${r.checked - failures}/${
            r.checked
          } complete answers, ${notOk} not 2xx`,
          'all',
          '',
          failures === 0 && notOk === 0 && r.checked > 0,
          { checkFailures: r.checkFailures },
        ),
      );
    }
  }
}

function line(label, value) {
  return `  ${label.padEnd(44)} ${value}\n`;
}

function fmt(l) {
  return `p50 ${l.p50Ms} ms, p95 ${l.p95Ms} ms (n=${l.samples}, max ${l.maxMs})`;
}

function printReport(report) {
  let out = '\n=== Istio endpoint benchmark ===\n';
  const m = report.machine;
  out += `machine: ${m.cpu} × ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}; load average at start ${m.loadAverageAtStart}\n`;
  out += `note: ${report.notes.join('\n      ')}\n`;
  const s = report.single;
  if (s) {
    try {
      out += `\n-- one cluster (scale ${
        report.settings.scale
      }: ${JSON.stringify(s.demo.simulator)}), Prometheus ${
        s.demo.prometheus.installed
          ? s.demo.prometheus.version
          : 'not installed'
      }\n`;
      out += `cold, first request after start, median of ${report.settings.coldStarts} starts (the Kubernetes plugin asked first on odd starts, ours on even ones):\n`;
      for (const [name, r] of Object.entries(s.cold.firstAfterStart))
        out += line(
          name,
          `${r.ms} ms (${r.samples.map(x => x.ms).join(', ')}; HTTP ${
            r.status
          }${r.problem ? `, ${r.problem}` : ''})`,
        );
      out += `cold, after ${
        report.settings.meshCacheTtlSeconds + 2
      } s idle (mesh and answer caches expired), median of ${
        report.settings.coldSamples
      }:\n`;
      for (const [name, r] of Object.entries(s.cold.afterCacheExpiry))
        out += line(
          name,
          `${r.medianMs} ms (${r.samples.map(x => x.ms).join(', ')})`,
        );
      out += `warm, ${report.settings.connections} connections, about ${report.settings.warmSeconds} s of requests (and 1 connection, about ${report.settings.sequentialSeconds} s), after a warm-up:\n`;
      for (const [name, r] of Object.entries(s.warm)) {
        out += line(
          name,
          `${fmt(r.concurrent.latency)}, ${
            r.concurrent.requestsPerSecond
          } req/s, non-2xx ${
            r.concurrent.answered - r.concurrent.counts.ok2xx
          }, incomplete ${Object.values(r.concurrent.checkFailures).reduce(
            (a, b) => a + b,
            0,
          )}`,
        );
        out += line('', `1 connection: ${fmt(r.sequential.latency)}`);
      }
      for (const [name, b] of Object.entries(s.burst))
        out += line(
          `burst ${b.amount} × ${name}`,
          `${JSON.stringify(b.counts)}, ${fmt(
            b.latencyAllAnswers,
          )}; incomplete answers ${JSON.stringify(
            b.checkFailures,
          )}; afterwards health ${b.afterwards.health} in ${
            b.afterwards.healthMs
          } ms, same process ${b.afterwards.sameBackendProcess}`,
        );
      out += line(
        `soak ${s.soak.durationSeconds} s, ${s.soak.connections} conns, mixed`,
        `${s.soak.answered} answers, ${fmt(s.soak.latency)}, ${JSON.stringify(
          s.soak.counts,
        )}, incomplete ${JSON.stringify(s.soak.checkFailures)}`,
      );
      const r = s.rss;
      out += line(
        'backend RSS (MB)',
        `at start ${r.atStartMB}, before (after a full GC) ${r.beforeMB}, after the cold requests ${r.afterColdMB}, after warm ${r.afterWarmMB}, after measurements ${r.afterMeasurementsMB}, after soak ${r.afterSoakMB}, peak ${r.peakMB}, after the soak and a full GC ${r.keptAfterLoadMB}`,
      );
      out += line(
        '',
        `growth peak ${r.growthPeakMB} MB, after soak ${r.growthAfterSoakMB} MB, kept after a full GC ${r.keptGrowthMB} MB; last-half slope ${r.soakLastHalfSlopeMBPerMinute} MB/min`,
      );
      out += line(
        '',
        `after each warm run: ${JSON.stringify(r.afterEachWarmMB)}`,
      );
      out += line(
        '',
        `soak samples: ${r.soakSamples.map(x => x.rssMB).join(' ')}`,
      );
      out += line(
        'backend memory, its own view (MB)',
        Object.entries(r.memory)
          .map(
            ([moment, m]) =>
              `${moment}: RSS ${m.rssMB} = V8 heap ${m.heapTotalMB} (young ${m.newSpaceMB}, old ${m.oldSpaceMB}; used ${m.heapUsedMB}) + outside it ${m.outsideHeapMB}`,
          )
          .join('; '),
      );
    } catch {
      out += '  (the phase stopped here; see the error below)\n';
    }
  }
  const mc = report.multi;
  if (mc) {
    try {
      out += `\n-- 5 clusters (${mc.clusters.healthy.join(', ')} healthy; ${
        mc.clusters.hanging
      } hangs)\n`;
      for (const [name, r] of Object.entries(mc.cold.firstAfterStart))
        out += line(
          `first ${name}`,
          `${r.ms} ms (HTTP ${r.status}${
            r.problem ? `, ${r.problem}` : ', complete'
          })`,
        );
      for (const [name, r] of Object.entries(mc.warm))
        out += line(
          `${name}, ${r.connections} conns × ${r.perConnection}`,
          `${fmt(r.latency)}, ${r.requestsPerSecond} req/s, ${JSON.stringify(
            r.counts,
          )}, incomplete ${JSON.stringify(r.checkFailures)}`,
        );
    } catch {
      out += '  (the phase stopped here; see the error below)\n';
    }
  }
  out += '\n-- targets\n';
  for (const t of report.targets)
    out += `  ${t.result.padEnd(5)} ${t.target}: ${
      typeof t.measured === 'number'
        ? `${t.measured} ${t.unit} (limit ${t.limit})`
        : t.measured
    }${t.missedBy !== undefined ? `, missed by ${t.missedBy} ${t.unit}` : ''}${
      t.oursMs !== undefined
        ? ` [ours ${t.oursMs} ms vs ${t.theirsMs ?? t.floorMs} ms]`
        : ''
    }${
      t.sequentialRatio !== undefined
        ? ` (1 connection: ${t.sequentialRatio} ×)`
        : ''
    }${
      t.floorWarmRunMB !== undefined
        ? ` [cold requests +${t.coldRequestsMB} MB, no-op floor's warm run +${t.floorWarmRunMB} MB, Kubernetes plugin's warm run +${t.kubernetesPluginWarmRunMB} MB, Istio warm runs, burst and soak +${t.istioWarmRunsBurstAndSoakMB} MB; kept after a full GC +${t.keptAfterFullGcMB} MB]`
        : ''
    }\n`;
  out += `\ntotal run time ${report.totalRunSeconds} s\n`;
  process.stdout.write(out);
}

// ---------------------------------------------------------------- main

const report = {
  date: new Date().toISOString(),
  machine: describeMachine(),
  code: gitState(),
  settings,
  endpoints: Object.fromEntries(
    Object.entries(ENDPOINTS).map(([name, e]) => [name, e.label]),
  ),
  notes: [
    `First requests after start: on each fresh start the no-op route, then the Kubernetes plugin and ours, then mesh-config. Which of the two compared routes goes first alternates (the Kubernetes plugin on odd starts, ours on even ones): the first pays start-up costs the other then shares (the catalog's first lookups, service tokens), and a start still busy with start-up work (the catalog processing, the first watches) slows both.`,
    "Each start of the demo starts Prometheus on an empty TSDB (DEMO_FRESH_PROMETHEUS=1), so its 7-day queries scan only this run's samples and nothing left by earlier runs is replayed at start.",
    'Everything runs on this one machine: the backend (run as a deployment runs it: NODE_ENV=production, no --enable-source-maps, no file watcher; TypeScript transpiled on load, in-memory SQLite: DEMO_BACKEND_ONLY=1), the simulator, Prometheus and the load generator (autocannon) share its cores, as may other jobs (see loadAverage1m per run).',
    'The no-op floor is GET /api/istio/clusters: user auth + permission check, no cluster I/O.',
    `RSS before the load is the idle backend after a full GC (HeapProfiler.collectGarbage through its inspector on 127.0.0.1:${settings.inspectPort}); right after start it still holds the start-up's garbage (atStartMB), which moved that baseline by up to 200 MB between runs. Growth is the peak during the run minus that baseline; kept growth is RSS after the soak and another full GC minus it. rss.memory is the backend's own view (process.memoryUsage and V8's heap spaces, through the inspector) at the baseline, after the no-op floor's warm run, at the end of the soak and after the last GC: how much of RSS is V8's heap (its young generation and old space reserved, and used) and how much lies outside it.`,
    `The backend runs with NODE_OPTIONS=${
      settings.backendNodeOptions || '(none)'
    } (BENCH_BACKEND_NODE_OPTIONS): about the old-space limit V8 picks in a container with 2-4 GiB of memory. Uncapped on this 24 GiB host V8 lets the heap grow towards ~4 GB before it collects hard (measured with the dev-server backend: the no-op floor alone took it from ~430 to ~1,090 MB, where it levelled off). Until 2026-11-26 the mixed soak ran out of a 512 MB heap after ~3.5 min: each re-list of the Services watch left the old informer and its whole list behind (client-node 1.4's Watch and Node 22's AbortSignal.any); since the fix the same soak held ~620 MB flat with 512 MB (dev-server backend).`,
    `What the backend keeps: the mesh-config answer per cluster, read again in the background once older than 30 s and served meanwhile (readAt says how old; kept at most 5 min); complete sidecar-memory answers for 15 s per caller and request, and the reads behind them (each namespace's pods, labels, metrics and Prometheus window) for the same 15 s (istio.sidecarMemory.cacheSeconds); the cluster's Services, ServiceEntries, VirtualServices and Sidecars live through watches, its control planes and tracing read every 30 s and its memory fit every 5 min in the background; the entity's own pods are listed on every request. Every request here is the guest user, so plain warm sidecar-memory mostly hits the answer cache; sidecarMemoryUncached adds a new egress host per request so it never does. The Kubernetes plugin keeps nothing.`,
    `cold after expiry = after ${
      settings.meshCacheTtlSeconds + 2
    } s idle: every sidecar-memory cache has expired (it reads the entity's namespace and Prometheus again; the watched lists, control planes and memory fit stay), the Kubernetes plugin and ours take turns going first after the same idle time, while mesh-config serves its kept answer and refreshes it in the background. mesh-config's first request after start is a full read (every pod, paged), as sidecar-memory never reads the whole inventory.`,
    'Warm runs are sized in requests per connection (from a discarded warm-up of BENCH_WARMUP_REQUESTS per connection) and await every answer, so slow answers are not cut off; a run may include expiries of the 30 s mesh cache, as steady traffic would. The soak runs for a fixed time (answers in flight at its end are not counted).',
    'Latencies are from request start to the last byte, for 2xx answers; p95 is exact (every answer recorded).',
  ],
};
let exitCode = 0;
try {
  if (settings.phases.includes('single'))
    await singleClusterPhase((report.single = {}));
  if (settings.phases.includes('multi'))
    await multiClusterPhase((report.multi = {}));
} catch (error) {
  report.error = error.stack ?? String(error);
  exitCode = 1;
} finally {
  await cleanUp();
}
report.rssSamples = rssSamples;
report.targets = targetsOf(report.single, report.multi);
report.totalRunSeconds = Math.round((Date.now() - runStarted) / 1000);
saveReport(report, 'endpoints.json', printReport);
process.exit(exitCode);
