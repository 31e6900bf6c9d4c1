#!/usr/bin/env node
// Benchmark of the backend run as several replicas (ENGINEERING.md, "Running on more
// than one machine"): the demo cluster at the scale generator's 200 × 10 × 5 with its
// Prometheus, a throwaway PostgreSQL and Redis, and N instances of packages/backend that
// share them (`backend.database.client: pg`, `backend.cache.store: redis`), each on its
// own port and baseUrl. First one instance, then BENCH_REPLICAS (3) — the first one
// keeps running and two more join it, as a scale-out does. For each it measures:
//   - at idle, the Kubernetes API requests the cluster receives per minute (the
//     simulator's demo_apiserver_requests_total on 127.0.0.1:9464/metrics/apiserver;
//     Prometheus scrapes /metrics, which is not an API request and not counted), by
//     verb and resource, the watches open, and beside them the Prometheus queries and
//     Redis commands per minute; the target is 3 replicas ≤ 1.1 × 1 replica;
//   - warm sidecar-memory p50/p95 (autocannon through a loopback round-robin balancer)
//     against one instance, and with 3 running, round-robin over all of them and
//     against one of them.
// Prints the figures and writes them to node_modules/.cache/bench/replicas.json.
// Ports 6443/9464/9091 and 7007.. are shared with the demo: run it as
//   flock /tmp/demo-ports.lock npm run bench:replicas
// Settings (environment): DEMO_SCALE (200x10x5), BENCH_REPLICAS (3),
// BENCH_REPLICAS_IDLE_SECONDS (150), BENCH_REPLICAS_SETTLE_SECONDS (30),
// BENCH_REPLICAS_SAMPLE_SECONDS (30), BENCH_CONNECTIONS (10), BENCH_WARM_SECONDS (15),
// BENCH_BACKEND_NODE_OPTIONS (--max-old-space-size=1024),
// BENCH_REPLICAS_DEADLINE_SECONDS (1200: the run stops itself after that).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { reexecUnderToolchain, repoRoot } from './lib/toolchain.mjs';
import { stopService, waitForHttp } from './lib/processes.mjs';
import { pidListeningOn, rssBytes } from './lib/procfs.mjs';
import { runLoad } from './lib/load.mjs';
import { startPostgres } from './lib/postgres.mjs';
import { redisCommands, startRedis } from './lib/redis.mjs';
import { startBackend } from './lib/backend.mjs';
import { startRoundRobin } from './lib/roundRobin.mjs';
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
} from './lib/bench.mjs';
import {
  PROMETHEUS_URL,
  assertPortsFree,
  prometheusVersion,
  simulatorSummary,
  startDemoScript,
  unlessExited,
  waitForDemoScrape,
} from './lib/benchDemo.mjs';

const toolchain = reexecUnderToolchain(import.meta.url);
const settings = {
  ...demoBenchSettings({ warmSeconds: 15 }),
  replicas: numberSetting('BENCH_REPLICAS', 3),
  idleSeconds: numberSetting('BENCH_REPLICAS_IDLE_SECONDS', 150),
  settleSeconds: numberSetting('BENCH_REPLICAS_SETTLE_SECONDS', 30),
  sampleSeconds: numberSetting('BENCH_REPLICAS_SAMPLE_SECONDS', 30),
  warmupRequests: 3,
  deadlineSeconds: numberSetting('BENCH_REPLICAS_DEADLINE_SECONDS', 1200),
};
const GOAL_RATIO = 1.1;
const FIRST_BACKEND_PORT = 7007;
const DEMO_PORTS = [6443, 9464, 9091];
const API_COUNTER_URL = 'http://127.0.0.1:9464/metrics/apiserver';
const ENTITY_REF = 'component:default/productpage';
const SIDECAR_MEMORY_PATH = `/api/istio/sidecar-memory?entityRef=${encodeURIComponent(
  ENTITY_REF,
)}`;
const demoConfig = path.join(
  repoRoot,
  'node_modules/.cache/demo/app-config.demo-cluster.yaml',
);
fs.mkdirSync(benchDir, { recursive: true });
const runStarted = Date.now();
const round = (value, digits = 1) =>
  value === undefined || !Number.isFinite(value)
    ? undefined
    : Math.round(value * 10 ** digits) / 10 ** digits;
const log = benchLog('bench:replicas', runStarted);

// ---------------------------------------------------------------- processes

