#!/usr/bin/env node
// Quick-start command 2: runs every test suite there is, in order, and exits non-zero
// if any failed. Works from Node >= 20 and npm alone (see lib/toolchain.mjs).
import { reexecUnderToolchain, repoRoot } from './lib/toolchain.mjs';
import { runStep } from './lib/processes.mjs';

const toolchain = reexecUnderToolchain(import.meta.url);
const yarn = args => [toolchain.yarn, args];

const steps = [
  // Real Prometheus for the integration tests, Chromium for the end-to-end tests.
  [
    'system packages',
    toolchain.node,
    ['scripts/ensure-system-packages.mjs', 'prometheus', 'chromium'],
  ],
  ['type check', ...yarn(['tsc'])],
  ['lint', ...yarn(['backstage-cli', 'repo', 'lint'])],
  ['formatting', ...yarn(['prettier', '--check', '.'])],
  [
    'unit and integration tests',
    ...yarn(['backstage-cli', 'repo', 'test', '--ci']),
  ],
  ['demo start-up and end-to-end', toolchain.node, ['scripts/smoke-start.mjs']],
];

const only = process.argv.slice(2);
const results = [];
for (const [name, command, args] of steps) {
  if (only.length > 0 && !only.some(o => name.includes(o))) continue;
  process.stdout.write(`\n=== ${name} ===\n`);
  const started = Date.now();
  const code = await runStep(command, args, {
    cwd: repoRoot,
    env: { ...toolchain.env, CI: 'true' },
  });
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
