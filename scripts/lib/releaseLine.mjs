// Which packages a Backstage app created today would have had on its release day.
// `@backstage/create-app` fetches a yarn.lock that pins its release's packages; where
// that download is unreachable (these machines reach only the npm registry), caret
// ranges resolve to later releases' packages, built against newer core packages. The
// release is over once any of the template's packages is published in a newer
// version, so installs are limited to packages published before that moment.
import fs from 'node:fs';
import path from 'node:path';
import semver from 'semver';

const REGISTRY = 'https://registry.npmjs.org';

/** The `@backstage/*` packages and versions a create-app release's templates use. */
export function templatePackages(createAppDir) {
  const dist = path.join(createAppDir, 'dist');
  const packages = [];
  for (const [folder, prefix] of [
    ['packages', '@backstage/'],
    ['plugins', '@backstage/plugin-'],
  ]) {
    for (const name of fs.readdirSync(path.join(dist, folder))) {
      const file = path.join(dist, folder, name, 'package.json.cjs.js');
      const version = /var version = "([^"]+)"/.exec(
        fs.readFileSync(file, 'utf8'),
      )?.[1];
      if (version) packages.push({ name: `${prefix}${name}`, version });
    }
  }
  return packages;
}

async function publishTimes(name) {
  const response = await fetch(`${REGISTRY}/${name.replace('/', '%2f')}`);
  if (response.status === 404) return undefined;
  if (!response.ok)
    throw new Error(`the npm registry answered ${response.status} for ${name}`);
  return JSON.parse(await response.text()).time;
}

/**
 * The moment the release after `createAppDir`'s was first published: the earliest
 * publish time of a version newer than the template's, over the template's packages.
 * Cached in `cacheFile` per create-app version (publish times never change).
 */
export async function nextReleaseStart(createAppDir, cacheFile) {
  const { version } = JSON.parse(
    fs.readFileSync(path.join(createAppDir, 'package.json'), 'utf8'),
  );
  const cached = fs.existsSync(cacheFile)
    ? JSON.parse(fs.readFileSync(cacheFile, 'utf8'))
    : {};
  if (cached.createApp === version) return new Date(cached.nextReleaseStart);

  const queue = templatePackages(createAppDir);
  let earliest;
  // A few requests at a time: the registry proxy drops bursts of large answers.
  const worker = async () => {
    for (let item = queue.shift(); item; item = queue.shift()) {
      const times = await publishTimes(item.name);
      for (const [candidate, time] of Object.entries(times ?? {})) {
        const newer =
          semver.valid(candidate) &&
          !semver.prerelease(candidate) &&
          semver.gt(candidate, item.version);
        if (newer && (!earliest || time < earliest)) earliest = time;
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  // No newer release yet: everything published so far belongs to this one.
  const start = earliest ?? new Date().toISOString();
  fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
  fs.writeFileSync(
    cacheFile,
    JSON.stringify({ createApp: version, nextReleaseStart: start }),
  );
  return new Date(start);
}

/** Yarn's `npmMinimalAgeGate` (minutes) that admits only packages older than `moment`. */
export function ageGateMinutes(moment, now = new Date()) {
  return Math.ceil((now.getTime() - moment.getTime()) / 60_000) + 1;
}