const running = { demo: undefined, backends: [], balancers: [] };
let postgres;
let redis;
let configDir;

async function cleanUp() {
  await Promise.all(running.balancers.map(b => b.close()));
  running.balancers = [];
  await Promise.all(running.backends.map(b => stopService(b.child, 20_000)));
  running.backends = [];
  await stopService(running.demo, 20_000);
  running.demo = undefined;
  await redis?.stop();
  await postgres?.stop();
  if (configDir) fs.rmSync(configDir, { recursive: true, force: true });
}
/** Last resort at exit: nothing may outlive the run (all loopback, but ports are shared). */
function cleanUpSync() {
  for (const child of [running.demo, ...running.backends.map(b => b.child)]) {
    if (child && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  redis?.stopSync();
  postgres?.stopSync();
  if (configDir) fs.rmSync(configDir, { recursive: true, force: true });
}
process.on('exit', cleanUpSync);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () =>
    cleanUp().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143)),
  );
}
setTimeout(() => {
  log(`deadline of ${settings.deadlineSeconds} s reached; stopping`);
  report.error = `stopped at the deadline of ${settings.deadlineSeconds} s (BENCH_REPLICAS_DEADLINE_SECONDS)`;
  cleanUp().finally(() => finish(1));
}, settings.deadlineSeconds * 1000).unref();

function backendPort(index) {
  return FIRST_BACKEND_PORT + index;
}

/** The demo's ports and every instance's. */
function sharedPorts() {
  return [
    ...DEMO_PORTS,
    ...Array.from({ length: settings.replicas }, (_, i) => backendPort(i)),
  ];
}

function openLog(name) {
  const file = path.join(benchDir, name);
  return { file, fd: fs.openSync(file, 'w') };
}

/** The simulator and Prometheus through scripts/start-demo.mjs, without Backstage. */
async function startCluster() {
  const started = Date.now();
  fs.rmSync(demoConfig, { force: true });
  const file = path.join(benchDir, 'replicas-demo.log');
  running.demo = startDemoScript(toolchain, {
    logFile: file,
    scale: settings.scale,
    env: { DEMO_NO_BACKEND: '1' },
  });
  const prometheus = prometheusVersion();
  await unlessExited(
    running.demo,
    file,
    'the demo cluster',
    (async () => {
      const deadline = Date.now() + 180_000;
      while (!fs.existsSync(demoConfig)) {
        if (Date.now() > deadline)
          throw new Error('the demo cluster did not start within 180 s');
        await sleep(500);
      }
      await waitForHttp(API_COUNTER_URL, {
        timeoutMs: 30_000,
        isReady: r => r.status === 200,
      });
      // Prometheus, when the machine has one, has scraped the simulator.
      if (prometheus !== undefined) await waitForDemoScrape();
    })(),
  );
  return {
    startSeconds: Math.round((Date.now() - started) / 1000),
    simulator: simulatorSummary(file),
    prometheus: prometheus ?? 'not installed',
    logFile: path.relative(repoRoot, file),
  };
}

/**
 * The config that makes an instance a replica: its own port and baseUrl (loopback),
 * the shared PostgreSQL and Redis. Written to a private folder (it holds passwords).
 */
function replicaConfig(index) {
  const port = backendPort(index);
  const file = path.join(configDir, `app-config.replica-${index + 1}.yaml`);
  // JSON is YAML.
  const config = {
    backend: {
      baseUrl: `http://127.0.0.1:${port}`,
      listen: { host: '127.0.0.1', port },
      database: { client: 'pg', connection: postgres.connectionString },
      cache: {
        store: 'redis',
        connection: redis.url,
        redis: { client: { namespace: 'istio-bench' } },
      },
    },
  };
  fs.writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`, {
    mode: 0o600,
  });
  return file;
}

/** Starts instance `index` and waits until it answers its health route. */
async function startInstance(index) {
  const port = backendPort(index);
  const started = Date.now();
  const { file, fd } = openLog(`replicas-backend-${index + 1}.log`);
  const child = startBackend(toolchain, {
    configFiles: [
      path.join(repoRoot, 'app-config.yaml'),
      demoConfig,
      replicaConfig(index),
    ],
    nodeOptions: settings.backendNodeOptions,
    stdio: ['ignore', fd, fd],
  });
  fs.closeSync(fd);
  const instance = {
    index,
    port,
    url: `http://127.0.0.1:${port}`,
    child,
    logFile: file,
  };
  running.backends.push(instance);
  await unlessExited(
    child,
    file,
    `backend instance ${index + 1}`,
    waitForHttp(`${instance.url}/api/istio/health`, {
      timeoutMs: 400_000,
      isReady: r => r.status === 200,
    }),
  );
  instance.startSeconds = Math.round((Date.now() - started) / 1000);
  instance.pid = pidListeningOn(port);
  log(
    `instance ${index + 1} ready on ${instance.url} in ${
      instance.startSeconds
    } s`,
  );
  return instance;
}

