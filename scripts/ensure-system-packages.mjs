#!/usr/bin/env node
// Installs the Debian packages the tests need, when they are missing.
//
//   node scripts/ensure-system-packages.mjs [package ...]
//
// Without arguments it ensures `prometheus` (Prometheus and promtool, for the metrics
// tests), `postgresql` (a server for the database store tests), `redis-server` (the
// cache store that several backend replicas share, for the multi-replica test) and
// `chromium` (for the end-to-end tests). Needs root to install; as another user it prints what to install
// and exits 1. Runs on Node >= 20 with no dependencies.
import { ensureSystemPackages, SystemPackagesError } from './lib/debian.mjs';

const DEFAULT_PACKAGES = [
  'prometheus',
  'postgresql',
  'redis-server',
  'chromium',
];

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write(
    `usage: node scripts/ensure-system-packages.mjs [package ...]\n(default: ${DEFAULT_PACKAGES.join(
      ' ',
    )})\n`,
  );
  process.exit(0);
}
const names = args.length > 0 ? args : DEFAULT_PACKAGES;

try {
  const started = Date.now();
  const { installed, alreadyPresent } = ensureSystemPackages(names);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (installed.length > 0) {
    process.stderr.write(
      `[system-packages] installed ${installed.join(', ')} in ${seconds}s\n`,
    );
  }
  if (alreadyPresent.length > 0) {
    process.stderr.write(
      `[system-packages] already present: ${alreadyPresent.join(', ')}\n`,
    );
  }
} catch (error) {
  if (error instanceof SystemPackagesError) {
    process.stderr.write(`[system-packages] ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
