// What the benchmarks (scripts/bench-endpoints.mjs, scripts/bench-replicas.mjs) share
// around their measurements: the settings both read from the environment, the folder
// their logs and figures go to, a log line with the seconds since the run started, the
// machine and commit measured, the guest session they sign in with, and writing the
// report. Plain ESM, like the other scripts/lib modules.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './toolchain.mjs';

/** Where the benchmarks write their logs and figures. */
export const benchDir = path.join(repoRoot, 'node_modules/.cache/bench');

/** Resolves after `ms` milliseconds. */
export const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

/** The environment variable `name`, or `fallback` when it is not set. */
export function textSetting(name, fallback) {
  return process.env[name] ?? fallback;
}

/** The environment variable `name` as a number, or `fallback` when it is not set. */
export function numberSetting(name, fallback) {
  return Number(textSetting(name, fallback));
}

/**
 * The settings every benchmark on the demo reads: the scale generator's size
 * (DEMO_SCALE, 200x10x5), the connections of a warm run (BENCH_CONNECTIONS, 10), about
 * how long a warm run lasts (BENCH_WARM_SECONDS, default per benchmark) and the
 * backend's NODE_OPTIONS (BENCH_BACKEND_NODE_OPTIONS). Its default caps the heap as a
 * container's memory limit would (V8 sizes it from a cgroup limit; on a large host
 * without one it lets the heap grow to ~4 GB before collecting hard); empty runs the
 * backend uncapped.
 *
 * @param {{ warmSeconds: number }} defaults
 */
export function demoBenchSettings(defaults) {
  return {
    scale: textSetting('DEMO_SCALE', '200x10x5'),
    connections: numberSetting('BENCH_CONNECTIONS', 10),
    warmSeconds: numberSetting('BENCH_WARM_SECONDS', defaults.warmSeconds),
    backendNodeOptions: textSetting(
      'BENCH_BACKEND_NODE_OPTIONS',
      '--max-old-space-size=1024',
    ),
  };
}

/**
 * A log function writing `[<name> <seconds since startedAt>s] <message>` lines to
 * stderr.
 *
 * @param {string} name e.g. `bench:replicas`
 * @param {number} startedAt `Date.now()` when the run started
 * @returns {(message: string) => void}
 */
export function benchLog(name, startedAt) {
  return message =>
    process.stderr.write(
      `[${name} ${Math.round((Date.now() - startedAt) / 1000)}s] ${message}\n`,
    );
}

/** The machine the figures were measured on, and its load average at the start. */
export function describeMachine() {
  return {
    cpu: os.cpus()[0]?.model,
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    loadAverageAtStart: os
      .loadavg()
      .map(l => Math.round(l * 100) / 100)
      .join(' '),
  };
}

/** The commit measured and how many files differed from it (read-only git calls). */
export function gitState() {
  const git = args =>
    spawnSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).stdout?.trim();
  const changed = git(['status', '--porcelain']);
  return {
    commit: git(['rev-parse', '--short', 'HEAD']),
    uncommittedFiles: changed ? changed.split('\n').length : 0,
  };
}

/**
 * Signs in as the guest user on a backend and resolves to the headers that carry the
 * session. The headers hold a token: keep them out of reports and logs.
 *
 * @param {string} baseUrl e.g. `http://127.0.0.1:7007`
 * @returns {Promise<{ authorization: string }>}
 */
export async function guestSession(baseUrl) {
  const session = await fetch(
    `${baseUrl}/api/auth/guest/refresh?env=development`,
    { headers: { 'X-Requested-With': 'XMLHttpRequest' } },
  );
  if (!session.ok) throw new Error(`guest sign-in answered ${session.status}`);
  const token = (await session.json()).backstageIdentity.token;
  return { authorization: `Bearer ${token}` };
}

/**
 * Writes `report` as JSON to `fileName` in {@link benchDir} (without any `headers`
 * field: the session's token stays out of the file), prints it with `print`, then the
 * error if the run failed and where the file is.
 *
 * @param {{ error?: string }} report
 * @param {string} fileName e.g. `replicas.json`
 * @param {(report: object) => void} print writes the report for a person to stdout
 */
export function saveReport(report, fileName, print) {
  const out = path.join(benchDir, fileName);
  const redact = (key, value) => (key === 'headers' ? undefined : value);
  fs.writeFileSync(out, `${JSON.stringify(report, redact, 2)}\n`);
  print(report);
  if (report.error) process.stderr.write(`benchmark failed: ${report.error}\n`);
  process.stdout.write(`(all figures in ${path.relative(repoRoot, out)})\n`);
}
