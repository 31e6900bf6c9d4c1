// Starts a throwaway PostgreSQL server (Debian's `postgresql` package) for one test
// run: a fresh cluster in a temporary folder, listening on 127.0.0.1 only on a free
// port, password authentication over TCP, stopped and deleted afterwards. Plain ESM
// with no dependencies, like the other scripts/lib modules.
//
// PostgreSQL refuses to run as root, so as root the server runs as Debian's `postgres`
// system user (the temporary folder is handed over to it); as anyone else it runs as
// that user.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  freeLoopbackPort,
  serverLifecycle,
  tail,
  watchServer,
} from './throwawayServer.mjs';

const DEBIAN_POSTGRES_ROOT = '/usr/lib/postgresql';
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

/** An error whose message is meant for a person, without a stack trace. */
export class PostgresError extends Error {
  constructor(message) {
    super(message);
    this.name = 'PostgresError';
  }
}

/**
 * The newest PostgreSQL installed the Debian way (`/usr/lib/postgresql/<major>/bin`),
 * or undefined when there is none.
 *
 * @returns {{ major: number, bin: string } | undefined}
 */
export function findPostgres() {
  let entries;
  try {
    entries = fs.readdirSync(DEBIAN_POSTGRES_ROOT);
  } catch {
    return undefined;
  }
  const majors = entries
    .filter(name => /^\d+$/.test(name))
    .map(Number)
    .filter(major =>
      ['initdb', 'postgres', 'pg_isready'].every(tool =>
        fs.existsSync(
          path.join(DEBIAN_POSTGRES_ROOT, String(major), 'bin', tool),
        ),
      ),
    )
    .sort((a, b) => b - a);
  if (majors.length === 0) return undefined;
  return {
    major: majors[0],
    bin: path.join(DEBIAN_POSTGRES_ROOT, String(majors[0]), 'bin'),
  };
}

/**
 * The environment variable that `TestDatabases` from @backstage/backend-test-utils
 * reads for the test database id `POSTGRES_<major>`.
 */
export function testDatabaseEnvName(major) {
  return `BACKSTAGE_TEST_DATABASE_POSTGRES${major}_CONNECTION_STRING`;
}

/** Uid and gid of a system user, from the passwd database. */
function lookupUser(name) {
  const result = spawnSync('getent', ['passwd', name], { encoding: 'utf8' });
  const fields = result.status === 0 ? result.stdout.trim().split(':') : [];
  if (fields.length < 4) return undefined;
  return { uid: Number(fields[2]), gid: Number(fields[3]) };
}

/** Whose identity the server runs under: `postgres` when we are root, else ourselves. */
function serverIdentity() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    return {};
  }
  const user = lookupUser('postgres');
  if (!user) {
    throw new PostgresError(
      "running as root, but there is no `postgres` system user to run PostgreSQL as (Debian's `postgresql` package creates it); PostgreSQL refuses to run as root",
    );
  }
  return user;
}

/**
 * Starts a throwaway PostgreSQL server on 127.0.0.1 and resolves once it accepts
 * connections. Throws a {@link PostgresError} saying why when it cannot (no package,
 * no `postgres` user, initdb or the server failing).
 *
 * The connection string holds a random password; pass it on through the environment,
 * never print it.
 *
 * @param {{ log?: (message: string) => void }} [options]
 * @returns {Promise<{
 *   major: number,
 *   port: number,
 *   connectionString: string,
 *   stop: () => Promise<void>,
 *   stopSync: () => void,
 * }>}
 */
export async function startPostgres(options = {}) {
  const log =
    options.log ?? (message => process.stderr.write(`[postgres] ${message}\n`));
  const found = findPostgres();
  if (!found) {
    throw new PostgresError(
      `no PostgreSQL under ${DEBIAN_POSTGRES_ROOT}/<version>/bin; install Debian's \`postgresql\` package (node scripts/ensure-system-packages.mjs postgresql)`,
    );
  }
  const identity = serverIdentity();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-backstage-pg-'));
  const dataDir = path.join(dir, 'data');
  const socketDir = path.join(dir, 'socket');
  fs.mkdirSync(socketDir, { mode: 0o700 });
  if (identity.uid !== undefined) {
    fs.chownSync(dir, identity.uid, identity.gid);
    fs.chownSync(socketDir, identity.uid, identity.gid);
  }
  // Run the tools from inside the folder the server user owns (root's cwd may be
  // unreadable to it), with a HOME it can read.
  const spawnOptions = {
    cwd: dir,
    env: { ...process.env, HOME: dir, LC_ALL: 'C' },
    ...identity,
  };

  let child;
  const { stop, stopSync } = serverLifecycle({
    dir,
    child: () => child,
    // Immediate shutdown: the postmaster stops its backends and exits at once.
    quickSignal: 'SIGQUIT',
    // Fast shutdown: roll back open transactions, disconnect clients, stop.
    gracefulSignal: 'SIGINT',
    stopTimeoutMs: STOP_TIMEOUT_MS,
  });

  try {
    const password = randomBytes(24).toString('hex');
    const pwfile = path.join(dir, 'pwfile');
    fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
    if (identity.uid !== undefined) {
      fs.chownSync(pwfile, identity.uid, identity.gid);
    }
    const initdb = spawnSync(
      path.join(found.bin, 'initdb'),
      [
        '--pgdata',
        dataDir,
        '--username',
        'postgres',
        '--pwfile',
        pwfile,
        // Password over TCP; the socket lives in a folder only the server user can enter.
        '--auth-host',
        'scram-sha-256',
        '--auth-local',
        'peer',
        '--encoding',
        'UTF8',
        '--no-locale',
        '--no-sync',
      ],
      { ...spawnOptions, encoding: 'utf8' },
    );
    fs.rmSync(pwfile, { force: true });
    if (initdb.error || initdb.status !== 0) {
      throw new PostgresError(
        `initdb failed (${
          initdb.error?.message ?? `exit ${initdb.status}`
        }):\n${tail(`${initdb.stdout ?? ''}${initdb.stderr ?? ''}`)}`,
      );
    }

    const port = await freeLoopbackPort();
    child = spawn(
      path.join(found.bin, 'postgres'),
      [
        '-D',
        dataDir,
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        `port=${port}`,
        '-c',
        `unix_socket_directories=${socketDir}`,
        // A throwaway database: durability only costs time here.
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
      ],
      { ...spawnOptions, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const server = watchServer(child);

    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      const early = await server.pause(250);
      if (early instanceof Error) {
        throw new PostgresError(`postgres could not be run: ${early.message}`);
      }
      if (server.exited()) {
        throw new PostgresError(
          `postgres exited (${
            child.exitCode ?? child.signalCode
          }) before accepting connections:\n${server.lastLines()}`,
        );
      }
      const probe = spawnSync(
        path.join(found.bin, 'pg_isready'),
        ['--host', '127.0.0.1', '--port', String(port), '--timeout', '2'],
        { encoding: 'utf8' },
      );
      if (probe.status === 0) break;
      if (Date.now() > deadline) {
        throw new PostgresError(
          `postgres did not accept connections on 127.0.0.1:${port} within ${
            READY_TIMEOUT_MS / 1000
          }s:\n${server.lastLines()}`,
        );
      }
    }
    log(`PostgreSQL ${found.major} ready on 127.0.0.1:${port} (${dir})`);
    return {
      major: found.major,
      port,
      connectionString: `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`,
      stop,
      stopSync,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
