#!/usr/bin/env node
// Quick-start command 2: runs every test suite there is, in order, and exits non-zero
// if any failed. Works from Node >= 20 and npm alone (see lib/toolchain.mjs).
import { reexecUnderToolchain, repoRoot } from './lib/toolchain.mjs';
import { runStep } from './lib/processes.mjs';
import { startPostgres, testDatabaseEnvName } from './lib/postgres.mjs';

const toolchain = reexecUnderToolchain(import.meta.url);
const yarn = args => [toolchain.yarn, args];

const steps = [
  // Real Prometheus for the integration tests, PostgreSQL for the database store
  // tests, Chromium for the end-to-end tests.
  [
    'system packages',
    toolchain.node,
    [
      'scripts/ensure-system-packages.mjs',
      'prometheus',
      'postgresql',
      'chromium',
    ],
  ],
  ['type check', ...yarn(['tsc'])],
  ['lint', ...yarn(['backstage-cli', 'repo', 'lint'])],
  ['formatting', ...yarn(['prettier', '--check', '.'])],
  [
    'unit and integration tests',
    ...yarn(['backstage-cli', 'repo', 'test', '--ci']),
    { postgres: true },
  ],
  // Production build of the app with and without the plugin: ≤ 250 KB gzip added.
  ['bundle size', toolchain.node, ['scripts/bundle-size.mjs']],
  ['demo start-up and end-to-end', toolchain.node, ['scripts/smoke-start.mjs']],
];

/**
 * Runs `run(env)` with a throwaway PostgreSQL on loopback, its connection string in
 * the variable TestDatabases reads for that version, and stops it afterwards (also on
 * Ctrl-C). Resolves to 1 with the reason printed when it cannot start: the store
 * tests would otherwise skip PostgreSQL without a word.
 */
async function withPostgres(env, run) {
  let postgres;
  try {
    postgres = await startPostgres();
  } catch (error) {
    process.stderr.write(
      `PostgreSQL for the database store tests could not be started: ${error.message}\n`,
    );
    return 1;
  }
  const onSignal = signal => {
    postgres.stopSync();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', postgres.stopSync);
  try {
    return await run({
      ...env,
      [testDatabaseEnvName(postgres.major)]: postgres.connectionString,
    });
  } finally {
    await postgres.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('exit', postgres.stopSync);
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
  const code = needs.postgres ? await withPostgres(env, run) : await run(env);
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
