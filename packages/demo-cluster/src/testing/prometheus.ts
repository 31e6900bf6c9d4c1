// A real Prometheus for tests: Debian's `prometheus` package (2.42, /usr/bin/prometheus),
// started on a free loopback port with its own temporary config and data folder.
// Install it with `node scripts/ensure-system-packages.mjs prometheus` (as root).
import bcrypt from 'bcryptjs';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
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
  /**
   * Prometheus' own web security (`--web.config.file`): HTTP basic auth on every
   * endpoint, and HTTPS with the given certificate and key (PEM), which makes `url`
   * an `https` one. Off by default.
   */
  web?: PrometheusWebOptions;
}

/** Options of {@link startPrometheus} for Prometheus' web server. */
export interface PrometheusWebOptions {
  basicAuth?: { username: string; password: string };
  tls?: { certPem: string; keyPem: string };
}

/** A running Prometheus. */
export interface RunningPrometheus {
  /**
   * Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash); `https` with
   * `web.tls`. {@link queryPrometheus} and {@link waitForSeries} speak plain HTTP
   * without credentials only.
   */
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

/** How the readiness check reaches a Prometheus with web security on. */
interface ReadyCheck {
  /** PEM the server certificate must chain to (its own, for a self-signed one). */
  caPem?: string;
  authorization?: string;
}

function isReady(url: string, check: ReadyCheck): Promise<boolean> {
  const target = new URL('/-/ready', url);
  const options: https.RequestOptions = {
    method: 'GET',
    timeout: 2000,
    agent: false,
    headers: check.authorization ? { Authorization: check.authorization } : {},
    ...(check.caPem ? { ca: check.caPem } : {}),
  };
  return new Promise(resolve => {
    const req = (target.protocol === 'https:' ? https : http).request(
      target,
      options,
      res => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

/**
 * Writes the `--web.config.file` for `web` into `dir` (JSON is YAML), with the
 * certificate and key files next to it; returns its path and the readiness check.
 */
function writeWebConfig(
  dir: string,
  web: PrometheusWebOptions,
): { webConfigFile: string; check: ReadyCheck } {
  const config: Record<string, unknown> = {};
  const check: ReadyCheck = {};
  if (web.basicAuth) {
    const { username, password } = web.basicAuth;
    // Cost 4, bcrypt's lowest: Prometheus checks it on each request.
    config.basic_auth_users = { [username]: bcrypt.hashSync(password, 4) };
    check.authorization = `Basic ${Buffer.from(
      `${username}:${password}`,
    ).toString('base64')}`;
  }
  if (web.tls) {
    const certFile = path.join(dir, 'web-cert.pem');
    const keyFile = path.join(dir, 'web-key.pem');
    fs.writeFileSync(certFile, web.tls.certPem);
    fs.writeFileSync(keyFile, web.tls.keyPem, { mode: 0o600 });
    config.tls_server_config = { cert_file: certFile, key_file: keyFile };
    check.caPem = web.tls.certPem;
  }
  const webConfigFile = path.join(dir, 'web.yml');
  fs.writeFileSync(webConfigFile, JSON.stringify(config, null, 2), {
    mode: 0o600,
  });
  return { webConfigFile, check };
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

  let web: LaunchWeb = { secure: false, check: {} };
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
    if (options.web)
      web = {
        ...writeWebConfig(tmpDir, options.web),
        secure: Boolean(options.web.tls),
      };
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
        web,
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

/**
 * Polls `/-/ready` until it answers 200. Throws with the last logs, after `giveUp`,
 * when Prometheus exits first or is not ready in time.
 */
async function waitUntilReady(params: {
  child: ChildProcess;
  url: string;
  check: ReadyCheck;
  timeoutMs: number;
  spawnError: () => Error | undefined;
  logs: () => string;
  giveUp: () => Promise<void>;
}): Promise<void> {
  const { child, url } = params;
  const deadline = Date.now() + params.timeoutMs;
  for (;;) {
    const spawnError = params.spawnError();
    if (spawnError || child.exitCode !== null || child.signalCode !== null) {
      await params.giveUp();
      const reason = spawnError
        ? spawnError.message
        : `exited with ${child.exitCode ?? child.signalCode}`;
      throw new Error(
        `Prometheus ${reason} before it was ready:\n${params
          .logs()
          .slice(-4000)}`,
      );
    }
    if (await isReady(url, params.check)) return;
    if (Date.now() > deadline) {
      await params.giveUp();
      throw new Error(
        `Prometheus on ${url} not ready after ${params.timeoutMs} ms:\n${params
          .logs()
          .slice(-4000)}`,
      );
    }
    await new Promise(r => setTimeout(r, 100));
  }
}

/** The web security a Prometheus is launched with. */
interface LaunchWeb {
  secure: boolean;
  webConfigFile?: string;
  check: ReadyCheck;
}

async function launch(params: {
  binary: string;
  port: number;
  configFile: string;
  dataDir: string;
  extraArgs: string[];
  readyTimeoutMs: number;
  web: LaunchWeb;
  cleanUp: () => void;
}): Promise<RunningPrometheus> {
  const { web } = params;
  const url = `${web.secure ? 'https' : 'http'}://127.0.0.1:${params.port}`;
  const args = [
    `--config.file=${params.configFile}`,
    `--storage.tsdb.path=${params.dataDir}`,
    `--web.listen-address=127.0.0.1:${params.port}`,
    '--web.enable-lifecycle',
    ...(web.webConfigFile ? [`--web.config.file=${web.webConfigFile}`] : []),
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

  await waitUntilReady({
    child,
    url,
    check: web.check,
    timeoutMs: params.readyTimeoutMs,
    spawnError: () => spawnError,
    logs: () => logs,
    giveUp: async () => {
      child.kill('SIGKILL');
      await exited;
      process.removeListener('exit', killOnExit);
    },
  });

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
