// The demo as the benchmarks start it: scripts/start-demo.mjs in its own process group
// with its output in a log file, a fresh Prometheus (DEMO_FRESH_PROMETHEUS=1) scraping
// the simulator, the ports it shares with any other demo on the machine, and the
// simulator's summary line. Used by scripts/bench-endpoints.mjs and
// scripts/bench-replicas.mjs. Plain ESM, like the other scripts/lib modules.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './toolchain.mjs';
import { startService } from './processes.mjs';
import { pidListeningOn } from './procfs.mjs';
import { sleep } from './bench.mjs';

const PROMETHEUS = '/usr/bin/prometheus';
/** Where scripts/start-demo.mjs serves Prometheus. */
export const PROMETHEUS_URL = 'http://127.0.0.1:9091';

/** Those of `ports` that some process listens on. */
export function portsInUse(ports) {
  return ports.filter(port => pidListeningOn(port) !== undefined);
}

/** Throws when any of `ports` is taken (another demo, or a benchmark, is running). */
export function assertPortsFree(ports) {
  const busy = portsInUse(ports);
  if (busy.length) {
    throw new Error(
      `ports ${busy.join(
        ', ',
      )} are in use (another demo?); run under flock /tmp/demo-ports.lock once they are free`,
    );
  }
}

/**
 * Starts scripts/start-demo.mjs in its own process group (stop it with `stopService`),
 * its stdout and stderr written to `logFile`, with Prometheus on an empty TSDB, without
 * the demo-oidc cluster and no browser opened.
 *
 * @param {{ node: string, env: NodeJS.ProcessEnv }} toolchain from `reexecUnderToolchain`
 * @param {{ logFile: string, scale: string, env?: NodeJS.ProcessEnv }} options
 *   `scale` is DEMO_SCALE; `env` adds to (or overrides) the demo's environment, e.g.
 *   DEMO_BACKEND_ONLY or DEMO_NO_BACKEND.
 * @returns {import('node:child_process').ChildProcess}
 */
export function startDemoScript(toolchain, { logFile, scale, env = {} }) {
  const fd = fs.openSync(logFile, 'w');
  try {
    return startService(toolchain.node, ['scripts/start-demo.mjs'], {
      cwd: repoRoot,
      env: {
        ...toolchain.env,
        DEMO_SCALE: scale,
        DEMO_FRESH_PROMETHEUS: '1',
        // The demo cluster alone: the figures stay comparable with earlier runs.
        DEMO_OIDC_CLUSTER: '0',
        BROWSER: 'none',
        ...env,
      },
      stdio: ['ignore', fd, fd],
    });
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Resolves or rejects as `promise` does, but rejects at once, with the last 25 lines of
 * `logFile`, when `child` exits while `promise` is pending: a start that fails fails
 * fast, with the reason.
 *
 * @template T
 * @param {import('node:child_process').ChildProcess} child
 * @param {string} logFile where the child writes its output
 * @param {string} what the child, for the message, e.g. `the demo`
 * @param {Promise<T>} promise
 * @returns {Promise<T>}
 */
export async function unlessExited(child, logFile, what, promise) {
  let pending = true;
  const exited = new Promise((_resolve, reject) =>
    child.once('exit', code => {
      if (!pending) return;
      const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-25);
      reject(
        new Error(
          `${what} exited (${code}) before it was ready (${path.relative(
            repoRoot,
            logFile,
          )}):\n${tail.join('\n')}`,
        ),
      );
    }),
  );
  try {
    return await Promise.race([promise, exited]);
  } finally {
    pending = false;
  }
}

/**
 * The simulator's size from its summary line in the demo's log (`N pods, N proxies,
 * N services`), or a note that the line is missing.
 */
export function simulatorSummary(logFile) {
  const summary = /(\d+) pods, (\d+) proxies, (\d+) services/.exec(
    fs.readFileSync(logFile, 'utf8'),
  );
  return summary
    ? {
        pods: Number(summary[1]),
        proxies: Number(summary[2]),
        services: Number(summary[3]),
      }
    : 'summary line not found in the demo log';
}

/** The first line of `prometheus --version`, or undefined when the machine has none. */
export function prometheusVersion() {
  if (!fs.existsSync(PROMETHEUS)) return undefined;
  const version = spawnSync(PROMETHEUS, ['--version'], { encoding: 'utf8' });
  return `${version.stdout || version.stderr}`.split('\n')[0];
}

/**
 * Waits until the demo's Prometheus has scraped the simulator (its `demo-cluster` job
 * is up); throws after 90 s. Only when the machine has Prometheus
 * ({@link prometheusVersion}).
 */
export async function waitForDemoScrape() {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(
        `${PROMETHEUS_URL}/api/v1/query?query=up%7Bjob%3D%22demo-cluster%22%7D`,
      );
      const json = await res.json();
      if (json.data?.result?.some(r => r.value?.[1] === '1')) return;
    } catch {
      // not up yet
    }
    await sleep(1000);
  }
  throw new Error('Prometheus did not scrape the demo cluster within 90 s');
}
