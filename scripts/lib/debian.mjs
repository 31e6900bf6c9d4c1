// Makes sure the Debian packages the tests rely on are installed (Prometheus and
// promtool for the metrics tests, PostgreSQL for the database store tests, Redis for
// the shared cache of several backend replicas, Chromium for the end-to-end tests). Plain ESM with
// no dependencies so that the machine's own Node (>= 20) can run it before anything
// else is installed.
//
// When a package's files are missing and we are root, it runs `apt-get update` (once
// per process) and `apt-get install -y --no-install-recommends`. Services that the
// packages would start (the `prometheus` package starts one on :9090 where an init
// system runs) are held back with a temporary `policy-rc.d` that answers 101; our
// tests start their own Prometheus on another loopback port.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

/**
 * What each known package must provide. A package is taken as present when all of
 * these files exist (so a copy installed some other way counts too); a `*` path
 * segment matches any one entry (PostgreSQL's folders are named by major version).
 * Packages not listed here are checked with dpkg.
 */
export const KNOWN_PACKAGES = {
  prometheus: ['/usr/bin/prometheus', '/usr/bin/promtool'],
  chromium: ['/usr/bin/chromium'],
  'chromium-driver': ['/usr/bin/chromedriver'],
  'etcd-server': ['/usr/bin/etcd'],
  // The server itself: /usr/bin/psql alone may come from the client package.
  postgresql: [
    '/usr/lib/postgresql/*/bin/initdb',
    '/usr/lib/postgresql/*/bin/postgres',
  ],
  // redis-cli comes from the `redis-tools` package, which `redis-server` depends on.
  'redis-server': ['/usr/bin/redis-server', '/usr/bin/redis-cli'],
};

/**
 * Packages that must never be installed here, and why. Debian's `kubernetes-client`
 * ships /usr/bin/kubectl, which the preinstalled google-cloud-cli kubectl already
 * owns: the install fails half-way and leaves dpkg in a broken state.
 */
export const REFUSED_PACKAGES = {
  'kubernetes-client':
    'it conflicts with the preinstalled kubectl (google-cloud-cli) and the install fails',
};

const POLICY_RC_D = '/usr/sbin/policy-rc.d';
const POLICY_RC_D_TEXT =
  '#!/bin/sh\n# Written by scripts/lib/debian.mjs while installing packages: do not start services.\nexit 101\n';
const PACKAGE_NAME = /^[a-z0-9][a-z0-9+.-]+$/;

/** An error whose message is meant for a person, without a stack trace. */
export class SystemPackagesError extends Error {
  constructor(message) {
    super(message);
    this.name = 'SystemPackagesError';
  }
}

let aptListsUpdated = false;

function defaultLog(message) {
  process.stderr.write(`[system-packages] ${message}\n`);
}

function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function dpkgInstalled(name) {
  const result = spawnSync(
    'dpkg-query',
    ['--show', '--showformat=${db:Status-Status}', name],
    { encoding: 'utf8' },
  );
  return result.status === 0 && result.stdout.trim() === 'installed';
}

/** True when `pattern` names an existing path; `*` segments match any entry. */
function pathExists(pattern) {
  const star = pattern.indexOf('/*/');
  if (star < 0) return fs.existsSync(pattern);
  const parent = pattern.slice(0, star) || '/';
  let entries;
  try {
    entries = fs.readdirSync(parent);
  } catch {
    return false;
  }
  return entries.some(entry =>
    pathExists(`${parent}/${entry}${pattern.slice(star + 2)}`),
  );
}

/** True when `name` looks installed (its known files exist, or dpkg says so). */
export function isPackagePresent(name) {
  const files = KNOWN_PACKAGES[name];
  if (files) return files.every(pathExists);
  return dpkgInstalled(name);
}

/** The subset of `names` that is not installed yet. */
export function missingPackages(names) {
  return names.filter(name => !isPackagePresent(name));
}

function installCommand(names) {
  return `apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${names.join(
    ' ',
  )}`;
}

function run(command, args, env, log) {
  log(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env,
  });
  if (result.error) {
    throw new SystemPackagesError(
      `${command} could not be run: ${result.error.message}`,
    );
  }
  return result.status ?? 1;
}

/**
 * Puts a `policy-rc.d` that forbids starting services in place for the duration of
 * `fn`, then restores whatever was there before. (If the process is killed half-way,
 * the forbidding file stays behind, which is harmless on a test machine.)
 */
