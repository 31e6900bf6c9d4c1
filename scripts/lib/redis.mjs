// Starts a throwaway Redis server (Debian's `redis-server` package) for one test or
// bench run: no persistence, a temporary working folder, listening on 127.0.0.1 only
// on a free port, a random password, stopped and its folder deleted afterwards. This
// is the cache store (`backend.cache.store: redis`) that several Backstage backend
// replicas share. Plain ESM with no dependencies, like the other scripts/lib modules.
//
// Redis runs as root when asked to (it only warns), so unlike PostgreSQL it runs as
// whoever starts it. The password goes to the server in a config file only the
// current user can read, never on its command line (which `ps` would show).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  freeLoopbackPort,
  serverLifecycle,
  watchServer,
} from './throwawayServer.mjs';

const REDIS_SERVER = '/usr/bin/redis-server';
const READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;
const COMMAND_TIMEOUT_MS = 2_000;
/** How often to try another port when the free one was taken in between. */
const PORT_ATTEMPTS = 3;

/** An error whose message is meant for a person, without a stack trace. */
export class RedisError extends Error {
  constructor(message) {
    super(message);
    this.name = 'RedisError';
  }
}

/** One command in RESP (an array of bulk strings). */
function encodeCommand(args) {
  let out = `*${args.length}\r\n`;
  for (const arg of args) {
    const value = String(arg);
    out += `$${Buffer.byteLength(value)}\r\n${value}\r\n`;
  }
  return out;
}

/**
 * Parses one RESP reply from the start of `buffer`. Returns `{ value, rest }`, or
 * undefined when the buffer does not hold a whole reply yet. Errors (`-ERR …`) come
 * back as `{ error: string }` values.
 */
function parseReply(buffer) {
  const end = buffer.indexOf('\r\n');
  if (end < 0) return undefined;
  const type = buffer[0];
  const line = buffer.slice(1, end).toString('utf8');
  const after = buffer.subarray(end + 2);
  switch (type) {
    case 0x2b: // '+'
      return { value: line, rest: after };
    case 0x2d: // '-'
      return { value: { error: line }, rest: after };
    case 0x3a: // ':'
      return { value: Number(line), rest: after };
    case 0x24: {
      // '$'
      const length = Number(line);
      if (length < 0) return { value: null, rest: after };
      if (after.length < length + 2) return undefined;
      return {
        value: after.subarray(0, length).toString('utf8'),
        rest: after.subarray(length + 2),
      };
    }
    case 0x2a: {
      // '*'
      const count = Number(line);
      if (count < 0) return { value: null, rest: after };
      const items = [];
      let rest = after;
      for (let i = 0; i < count; i++) {
        const item = parseReply(rest);
        if (!item) return undefined;
        items.push(item.value);
        rest = item.rest;
      }
      return { value: items, rest };
    }
    default:
      throw new RedisError(`unexpected reply from Redis: ${line}`);
  }
}

/**
 * Sends commands to a Redis server over one raw TCP connection and resolves to their
 * replies in order (strings, numbers, null, arrays, or `{ error }` for error replies).
 * Enough for readiness checks and tests; not a client library.
 *
 * @param {{ host?: string, port: number, timeoutMs?: number }} target
 * @param {Array<Array<string | number>>} commands e.g. `[['AUTH', pw], ['PING']]`
 * @returns {Promise<unknown[]>}
 */
export function redisCommands(target, commands) {
  const { host = '127.0.0.1', port, timeoutMs = COMMAND_TIMEOUT_MS } = target;
  return new Promise((resolve, reject) => {
    const replies = [];
    let buffer = Buffer.alloc(0);
    const socket = net.connect({ host, port });
    socket.setTimeout(timeoutMs, () =>
      socket.destroy(new RedisError(`no answer within ${timeoutMs} ms`)),
    );
    socket.on('connect', () =>
      socket.write(commands.map(encodeCommand).join('')),
    );
    socket.on('data', chunk => {
      buffer = Buffer.concat([buffer, chunk]);
      try {
        for (;;) {
          const reply = parseReply(buffer);
          if (!reply) break;
          replies.push(reply.value);
          buffer = reply.rest;
        }
      } catch (error) {
        socket.destroy(error);
        return;
      }
      if (replies.length >= commands.length) {
        socket.end();
        resolve(replies);
      }
    });
    socket.on('error', reject);
    socket.on('close', () => {
      if (replies.length < commands.length) {
        reject(new RedisError('connection closed before all replies came'));
      }
    });
  });
}