/**
 * Whether an instance takes the session signed in on instance 1 (user tokens verify
 * against keys in the shared database) and sees the demo entity.
 */
async function checkInstance(instance, headers) {
  await waitForHttp(
    `${instance.url}/api/catalog/entities/by-name/component/default/productpage`,
    { timeoutMs: 180_000, headers, isReady: r => r.status === 200 },
  );
  const res = await fetch(`${instance.url}/api/istio/clusters`, { headers });
  if (!res.ok)
    throw new Error(
      `instance ${instance.index + 1} refused the session of instance 1: HTTP ${
        res.status
      }`,
    );
}

// ---------------------------------------------------------------- measurements

/** A complete sidecar-memory answer: the demo cluster with proxies, no errors. */
function checkSidecarMemory(_status, body) {
  const json = JSON.parse(body);
  const items = (json.items ?? []).filter(i => i.cluster === 'demo');
  if (items.length === 0) return 'demo cluster missing';
  if (items.some(i => i.proxies.length === 0)) return 'no proxies';
  const errors = [
    ...(json.errors ?? []),
    ...items.flatMap(i => i.errors ?? []),
  ];
  return errors.length ? 'errors in the answer' : undefined;
}

/**
 * Warm sidecar-memory through a round-robin balancer over `instances`: a discarded
 * warm-up of a few requests per connection that also sizes the run, then as many
 * requests per connection as fill about BENCH_WARM_SECONDS, every answer awaited.
 */
async function warmSidecarMemory(instances, headers) {
  const balancer = await startRoundRobin(instances.map(i => i.url));
  running.balancers.push(balancer);
  try {
    const request = { method: 'GET', path: SIDECAR_MEMORY_PATH, headers };
    const warmup = await runLoad({
      url: balancer.url,
      requests: [request],
      connections: settings.connections,
      perConnection: settings.warmupRequests,
      timeoutSeconds: 120,
    });
    const perRequestSeconds = (warmup.latencyAllAnswers.p50Ms ?? 1000) / 1000;
    const perConnection = Math.min(
      5000,
      Math.max(
        3,
        Math.round(settings.warmSeconds / Math.max(perRequestSeconds, 0.001)),
      ),
    );
    const before = balancer.forwarded();
    const result = await runLoad({
      url: balancer.url,
      requests: [request],
      connections: settings.connections,
      perConnection,
      timeoutSeconds: 120,
      check: checkSidecarMemory,
    });
    return {
      instances: instances.map(i => i.index + 1),
      forwardedPerInstance: balancer
        .forwarded()
        .map((count, i) => count - before[i]),
      ...result,
    };
  } finally {
    await balancer.close();
    running.balancers = running.balancers.filter(b => b !== balancer);
  }
}

