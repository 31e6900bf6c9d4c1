#!/usr/bin/env node
// Checks the release notes of the published packages: every changeset in .changeset/
// names only published workspace packages, each with a valid bump type and a
// description, and every published package has a CHANGELOG.md. Exits non-zero listing
// each problem. Plain ESM without dependencies: runs before anything is installed.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { workspacePackages } from './lib/workspaces.mjs';

const repoRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
);
const changesetDir = path.join(repoRoot, '.changeset');
const BUMP_TYPES = ['patch', 'minor', 'major'];

const readJson = file => JSON.parse(fs.readFileSync(file, 'utf8'));
const relative = file => path.relative(repoRoot, file);

/**
 * The packages and bump types of a changeset's front matter (`'name': minor` lines
 * between two `---` lines), and its description.
 */
function parseChangeset(text) {
  const match =
    /^---[ \t]*\r?\n([\s\S]*?)^---[ \t]*(?:\r?\n|$)([\s\S]*)$/m.exec(text);
  if (!match || text.slice(0, match.index).trim() !== '') {
    return {
      error:
        'it does not start with a front matter block between two `---` lines',
    };
  }
  const releases = [];
  const problems = [];
  for (const [index, line] of match[1].split(/\r?\n/).entries()) {
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const entry =
      /^\s*(?:'([^']+)'|"([^"]+)"|([^\s:'"]+))\s*:\s*(\S*)\s*$/.exec(line);
    if (!entry) {
      problems.push(
        `front matter line ${
          index + 1
        } is not \`'<package>': <bump type>\`: ${line.trim()}`,
      );
      continue;
    }
    releases.push({ name: entry[1] ?? entry[2] ?? entry[3], type: entry[4] });
  }
  return { releases, problems, summary: match[2].trim() };
}

const packages = workspacePackages(repoRoot);
const published = packages.filter(p => p.published);
const byName = new Map(packages.map(p => [p.name, p]));
const problems = [];

if (!fs.existsSync(changesetDir)) {
  problems.push(
    '.changeset/ is missing: set up changesets with `yarn changeset init`',
  );
} else {
  const configFile = path.join(changesetDir, 'config.json');
  if (!fs.existsSync(configFile)) {
    problems.push('.changeset/config.json is missing');
  } else {
    let config;
    try {
      config = readJson(configFile);
    } catch (error) {
      problems.push(
        `.changeset/config.json is not valid JSON: ${error.message}`,
      );
    }
    for (const name of config?.ignore ?? []) {
      if (!byName.has(name))
        problems.push(
          `.changeset/config.json ignores "${name}", which is not a workspace package`,
        );
      else if (byName.get(name).published)
        problems.push(
          `.changeset/config.json ignores "${name}", a published package: its changes would never be released`,
        );
    }
  }

  const files = fs
    .readdirSync(changesetDir)
    .filter(f => f.endsWith('.md') && f.toLowerCase() !== 'readme.md')
    .sort();
  for (const file of files) {
    const where = `.changeset/${file}`;
    const parsed = parseChangeset(
      fs.readFileSync(path.join(changesetDir, file), 'utf8'),
    );
    if (parsed.error) {
      problems.push(`${where}: ${parsed.error}`);
      continue;
    }
    for (const problem of parsed.problems)
      problems.push(`${where}: ${problem}`);
    const seen = new Set();
    for (const { name, type } of parsed.releases) {
      const pkg = byName.get(name);
      if (!pkg) {
        problems.push(
          `${where}: "${name}" is not a package of this repository (published packages: ${published
            .map(p => p.name)
            .join(', ')})`,
        );
      } else if (!pkg.published) {
        problems.push(
          `${where}: "${name}" is private and never published; name only published packages`,
        );
      }
      if (!BUMP_TYPES.includes(type)) {
        problems.push(
          `${where}: "${name}" has bump type "${type}"; use one of ${BUMP_TYPES.join(
            ', ',
          )}`,
        );
      }
      if (seen.has(name)) problems.push(`${where}: "${name}" is listed twice`);
      seen.add(name);
    }
    if (parsed.releases.length > 0 && parsed.summary === '') {
      problems.push(
        `${where}: it has no description; write what changes for the people who install the packages`,
      );
    }
  }
}

for (const pkg of published) {
  if (!fs.existsSync(path.join(pkg.dir, 'CHANGELOG.md'))) {
    problems.push(
      `${pkg.name} (${relative(
        pkg.dir,
      )}) has no CHANGELOG.md: add a changeset for it and run \`yarn changeset version\``,
    );
  }
}

if (problems.length > 0) {
  process.stderr.write(
    `Changeset check failed:\n${problems.map(p => `  - ${p}`).join('\n')}\n`,
  );
  process.exit(1);
}
process.stdout.write(
  `Changesets are valid, and all ${published.length} published packages have a CHANGELOG.md.\n`,
);