/** Resolves to true once the server takes the password and answers PING. */
async function answersPing(port, password) {
  try {
    const [auth, pong] = await redisCommands({ port }, [
      ['AUTH', password],
      ['PING'],
    ]);
    return auth === 'OK' && pong === 'PONG';
  } catch {
    return false;
  }
}

/**
 * Starts a throwaway Redis server on 127.0.0.1 and resolves once it answers PING
 * with the password. Throws a {@link RedisError} saying why when it cannot (no
 * package, the server exiting, no answer in time).
 *
 * The URL holds a random password; pass it on through the environment or a config
 * file, never print it.
 *
 * @param {{ log?: (message: string) => void }} [options]
 * @returns {Promise<{
 *   port: number,
 *   password: string,
 *   url: string,
 *   stop: () => Promise<void>,
 *   stopSync: () => void,
 * }>}
 */
export async function startRedis(options = {}) {
  const log =
    options.log ?? (message => process.stderr.write(`[redis] ${message}\n`));
  if (!fs.existsSync(REDIS_SERVER)) {
    throw new RedisError(
      `no ${REDIS_SERVER}; install Debian's \`redis-server\` package (node scripts/ensure-system-packages.mjs redis-server)`,
    );
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-backstage-redis-'));
  const password = randomBytes(24).toString('hex');
  const configFile = path.join(dir, 'redis.conf');
  fs.writeFileSync(configFile, `requirepass ${password}\n`, { mode: 0o600 });

  let child;
  const { stop, stopSync } = serverLifecycle({
    dir,
    child: () => child,
    quickSignal: 'SIGKILL',
    // Nothing to save (`--save ""`): SIGTERM shuts down at once.
    gracefulSignal: 'SIGTERM',
    stopTimeoutMs: STOP_TIMEOUT_MS,
  });

  /** Starts the server on `port`; resolves true when ready, false when the port was taken. */
  const startOn = async port => {
    child = spawn(
      REDIS_SERVER,
      [
        configFile,
        '--bind',
        '127.0.0.1',
        '--port',
        String(port),
        '--dir',
        dir,
        // A throwaway cache: no snapshots, no append-only file.
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
        '--logfile',
        '',
        '--databases',
        '1',
      ],
      { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const server = watchServer(child);

    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      const early = await server.pause(100);
      if (early instanceof Error) {
        throw new RedisError(`redis-server could not be run: ${early.message}`);
      }
      if (server.exited()) {
        if (/address already in use/i.test(server.output())) return false;
        throw new RedisError(
          `redis-server exited (${
            child.exitCode ?? child.signalCode
          }) before answering:\n${server.lastLines()}`,
        );
      }
      if (await answersPing(port, password)) return true;
      if (Date.now() > deadline) {
        throw new RedisError(
          `redis-server did not answer PING on 127.0.0.1:${port} within ${
            READY_TIMEOUT_MS / 1000
          }s:\n${server.lastLines()}`,
        );
      }
    }
  };

  try {
    for (let attempt = 1; ; attempt++) {
      const port = await freeLoopbackPort();
      if (await startOn(port)) {
        log(`Redis ready on 127.0.0.1:${port} (${dir})`);
        return {
          port,
          password,
          url: `redis://:${password}@127.0.0.1:${port}`,
          stop,
          stopSync,
        };
      }
      if (attempt >= PORT_ATTEMPTS) {
        throw new RedisError(
          `redis-server found its port taken ${PORT_ATTEMPTS} times in a row`,
        );
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }
}