/** Parses Prometheus text: `name{labels} value` lines of `metric` into [labels, value]. */
function series(text, metric) {
  const out = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${metric}{`) && !line.startsWith(`${metric} `))
      continue;
    const match = /^[^{\s]+(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries(
      [...(match[1] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(m => [
        m[1],
        m[2],
      ]),
    );
    out.push([labels, Number(match[2])]);
  }
  return out;
}

/** What the cluster, Prometheus and Redis have counted so far. */
async function snapshot() {
  const at = Date.now();
  const apiText = await (await fetch(API_COUNTER_URL)).text();
  const api = {};
  for (const [labels, value] of series(
    apiText,
    'demo_apiserver_requests_total',
  ))
    api[`${labels.verb} ${labels.path_group}`] = value;
  const watches = series(apiText, 'demo_apiserver_open_watches')[0]?.[1];
  let prometheusApiRequests;
  try {
    const text = await (await fetch(`${PROMETHEUS_URL}/metrics`)).text();
    prometheusApiRequests = series(text, 'prometheus_http_requests_total')
      .filter(([labels]) => labels.handler?.startsWith('/api/v1/'))
      .reduce((n, [, value]) => n + value, 0);
  } catch {
    prometheusApiRequests = undefined;
  }
  const [, info] = await redisCommands({ port: redis.port }, [
    ['AUTH', redis.password],
    ['INFO', 'stats'],
  ]);
  const redisCommandsTotal = Number(
    /total_commands_processed:(\d+)/.exec(info)?.[1],
  );
  return { at, api, watches, prometheusApiRequests, redisCommandsTotal };
}

const sum = values => Object.values(values).reduce((a, b) => a + b, 0);

/** Per-minute rates between two snapshots, `snapshots` apart (for Redis's own count). */
function rates(from, to, snapshots = 1) {
  const minutes = (to.at - from.at) / 60_000;
  const byRequest = {};
  for (const [key, value] of Object.entries(to.api)) {
    const delta = value - (from.api[key] ?? 0);
    if (delta > 0) byRequest[key] = round(delta / minutes);
  }
  return {
    seconds: round((to.at - from.at) / 1000),
    apiRequestsPerMinute: round((sum(to.api) - sum(from.api)) / minutes),
    apiRequestsPerMinuteBy: Object.fromEntries(
      Object.entries(byRequest).sort((a, b) => b[1] - a[1]),
    ),
    prometheusQueriesPerMinute:
      to.prometheusApiRequests === undefined ||
      from.prometheusApiRequests === undefined
        ? undefined
        : round(
            (to.prometheusApiRequests - from.prometheusApiRequests) / minutes,
          ),
    // Less the two commands (AUTH, INFO) each snapshot itself sends.
    redisCommandsPerMinute: round(
      (to.redisCommandsTotal - from.redisCommandsTotal - 2 * snapshots) /
        minutes,
    ),
    openWatchesAtEnd: to.watches,
  };
}

/** The idle window: settle, then count for BENCH_REPLICAS_IDLE_SECONDS. */
async function idle(instances) {
  log(
    `idle: settling ${settings.settleSeconds} s, then counting ${settings.idleSeconds} s`,
  );
  await sleep(settings.settleSeconds * 1000);
  const first = await snapshot();
  const snapshots = [first];
  const end = first.at + settings.idleSeconds * 1000;
  while (Date.now() < end - 500) {
    await sleep(Math.min(settings.sampleSeconds * 1000, end - Date.now()));
    snapshots.push(await snapshot());
  }
  const last = snapshots[snapshots.length - 1];
  return {
    ...rates(first, last, snapshots.length - 1),
    intervals: snapshots.slice(1).map((s, i) => {
      const r = rates(snapshots[i], s);
      return {
        seconds: r.seconds,
        apiRequestsPerMinute: r.apiRequestsPerMinute,
        prometheusQueriesPerMinute: r.prometheusQueriesPerMinute,
      };
    }),
    // Every watch opened since the cluster started, by resource: which lists each
    // replica keeps live with its own watch.
    watchesOpenedSinceStart: Object.fromEntries(
      Object.entries(last.api)
        .filter(([key]) => key.startsWith('watch '))
        .map(([key, value]) => [key.slice('watch '.length), value]),
    ),
    rssMBPerInstance: instances.map(i =>
      round(rssBytes(i.pid ?? i.child.pid) / 2 ** 20),
    ),
  };
}

/**
 * The keys in the shared Redis, counted by their first two segments (namespace and
 * plugin, e.g. `istio-bench:istio`): which plugins cache through the shared store.
 * Names only, never values; KEYS is fine on a throwaway server.
 */
async function redisKeys() {
  const [, keys] = await redisCommands({ port: redis.port }, [
    ['AUTH', redis.password],
    ['KEYS', '*'],
  ]);
  const byPrefix = {};
  for (const key of keys) {
    const prefix = key.split(':').slice(0, 2).join(':');
    byPrefix[prefix] = (byPrefix[prefix] ?? 0) + 1;
  }
  return { total: keys.length, byPrefix };
}

// ---------------------------------------------------------------- report

function summarize(report) {
  const one = report.phases.one;
  const many = report.phases.many;
  const figures = {};
  if (one?.idle && many?.idle) {
    const single = one.idle.apiRequestsPerMinute;
    const several = many.idle.apiRequestsPerMinute;
    // No requests at all either way is no growth.
    const ratio =
      single > 0 ? round(several / single, 2) : several === 0 ? 1 : undefined;
    figures.idleApiRequestsPerMinute = {
      oneReplica: single,
      replicas: several,
      ratio,
      goal: `≤ ${GOAL_RATIO}`,
      result: ratio !== undefined && ratio <= GOAL_RATIO ? 'PASS' : 'FAIL',
    };
    // A watch is one request that then streams: the rate above sees it only when
    // opened, so the watches the replicas keep open are reported beside it.
    figures.openWatches = {
      oneReplica: one.idle.openWatchesAtEnd,
      replicas: many.idle.openWatchesAtEnd,
    };
  }
  const p50 = r => r?.latency?.p50Ms;
  if (one?.warm?.oneInstance && many?.warm?.roundRobin) {
    figures.warmSidecarMemoryP50Ms = {
      oneInstanceAlone: p50(one.warm.oneInstance),
      roundRobin: p50(many.warm.roundRobin),
      oneInstanceOfMany: p50(many.warm.oneInstance),
      ratioRoundRobinToAlone: round(
        p50(many.warm.roundRobin) / p50(one.warm.oneInstance),
        2,
      ),
    };
  }
  return figures;
}

function fmt(l) {
  return l
    ? `p50 ${l.p50Ms} ms, p95 ${l.p95Ms} ms (n=${l.samples}, max ${l.maxMs})`
    : 'not measured';
}

function printReport(report) {
  const m = report.machine;
  let out = '\n=== backend replicas benchmark ===\n';
  out += `machine: ${m.cpu} × ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}; load average at start ${m.loadAverageAtStart}\n`;
  out += `commit ${report.code.commit} (+${
    report.code.uncommittedFiles
  } uncommitted files); scale ${report.settings.scale}: ${JSON.stringify(
    report.setup.demo?.simulator,
  )}\n`;
  for (const [name, phase] of Object.entries(report.phases)) {
    out += `\n-- ${phase.replicas} replica${
      phase.replicas > 1 ? 's' : ''
    } (${name})\n`;
    for (const i of phase.instances ?? [])
      out += `  instance ${i.instance}: port ${i.port}, started in ${i.startSeconds} s\n`;
    const idle = phase.idle;
    if (idle) {
      out += `  idle ${idle.seconds} s: ${idle.apiRequestsPerMinute} API requests/min, ${idle.openWatchesAtEnd} watches open; Prometheus ${idle.prometheusQueriesPerMinute} queries/min; Redis ${idle.redisCommandsPerMinute} commands/min\n`;
      out += `    by request: ${
        Object.entries(idle.apiRequestsPerMinuteBy)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ') || 'none'
      }\n`;
      out += `    watches opened since the cluster started: ${JSON.stringify(
        idle.watchesOpenedSinceStart,
      )}\n`;
      out += `    per interval: ${idle.intervals
        .map(x => x.apiRequestsPerMinute)
        .join(' ')} /min; RSS per instance ${idle.rssMBPerInstance.join(
        ', ',
      )} MB\n`;
    }
    for (const [how, r] of Object.entries(phase.warm ?? {}))
      out += `  warm sidecar-memory, ${how} (instances ${r.instances.join(
        ',',
      )}; ${r.connections} conns × ${r.perConnection}): ${fmt(r.latency)}, ${
        r.requestsPerSecond
      } req/s, ${JSON.stringify(r.counts)}, incomplete ${JSON.stringify(
        r.checkFailures,
      )}\n`;
    if (phase.redisKeys)
      out += `  Redis keys after the phase: ${
        phase.redisKeys.total
      } ${JSON.stringify(phase.redisKeys.byPrefix)}\n`;
  }
  const f = report.figures;
  out += '\n-- figures\n';
  if (f.idleApiRequestsPerMinute) {
    const x = f.idleApiRequestsPerMinute;
    out += `  ${x.result.padEnd(5)} idle API requests/min, ${
      report.settings.replicas
    } replicas / 1: ${x.replicas} / ${x.oneReplica} = ${x.ratio} × (goal ${
      x.goal
    })\n`;
    out += `        watches open: ${f.openWatches.replicas} with ${report.settings.replicas} replicas, ${f.openWatches.oneReplica} with 1 (not in the rate: a watch counts once, when opened)\n`;
  }
  if (f.warmSidecarMemoryP50Ms) {
    const x = f.warmSidecarMemoryP50Ms;
    out += `  warm sidecar-memory p50: alone ${x.oneInstanceAlone} ms; round-robin over ${report.settings.replicas} ${x.roundRobin} ms (${x.ratioRoundRobinToAlone} ×); one of ${report.settings.replicas} ${x.oneInstanceOfMany} ms\n`;
  }
  out += `\ntotal run time ${report.totalRunSeconds} s\n`;
  process.stdout.write(out);
}

/** Writes and prints the report (what was measured so far), then exits. */
function finish(code) {
  report.figures = summarize(report);
  report.totalRunSeconds = Math.round((Date.now() - runStarted) / 1000);
  saveReport(report, 'replicas.json', printReport);
  process.exit(code);
}

// ---------------------------------------------------------------- main

async function phase(out, instances, headers, { roundRobin }) {
  out.replicas = instances.length;
  out.instances = instances.map(i => ({
    instance: i.index + 1,
    port: i.port,
    pid: i.pid,
    startSeconds: i.startSeconds,
    logFile: path.relative(repoRoot, i.logFile),
  }));
  out.warm = {};
  if (roundRobin) {
    log(`warm sidecar-memory, round-robin over ${instances.length} instances`);
    out.warm.roundRobin = await warmSidecarMemory(instances, headers);
  }
  log('warm sidecar-memory, one instance');
  out.warm.oneInstance = await warmSidecarMemory([instances[0]], headers);
  out.idle = await idle(instances);
  out.redisKeys = await redisKeys();
}

const report = {
  date: new Date().toISOString(),
  machine: describeMachine(),
  code: gitState(),
  settings,
  notes: [
    'Idle API requests: the Kubernetes API requests the simulator received (demo_apiserver_requests_total on its metrics port, /metrics/apiserver), by verb and resource. Prometheus scrapes /metrics on that port, which is not an API request: scraping is not counted. A watch counts once, when opened.',
    `Each idle window follows the warm sidecar-memory runs (so every instance has served users, and its background refresh is under way), a settling time of ${settings.settleSeconds} s, then ${settings.idleSeconds} s of counting with no user requests.`,
    `The ${settings.replicas}-replica phase keeps instance 1 running and adds the others (a scale-out); all share one PostgreSQL (backend.database.client pg) and one Redis (backend.cache.store redis, namespace istio-bench), each with its own port and baseUrl on 127.0.0.1. The guest session is signed in on instance 1 and used on every instance.`,
    'Warm latencies go through a loopback round-robin balancer (scripts/lib/roundRobin.mjs), also for one instance, so both include the same hop.',
    'Prometheus queries/min: prometheus_http_requests_total of its /api/v1/* handlers (the backends are its only clients during the window). Redis commands/min: total_commands_processed, less the benchmark’s own.',
    'Everything runs on this one machine (the simulator, Prometheus, PostgreSQL, Redis and every backend instance share its cores).',
  ],
  setup: {},
  phases: {},
};

let exitCode = 0;
try {
  assertPortsFree(sharedPorts());
  configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-bench-replicas-'));
  log('starting PostgreSQL and Redis');
  postgres = await startPostgres({ log });
  redis = await startRedis({ log });
  const [, redisInfo] = await redisCommands({ port: redis.port }, [
    ['AUTH', redis.password],
    ['INFO', 'server'],
  ]);
  report.setup.postgres = { major: postgres.major };
  report.setup.redis = {
    version: /redis_version:(\S+)/.exec(redisInfo)?.[1],
  };
  log(`starting the demo cluster at scale ${settings.scale} and Prometheus`);
  report.setup.demo = await startCluster();

  log('1 replica: starting instance 1');
  const first = await startInstance(0);
  const headers = await guestSession(first.url);
  await checkInstance(first, headers);
  await phase((report.phases.one = {}), [first], headers, {
    roundRobin: false,
  });

  log(`${settings.replicas} replicas: starting ${settings.replicas - 1} more`);
  const more = await Promise.all(
    Array.from({ length: settings.replicas - 1 }, (_, i) =>
      startInstance(i + 1),
    ),
  );
  const all = [first, ...more];
  for (const instance of more) await checkInstance(instance, headers);
  await phase((report.phases.many = {}), all, headers, { roundRobin: true });
} catch (error) {
  report.error = error.stack ?? String(error);
  exitCode = 1;
} finally {
  await cleanUp();
}
finish(exitCode);
