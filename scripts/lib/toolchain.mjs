// Makes the project's toolchain available from nothing but Node.js >= 20 and npm:
// Node 22 from the npm registry (Backstage 1.55 needs 22 or 24), the vendored Yarn 4,
// and an up-to-date `yarn install --immutable`. Plain ESM with no dependencies so that
// the machine's own Node can run it before anything is installed.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../..',
);

const NODE_VERSION = '22.23.3';
const YARN_RELEASE = path.join(repoRoot, '.yarn/releases/yarn-4.13.0.cjs');
const toolchainDir = path.join(repoRoot, '.toolchain');
const installStamp = path.join(repoRoot, 'node_modules/.install-stamp');

function log(message) {
  process.stderr.write(`[toolchain] ${message}\n`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited with ${result.status}`,
    );
  }
}

/** The folder of a usable Node >= 22: the running one, or a project-local copy. */
function ensureNode22() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major >= 22) {
    // Build native addons against this Node's own headers when it ships them: an npmrc
    // `nodedir` may point at another Node's headers (these machines set /usr, Node 20).
    const prefix = path.resolve(path.dirname(process.execPath), '..');
    const hasHeaders = fs.existsSync(
      path.join(prefix, 'include/node/common.gypi'),
    );
    return {
      bin: path.dirname(process.execPath),
      headers: hasHeaders ? prefix : undefined,
      version: process.version,
    };
  }
  const pkg = `node-${process.platform}-${process.arch}`;
  const nodeDir = path.join(toolchainDir, 'node_modules', pkg);
  const nodeBin = path.join(nodeDir, 'bin', 'node');
  const installed = fs.existsSync(nodeBin)
    ? spawnSync(nodeBin, ['--version'], { encoding: 'utf8' }).stdout.trim()
    : '';
  if (installed !== `v${NODE_VERSION}`) {
    log(
      `Node ${process.versions.node} is too old for Backstage; fetching ${pkg}@${NODE_VERSION} from the npm registry`,
    );
    fs.mkdirSync(toolchainDir, { recursive: true });
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    run(npm, [
      'install',
      '--prefix',
      toolchainDir,
      '--no-save',
      '--no-package-lock',
      '--no-audit',
      '--no-fund',
      `${pkg}@${NODE_VERSION}`,
    ]);
  }
  return {
    bin: path.dirname(nodeBin),
    headers: nodeDir,
    version: `v${NODE_VERSION}`,
  };
}

/**
 * Hash of everything that decides what `yarn install` puts in node_modules: the
 * lockfile, the manifests, and the version of the Node that installs and runs them
 * (native addons are built for it) — not of the process that checks, which is the
 * machine's older Node before the re-exec and Node 22 after it.
 */
function dependencyFingerprint(nodeVersion) {
  const hash = createHash('sha256');
  const files = ['yarn.lock', '.yarnrc.yml', 'package.json'];
  for (const parent of ['packages', 'plugins']) {
    const dir = path.join(repoRoot, parent);
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir).sort()) {
      files.push(path.join(parent, name, 'package.json'));
    }
  }
  for (const file of files) {
    const full = path.join(repoRoot, file);
    if (fs.existsSync(full)) hash.update(file).update(fs.readFileSync(full));
  }
  hash.update(nodeVersion);
  return hash.digest('hex');
}

/**
 * Returns the environment every project command runs in, after making sure Node 22
 * and the dependencies are in place.
 */
export function ensureToolchain({ install = true } = {}) {
  const node = ensureNode22();
  const shimDir = path.join(toolchainDir, 'bin');
  fs.mkdirSync(shimDir, { recursive: true });
  // A `yarn` command on PATH for tools that shell out to it.
  const shim = path.join(shimDir, 'yarn');
  const shimText = `#!/bin/sh\nexec "${path.join(
    node.bin,
    'node',
  )}" "${YARN_RELEASE}" "$@"\n`;
  if (!fs.existsSync(shim) || fs.readFileSync(shim, 'utf8') !== shimText) {
    fs.writeFileSync(shim, shimText, { mode: 0o755 });
  }
  const env = {
    ...process.env,
    PATH: [node.bin, shimDir, process.env.PATH].join(path.delimiter),
  };
  // node-gyp would otherwise download Node headers from the internet.
  if (node.headers) env.npm_config_nodedir = node.headers;
  if (install) {
    const fingerprint = dependencyFingerprint(node.version);
    const current = fs.existsSync(installStamp)
      ? fs.readFileSync(installStamp, 'utf8')
      : '';
    if (current !== fingerprint) {
      log('installing dependencies (yarn install --immutable)');
      run(
        path.join(node.bin, 'node'),
        [YARN_RELEASE, 'install', '--immutable'],
        {
          cwd: repoRoot,
          env,
        },
      );
      fs.writeFileSync(installStamp, fingerprint);
    }
  }
  return { env, node: path.join(node.bin, 'node'), yarn: shim };
}

/**
 * Re-runs the calling script under Node 22 when the machine's Node is older, so the
 * script body can rely on the toolchain. Returns the toolchain environment.
 */
export function reexecUnderToolchain(scriptUrl, options) {
  const toolchain = ensureToolchain(options);
  if (path.resolve(toolchain.node) !== path.resolve(process.execPath)) {
    const result = spawnSync(
      toolchain.node,
      [fileURLToPath(scriptUrl), ...process.argv.slice(2)],
      { stdio: 'inherit', env: toolchain.env },
    );
    process.exit(result.status ?? 1);
  }
  Object.assign(process.env, toolchain.env);
  return toolchain;
}
