#!/usr/bin/env node
// Prints how much JavaScript (gzip) the Istio frontend plugin adds to the demo app's
// bundle, and exits non-zero above the limit. It builds two temporary copies of
// packages/app with `backstage-cli package build`: one as shipped, one without
// @istio-backstage/plugin-istio (dropped from package.json, so `app.packages: all`
// does not discover it, and from the imports in src). The figure is the difference
// of the gzipped .js totals, so shared chunks and everything only the plugin pulls
// in are counted. About 1.5 minutes on two cores; packages/app is not touched.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { reexecUnderToolchain, repoRoot } from './lib/toolchain.mjs';
import { copyApp, removePackageFromApp } from './lib/appCopy.mjs';
import { chunkGroup, jsContains, measureJs } from './lib/jsGzipSize.mjs';

const toolchain = reexecUnderToolchain(import.meta.url);

const PLUGIN = '@istio-backstage/plugin-istio';
const LIMIT_KB = 250;
const KB = 1024;
// Strings only the plugin's code contains (its ApiRef id, a card title): the build
// with the plugin must contain them and the build without it must not.
const MARKERS = ['plugin.istio.service', 'Sidecar scoping'];

const appDir = path.join(repoRoot, 'packages/app');
const resultFile = path.join(repoRoot, 'node_modules/.cache/bundle-size.json');
// Inside the workspace so the CLI finds the repo root and node_modules, but not under
// node_modules (the bundler would not transpile the copy's TypeScript there).
const workDir = path.join(repoRoot, '.cache', `bundle-size-${process.pid}`);

function log(message) {
  process.stderr.write(`[bundle-size] ${message}\n`);
}

let building;

function cleanUp() {
  if (building && building.exitCode === null) building.kill('SIGTERM');
  fs.rmSync(workDir, { recursive: true, force: true });
  try {
    fs.rmdirSync(path.dirname(workDir)); // only when no one else uses it
  } catch {
    // not empty, or already gone
  }
}

