#!/usr/bin/env node
// Quick-start command 2: runs every test suite there is, in order, and exits non-zero
// if any failed. Works from Node >= 20 and npm alone (see lib/toolchain.mjs).
import { reexecUnderToolchain, repoRoot } from './lib/toolchain.mjs';
import { runStep } from './lib/processes.mjs';
import { startPostgres, testDatabaseEnvName } from './lib/postgres.mjs';
import { startRedis } from './lib/redis.mjs';

const toolchain = reexecUnderToolchain(import.meta.url);
const yarn = args => [toolchain.yarn, args];

const steps = [
  // Real Prometheus for the integration tests, PostgreSQL for the database store
  // tests, Redis for the multi-replica test (backends sharing PostgreSQL and Redis),
  // Chromium for the end-to-end tests.
  [
    'system packages',
    toolchain.node,
    [
      'scripts/ensure-system-packages.mjs',
      'prometheus',
      'postgresql',
      'redis-server',
      'chromium',
    ],
  ],
  ['type check', ...yarn(['tsc'])],
  ['lint', ...yarn(['backstage-cli', 'repo', 'lint'])],
  ['formatting', ...yarn(['prettier', '--check', '.'])],
  [
    'unit and integration tests',
    ...yarn(['backstage-cli', 'repo', 'test', '--ci']),
    { postgres: true, redis: true },
  ],
  // Production build of the app with and without the plugin: ≤ 250 KB gzip added.
  ['bundle size', toolchain.node, ['scripts/bundle-size.mjs']],
  ['demo start-up and end-to-end', toolchain.node, ['scripts/smoke-start.mjs']],
];

/**
 * Throwaway servers a step may ask for (`{ postgres: true, redis: true }`): what each
 * is for, how to start it on loopback, and the variables that hand it to the tests.
 */
const SERVERS = {
  postgres: {
    purpose: 'PostgreSQL for the database store tests',
    start: startPostgres,
    // The variable TestDatabases reads for that PostgreSQL version.
    env: postgres => ({
      [testDatabaseEnvName(postgres.major)]: postgres.connectionString,
    }),
  },
  redis: {
    purpose:
      'Redis for the multi-replica integration test (the cache store backend replicas share)',
    start: startRedis,
    env: redis => ({ ISTIO_TEST_REDIS_URL: redis.url }),
  },
};

/**
 * Runs `run(env)` with the named throwaway servers started one after another, their
 * connection details added to `env`, and stops them afterwards (also on Ctrl-C).
 * Resolves to 1 with the reason printed when one cannot start: the tests would
 * otherwise skip that server without a word.
 */
async function withServers(names, env, run) {
  const started = [];
  const stopAllSync = () => started.forEach(server => server.stopSync());
  const onSignal = signal => {
    stopAllSync();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', stopAllSync);
  try {
    const stepEnv = { ...env };
    for (const name of names) {
      const { purpose, start, env: envOf } = SERVERS[name];
      let server;
      try {
        server = await start();
      } catch (error) {
        process.stderr.write(
          `${purpose} could not be started: ${error.message}\n`,
        );
        return 1;
      }
      started.push(server);
      Object.assign(stepEnv, envOf(server));
    }
    return await run(stepEnv);
  } finally {
    for (const server of started.reverse()) await server.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('exit', stopAllSync);
  }
}

const only = process.argv.slice(2);
const results = [];
for (const [name, command, args, needs = {}] of steps) {
  if (only.length > 0 && !only.some(o => name.includes(o))) continue;
  process.stdout.write(`\n=== ${name} ===\n`);
  const started = Date.now();
  const env = { ...toolchain.env, CI: 'true' };
  const run = stepEnv =>
    runStep(command, args, { cwd: repoRoot, env: stepEnv });
  const servers = Object.keys(SERVERS).filter(name => needs[name]);
  const code =
    servers.length > 0 ? await withServers(servers, env, run) : await run(env);
  results.push({
    name,
    code,
    seconds: Math.round((Date.now() - started) / 1000),
  });
}

process.stdout.write('\n=== summary ===\n');
for (const { name, code, seconds } of results) {
  process.stdout.write(
    `${code === 0 ? 'PASS' : 'FAIL'}  ${name} (${seconds}s)\n`,
  );
}
process.exit(results.every(r => r.code === 0) ? 0 : 1);
