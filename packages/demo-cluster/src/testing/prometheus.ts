// A real Prometheus for tests: Debian's `prometheus` package (2.42, /usr/bin/prometheus),
// started on a free loopback port with its own temporary config and data folder.
// Install it with `node scripts/ensure-system-packages.mjs prometheus` (as root).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** Where Debian's `prometheus` package puts the server binary. */
export const PROMETHEUS_BINARY = '/usr/bin/prometheus';

const INSTALL_HINT =
  'install it with `node scripts/ensure-system-packages.mjs prometheus` (as root; Debian package `prometheus`)';

/** Options of {@link startPrometheus}. */
export interface StartPrometheusOptions {
  /** Full scrape URLs, e.g. `http://127.0.0.1:PORT/metrics` (a demo cluster's `metricsUrl`). */
  scrapeTargets: string[];
  /** Scrape interval in seconds; 1 by default. */
  scrapeIntervalSeconds?: number;
  /** Job name of the scrape targets; `demo-cluster` by default. */
  jobName?: string;
  /**
   * TSDB folder to use, e.g. one prepared with `createBackfillBlocks`. It is left in
   * place on `stop()`; by default a temporary one is made and removed.
   */
  dataDir?: string;
  /** More command-line flags for Prometheus (`--query.lookback-delta=1m`, …). */
  extraArgs?: string[];
  /** Path of the binary; {@link PROMETHEUS_BINARY} by default. */
  binary?: string;
  /** How long to wait for `/-/ready`; 30 s by default. */
  readyTimeoutMs?: number;
}

/** A running Prometheus. */
export interface RunningPrometheus {
  /** Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  url: string;
  /** The TSDB folder it uses. */
  dataDir: string;
  /** The generated configuration file. */
  configFile: string;
  /** What Prometheus has logged so far (the last 64 KiB), for failure messages. */
  logs(): string;
  /** Stops Prometheus and removes its temporary files. Safe to call more than once. */
  stop(): Promise<void>;
}

/** One series of an instant (`value`) or range (`values`) query result. */
export interface PrometheusSeries {
  metric: Record<string, string>;
  /** `[unix seconds, value as text]` for instant vectors and scalars. */
  value?: [number, string];
  /** For range vectors (`x[5m]` queried instantly). */
  values?: Array<[number, string]>;
}

const LOG_LIMIT = 64 * 1024;

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The `scrape_configs` entry for a set of target URLs (exported for unit tests). */
export function scrapeConfig(
  jobName: string,
  targets: string[],
  intervalSeconds: number,
) {
  const staticConfigs = targets.map(target => {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      throw new Error(`scrape target is not a URL: ${target}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error(`scrape target must be http(s): ${target}`);
    }
    const labels: Record<string, string> = {
      __scheme__: url.protocol.slice(0, -1),
      __metrics_path__: url.pathname || '/',
    };
    for (const [key, value] of url.searchParams) {
      labels[`__param_${key}`] = value;
    }
    return { targets: [url.host], labels };
  });
  return {
    job_name: jobName,
    scrape_interval: `${intervalSeconds}s`,
    // Prometheus refuses a timeout longer than the interval (the default is 10s).
    scrape_timeout: `${Math.min(intervalSeconds, 10)}s`,
    static_configs: staticConfigs,
  };
}

async function isReady(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/-/ready`, {
      signal: AbortSignal.timeout(2000),
      redirect: 'manual',
    });
    await res.body?.cancel();
    return res.status === 200;
  } catch {
    return false;
  }
}

/**
 * Starts Prometheus on a free loopback port, scraping `scrapeTargets` every
 * `scrapeIntervalSeconds` (1 s by default), and resolves once `/-/ready` answers 200.
 * Fails with a message saying how to install it when the binary is missing.
 */
export async function startPrometheus(
  options: StartPrometheusOptions,
): Promise<RunningPrometheus> {
  const binary = options.binary ?? PROMETHEUS_BINARY;
  if (!fs.existsSync(binary)) {
    throw new Error(`Prometheus is not installed (${binary}): ${INSTALL_HINT}`);
  }
  const interval = options.scrapeIntervalSeconds ?? 1;
  if (!(interval > 0)) {
    throw new Error(`scrapeIntervalSeconds must be > 0, got ${interval}`);
  }
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prometheus-test-'));
  const dataDir = options.dataDir ?? path.join(tmpDir, 'data');
  const configFile = path.join(tmpDir, 'prometheus.yml');
  const cleanUp = () => {
    fs.rmSync(tmpDir, { recursive: true, force: true });
  };

  try {
    const config = {
      global: {
        scrape_interval: `${interval}s`,
        evaluation_interval: `${interval}s`,
      },
      scrape_configs:
        options.scrapeTargets.length > 0
          ? [
              scrapeConfig(
                options.jobName ?? 'demo-cluster',
                options.scrapeTargets,
                interval,
              ),
            ]
          : [],
    };
    // JSON is YAML: no YAML writer needed.
    fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
  } catch (error) {
    cleanUp();
    throw error;
  }

  // The port is free when we look; another process may take it before Prometheus
  // binds, so a start that fails on the address is retried on a new port.
  for (let attempt = 1; ; attempt++) {
    const port = await freeLoopbackPort();
    try {
      return await launch({
        binary,
        port,
        configFile,
        dataDir,
        extraArgs: options.extraArgs ?? [],
        readyTimeoutMs: options.readyTimeoutMs ?? 30_000,
        // An owned data folder sits inside tmpDir.
        cleanUp,
      });
    } catch (error) {
      const retry =
        attempt < 3 && /address already in use/i.test((error as Error).message);
      if (!retry) {
        cleanUp();
        throw error;
      }
    }
  }
}

async function launch(params: {
  binary: string;
  port: number;
  configFile: string;
  dataDir: string;
  extraArgs: string[];
  readyTimeoutMs: number;
  cleanUp: () => void;
}): Promise<RunningPrometheus> {
  const url = `http://127.0.0.1:${params.port}`;
  const args = [
    `--config.file=${params.configFile}`,
    `--storage.tsdb.path=${params.dataDir}`,
    `--web.listen-address=127.0.0.1:${params.port}`,
    '--web.enable-lifecycle',
    ...params.extraArgs,
  ];
  const child: ChildProcess = spawn(params.binary, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let logs = '';
  const collect = (chunk: Buffer) => {
    logs += chunk.toString('utf8');
    if (logs.length > LOG_LIMIT) logs = logs.slice(-LOG_LIMIT);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  let spawnError: Error | undefined;
  child.on('error', error => {
    spawnError = error;
  });
  const exited = new Promise<void>(resolve => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('close', () => resolve());
  });
  // Never leave a Prometheus behind when the test process ends without stop().
  const killOnExit = () => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      params.cleanUp();
    })();
    return stopped;
  };

  const deadline = Date.now() + params.readyTimeoutMs;
  for (;;) {
    if (spawnError || child.exitCode !== null || child.signalCode !== null) {
      await exited;
      process.removeListener('exit', killOnExit);
      const reason = spawnError
        ? spawnError.message
        : `exited with ${child.exitCode ?? child.signalCode}`;
      throw new Error(
        `Prometheus ${reason} before it was ready:\n${logs.slice(-4000)}`,
      );
    }
    if (await isReady(url)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await exited;
      process.removeListener('exit', killOnExit);
      throw new Error(
        `Prometheus on ${url} not ready after ${
          params.readyTimeoutMs
        } ms:\n${logs.slice(-4000)}`,
      );
    }
    await new Promise(r => setTimeout(r, 100));
  }

  return {
    url,
    dataDir: params.dataDir,
    configFile: params.configFile,
    logs: () => logs,
    stop,
  };
}

