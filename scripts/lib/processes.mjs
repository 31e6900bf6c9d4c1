// Small helpers for the project's command-line scripts: run a step, start a
// long-running child, wait for a port, and stop children together.
import { spawn } from 'node:child_process';
import http from 'node:http';

/** Runs a command to completion; resolves with its exit code (never rejects). */
export function runStep(command, args, options = {}) {
  return new Promise(resolve => {
    const child = spawn(command, args, { stdio: 'inherit', ...options });
    child.on('error', error => {
      process.stderr.write(`${command}: ${error.message}\n`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** Starts a long-running command in its own process group so it can be stopped whole. */
export function startService(command, args, options = {}) {
  return spawn(command, args, { detached: true, ...options });
}

/** Stops a service started with {@link startService}, and its children. */
export async function stopService(child, graceMs = 5000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise(resolve => child.once('exit', resolve));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }, graceMs);
  await exited;
  clearTimeout(timer);
}

/** Polls an HTTP URL until it answers with a status below 500, or the deadline passes. */
export async function waitForHttp(
  url,
  { timeoutMs, headers = {}, isReady } = {},
) {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no answer yet';
  while (Date.now() < deadline) {
    const result = await new Promise(resolve => {
      const req = http.get(url, { headers, timeout: 5000 }, res => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', chunk => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode, body }));
      });
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', error => resolve({ error }));
    });
    if (result.error) {
      lastError = result.error.message;
    } else if (isReady ? isReady(result) : result.status < 500) {
      return result;
    } else {
      lastError = `HTTP ${result.status}`;
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error(`${url} not ready after ${timeoutMs / 1000}s (${lastError})`);
}
