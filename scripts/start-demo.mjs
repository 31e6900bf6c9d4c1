#!/usr/bin/env node
// Quick-start command 1: starts the demo (Backstage app on :3000, backend on :7007).
// Works from Node >= 20 and npm alone: fetches Node 22 and installs dependencies first.
import { reexecUnderToolchain, repoRoot } from './lib/toolchain.mjs';
import { startService, stopService } from './lib/processes.mjs';

const toolchain = reexecUnderToolchain(import.meta.url);

const backstage = startService(
  toolchain.yarn,
  ['backstage-cli', 'repo', 'start'],
  { cwd: repoRoot, env: toolchain.env, stdio: 'inherit' },
);

async function shutdown(code) {
  await stopService(backstage);
  process.exit(code);
}
process.on('SIGINT', () => shutdown(130));
process.on('SIGTERM', () => shutdown(143));
backstage.on('exit', code => shutdown(code ?? 1));