/** Runs `backstage-cli package build` in an app copy; output goes to a log file. */
function buildApp(dir, logFile) {
  const cli = path.join(
    repoRoot,
    'node_modules/@backstage/cli/bin/backstage-cli',
  );
  const out = fs.openSync(logFile, 'w');
  // Warnings are not errors here: this measures size, the test command checks code.
  const env = { ...toolchain.env };
  delete env.CI;
  return new Promise(resolve => {
    const child = spawn(toolchain.node, [cli, 'package', 'build'], {
      cwd: dir,
      env,
      stdio: ['ignore', out, out],
    });
    building = child;
    child.on('error', error => {
      fs.appendFileSync(logFile, `\n${error.message}\n`);
      resolve(1);
    });
    child.on('exit', (code, signal) => {
      fs.closeSync(out);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

async function measureVariant(name, prepare) {
  const dir = path.join(workDir, name);
  copyApp(appDir, dir);
  const changed = prepare(dir);
  const logFile = path.join(workDir, `${name}.log`);
  log(`building the app ${name} the plugin…`);
  const started = Date.now();
  const code = await buildApp(dir, logFile);
  const seconds = Math.round((Date.now() - started) / 1000);
  if (code !== 0) {
    const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-40);
    throw new Error(
      `the build ${name} the plugin failed (exit ${code}):\n${tail.join('\n')}`,
    );
  }
  const dist = path.join(dir, 'dist');
  log(`built in ${seconds}s`);
  return {
    ...measureJs(dist),
    seconds,
    changed,
    markers: MARKERS.filter(m => jsContains(dist, m)),
  };
}

const kb = bytes => Math.round((bytes / KB) * 10) / 10;

/** How each kind of output file changed with the plugin, largest change first. */
function changesByChunk(withPlugin, withoutPlugin) {
  const byStem = files => {
    const map = new Map();
    for (const f of files) {
      const stem = chunkGroup(f.file);
      map.set(stem, (map.get(stem) ?? 0) + f.gzipBytes);
    }
    return map;
  };
  const before = byStem(withoutPlugin.files);
  const after = byStem(withPlugin.files);
  const stems = new Set([...before.keys(), ...after.keys()]);
  return [...stems]
    .map(stem => ({
      chunk: stem,
      deltaGzipBytes: (after.get(stem) ?? 0) - (before.get(stem) ?? 0),
    }))
    .filter(c => c.deltaGzipBytes !== 0)
    .sort((a, b) => Math.abs(b.deltaGzipBytes) - Math.abs(a.deltaGzipBytes));
}

async function main() {
  const started = Date.now();
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      cleanUp();
      process.exit(130);
    });
  }
  fs.mkdirSync(workDir, { recursive: true });
  try {
    const withPlugin = await measureVariant('with', () => []);
    const withoutPlugin = await measureVariant('without', dir =>
      removePackageFromApp(dir, PLUGIN),
    );

    if (withPlugin.markers.length !== MARKERS.length) {
      throw new Error(
        `the build with the plugin lacks ${MARKERS.filter(
          m => !withPlugin.markers.includes(m),
        ).join(', ')}; update MARKERS in scripts/bundle-size.mjs`,
      );
    }
    if (withoutPlugin.changed.length === 0) {
      throw new Error(`no source file in packages/app imports ${PLUGIN}`);
    }
    if (withoutPlugin.markers.length > 0) {
      throw new Error(
        `the build without the plugin still contains ${withoutPlugin.markers.join(
          ', ',
        )}`,
      );
    }

    const deltaGzipBytes = withPlugin.gzipBytes - withoutPlugin.gzipBytes;
    const pass = deltaGzipBytes <= LIMIT_KB * KB;
    const result = {
      plugin: PLUGIN,
      measuredAt: new Date().toISOString(),
      unit: 'KB = 1024 bytes, gzip level 9 of every emitted .js file',
      withPlugin: {
        jsFiles: withPlugin.files.length,
        jsBytes: withPlugin.bytes,
        gzipBytes: withPlugin.gzipBytes,
        initialGzipBytes: withPlugin.initialGzipBytes,
      },
      withoutPlugin: {
        jsFiles: withoutPlugin.files.length,
        jsBytes: withoutPlugin.bytes,
        gzipBytes: withoutPlugin.gzipBytes,
        initialGzipBytes: withoutPlugin.initialGzipBytes,
      },
      deltaGzipBytes,
      deltaGzipKB: kb(deltaGzipBytes),
      deltaInitialGzipKB: kb(
        withPlugin.initialGzipBytes - withoutPlugin.initialGzipBytes,
      ),
      limitKB: LIMIT_KB,
      pass,
      changesByChunk: changesByChunk(withPlugin, withoutPlugin),
      seconds: Math.round((Date.now() - started) / 1000),
    };
    fs.mkdirSync(path.dirname(resultFile), { recursive: true });
    fs.writeFileSync(resultFile, `${JSON.stringify(result, null, 2)}\n`);

    const line = (label, value) =>
      process.stdout.write(`${label.padEnd(34)}${value}\n`);
    process.stdout.write(
      `\nJavaScript added by ${PLUGIN} (gzip -9, KB = 1024 B)\n`,
    );
    line('app with the plugin:', `${kb(withPlugin.gzipBytes)} KB`);
    line('app without the plugin:', `${kb(withoutPlugin.gzipBytes)} KB`);
    line('added by the plugin:', `${kb(deltaGzipBytes)} KB`);
    line('  of which on first page load:', `${result.deltaInitialGzipKB} KB`);
    line('limit:', `${LIMIT_KB} KB`);
    line('result:', pass ? 'PASS' : 'FAIL');
    process.stdout.write('changes by chunk:\n');
    for (const c of result.changesByChunk) {
      line(
        `  ${c.chunk}`,
        `${c.deltaGzipBytes >= 0 ? '+' : ''}${kb(c.deltaGzipBytes)} KB`,
      );
    }
    process.stdout.write(
      `measured in ${result.seconds}s; figures in ${path.relative(
        repoRoot,
        resultFile,
      )}\n`,
    );
    return pass ? 0 : 1;
  } finally {
    cleanUp();
  }
}

main().then(
  code => process.exit(code),
  error => {
    log(`error: ${error.message}`);
    process.exit(2);
  },
);