function withServicesHeldBack(fn, log) {
  let previous;
  try {
    previous = {
      text: fs.readFileSync(POLICY_RC_D),
      mode: fs.statSync(POLICY_RC_D).mode & 0o7777,
    };
  } catch {
    previous = undefined;
  }
  if (previous && previous.text.toString('utf8').match(/^\s*exit\s+101\s*$/m)) {
    // Already forbids starting services (as container images usually do).
    return fn();
  }
  log(`holding back service start-up with ${POLICY_RC_D} (exit 101)`);
  fs.writeFileSync(POLICY_RC_D, POLICY_RC_D_TEXT, { mode: 0o755 });
  fs.chmodSync(POLICY_RC_D, 0o755);
  try {
    return fn();
  } finally {
    if (previous) {
      fs.writeFileSync(POLICY_RC_D, previous.text);
      fs.chmodSync(POLICY_RC_D, previous.mode);
    } else {
      fs.rmSync(POLICY_RC_D, { force: true });
    }
  }
}

/**
 * Ensures the given Debian packages are installed.
 *
 * Installs what is missing when running as root; otherwise throws a
 * {@link SystemPackagesError} that says what to install. Resolves to the lists of
 * packages that were installed and that were already there.
 *
 * @param {string[]} names Debian package names, e.g. `['prometheus', 'chromium']`.
 * @param {{ log?: (message: string) => void }} [options]
 * @returns {{ installed: string[], alreadyPresent: string[] }}
 */
export function ensureSystemPackages(names, options = {}) {
  const log = options.log ?? defaultLog;
  const unique = [...new Set(names)];
  for (const name of unique) {
    if (!PACKAGE_NAME.test(name)) {
      throw new SystemPackagesError(`not a Debian package name: ${name}`);
    }
    if (REFUSED_PACKAGES[name]) {
      throw new SystemPackagesError(
        `refusing to install ${name}: ${REFUSED_PACKAGES[name]}`,
      );
    }
  }
  const missing = missingPackages(unique);
  const alreadyPresent = unique.filter(name => !missing.includes(name));
  if (missing.length === 0) return { installed: [], alreadyPresent };

  if (!fs.existsSync('/usr/bin/apt-get')) {
    throw new SystemPackagesError(
      `missing system packages: ${missing.join(
        ', ',
      )}. This machine has no apt-get; install them with its package manager (Debian package names).`,
    );
  }
  if (!isRoot()) {
    throw new SystemPackagesError(
      `missing system packages: ${missing.join(
        ', ',
      )}. Installing them needs root; run as root:\n  ${installCommand(
        missing,
      )}`,
    );
  }

  const env = {
    ...process.env,
    DEBIAN_FRONTEND: 'noninteractive',
    NEEDRESTART_MODE: 'a',
  };
  // Wait for a concurrent apt/dpkg run instead of failing on its lock.
  const lockWait = ['-o', 'DPkg::Lock::Timeout=600'];
  withServicesHeldBack(() => {
    if (!aptListsUpdated) {
      const status = run('apt-get', [...lockWait, 'update'], env, log);
      if (status !== 0) {
        throw new SystemPackagesError(`apt-get update exited with ${status}`);
      }
      aptListsUpdated = true;
    }
    const installArgs = [
      ...lockWait,
      'install',
      '-y',
      '--no-install-recommends',
      ...missing,
    ];
    let status = run('apt-get', installArgs, env, log);
    if (status !== 0) {
      // A postinst that failed earlier (for example a service start without an init
      // system) leaves packages half-configured; finish configuring and retry once.
      log(`apt-get install exited with ${status}; running dpkg --configure -a`);
      run('dpkg', ['--configure', '-a'], env, log);
      status = run('apt-get', installArgs, env, log);
    }
    if (status !== 0) {
      throw new SystemPackagesError(
        `apt-get install ${missing.join(' ')} exited with ${status}`,
      );
    }
  }, log);

  const stillMissing = missingPackages(missing);
  if (stillMissing.length > 0) {
    throw new SystemPackagesError(
      `installed ${missing.join(
        ', ',
      )}, but these still lack their files: ${stillMissing
        .map(name =>
          KNOWN_PACKAGES[name]
            ? `${name} (${KNOWN_PACKAGES[name].join(', ')})`
            : `${name} (dpkg does not list it as installed)`,
        )
        .join('; ')}`,
    );
  }
  return { installed: missing, alreadyPresent };
}
