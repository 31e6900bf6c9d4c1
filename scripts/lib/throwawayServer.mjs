// What the throwaway servers started for one test or bench run have in common
// (scripts/lib/postgres.mjs, scripts/lib/redis.mjs): a free port on 127.0.0.1, the
// last lines the server printed, and its lifecycle — stop it (gracefully, or at once
// when the process exits) and delete its temporary folder. Plain ESM with no
// dependencies, like the other scripts/lib modules.
import fs from 'node:fs';
import net from 'node:net';

/** A TCP port on 127.0.0.1 that was free a moment ago (another process may take it). */
export function freeLoopbackPort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The last `lines` lines of `text`. */
export function tail(text, lines = 20) {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/**
 * Keeps the last 200 lines a spawned server prints (its stdout and stderr, which must
 * be pipes) and notices when it could not be spawned at all.
 *
 * @param {import('node:child_process').ChildProcess} child
 * @returns {{
 *   output: () => string,
 *   lastLines: () => string,
 *   exited: () => boolean,
 *   pause: (ms: number) => Promise<Error | undefined>,
 * }} `output()` is what it printed so far, `lastLines()` the last 20 lines of it (for
 *   an error message); `exited()` whether it has exited; `pause(ms)` waits `ms`, or
 *   resolves earlier to the error when the server could not be spawned.
 */
export function watchServer(child) {
  let output = '';
  const collect = chunk => {
    output = tail(output + chunk.toString('utf8'), 200);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const spawnFailed = new Promise(resolve => child.once('error', resolve));
  return {
    output: () => output,
    lastLines: () => tail(output),
    exited: () => hasExited(child),
    pause: ms =>
      Promise.race([
        spawnFailed,
        new Promise(resolve => setTimeout(resolve, ms)),
      ]),
  };
}

/** Whether `child` has exited (or was killed by a signal). */
function hasExited(child) {
  return child.exitCode !== null || child.signalCode !== null;
}

/**
 * The lifecycle of a throwaway server that lives in a temporary folder: `stop()` asks
 * it to shut down with `gracefulSignal`, sends SIGKILL if it is still running after
 * `stopTimeoutMs`, waits for it to exit and deletes the folder; `stopSync()` (for an
 * 'exit' handler, where nothing can be awaited) sends `quickSignal` and deletes the
 * folder at once. Either runs once; after one, the other does nothing. Both are safe
 * before the server was spawned, and after it failed to spawn or exited.
 *
 * @param {{
 *   dir: string,
 *   child: () => import('node:child_process').ChildProcess | undefined,
 *   quickSignal: NodeJS.Signals,
 *   gracefulSignal: NodeJS.Signals,
 *   stopTimeoutMs: number,
 * }} options `dir` is the temporary folder (deleted with all it holds); `child`
 *   returns the current server process (undefined before it is spawned).
 * @returns {{
 *   running: () => boolean,
 *   stop: () => Promise<void>,
 *   stopSync: () => void,
 * }}
 */
export function serverLifecycle(options) {
  const { dir, child, quickSignal, gracefulSignal, stopTimeoutMs } = options;
  let stopped = false;
  // A child that failed to spawn has no pid and never emits 'exit'.
  const running = () => {
    const current = child();
    return current?.pid !== undefined && !hasExited(current);
  };
  const removeDir = () =>
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
  const stopSync = () => {
    if (stopped) return;
    stopped = true;
    if (running()) {
      try {
        child().kill(quickSignal);
      } catch {
        // already gone
      }
    }
    try {
      removeDir();
    } catch {
      // The server may still be writing; a leftover folder in /tmp is harmless.
    }
  };
  const stop = async () => {
    if (stopped) return;
    if (running()) {
      const current = child();
      const exited = new Promise(resolve => current.once('exit', resolve));
      current.kill(gracefulSignal);
      const timer = setTimeout(() => current.kill('SIGKILL'), stopTimeoutMs);
      await exited;
      clearTimeout(timer);
    }
    stopped = true;
    removeDir();
  };
  return { running, stop, stopSync };
}