/**
 * Runs an instant query (`/api/v1/query`) and returns `data.result`: the series of a
 * vector or matrix; a scalar or string comes back as one series with no labels.
 * Throws with Prometheus' own error message (bad PromQL, …) otherwise.
 */
export async function queryPrometheus(
  url: string,
  promql: string,
  options: { time?: Date; timeoutMs?: number } = {},
): Promise<PrometheusSeries[]> {
  const body = new URLSearchParams({ query: promql });
  if (options.time) body.set('time', String(options.time.getTime() / 1000));
  const res = await fetch(`${url.replace(/\/$/, '')}/api/v1/query`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body,
    redirect: 'error',
    signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
  });
  const text = await res.text();
  let parsed: {
    status?: string;
    error?: string;
    errorType?: string;
    data?: { resultType: string; result: unknown };
  };
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(
      `Prometheus answered ${
        res.status
      } with a body that is not JSON: ${text.slice(0, 200)}`,
    );
  }
  if (parsed.status !== 'success' || !parsed.data) {
    throw new Error(
      `Prometheus query failed (${res.status} ${
        parsed.errorType ?? 'error'
      }): ${parsed.error ?? text.slice(0, 200)} — query: ${promql}`,
    );
  }
  const { resultType, result } = parsed.data;
  if (resultType === 'scalar' || resultType === 'string') {
    return [{ metric: {}, value: result as [number, string] }];
  }
  return result as PrometheusSeries[];
}

/**
 * Polls an instant query until its result is non-empty (or `until` accepts it) and
 * returns that result; throws after `timeoutMs` with the last result or error.
 */
export async function waitForSeries(
  url: string,
  promql: string,
  timeoutMs: number,
  options: {
    until?: (result: PrometheusSeries[]) => boolean;
    pollMs?: number;
  } = {},
): Promise<PrometheusSeries[]> {
  const until = options.until ?? (result => result.length > 0);
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  for (;;) {
    try {
      const result = await queryPrometheus(url, promql, {
        timeoutMs: Math.max(1000, Math.min(10_000, deadline - Date.now())),
      });
      if (until(result)) return result;
      last = `last result: ${JSON.stringify(result).slice(0, 1000)}`;
    } catch (error) {
      last = `last error: ${(error as Error).message}`;
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `no matching series for \`${promql}\` after ${timeoutMs} ms (${last})`,
      );
    }
    await new Promise(r =>
      setTimeout(r, Math.min(options.pollMs ?? 250, deadline - Date.now())),
    );
  }
}
