// The repository's workspace packages, as the root package.json lists them. Node
// built-ins only: checks that run before anything is installed use it too.
import fs from 'node:fs';
import path from 'node:path';

/**
 * Every workspace package, in folder order: its name, absolute folder, folder relative
 * to the root, manifest, and whether it is published (not `private`).
 */
export function workspacePackages(repoRoot) {
  const readJson = file => JSON.parse(fs.readFileSync(file, 'utf8'));
  const { workspaces = [] } = readJson(path.join(repoRoot, 'package.json'));
  return workspaces.flatMap(pattern => {
    const parent = pattern.replace(/\/\*$/, '');
    const parentDir = path.join(repoRoot, parent);
    if (!fs.existsSync(parentDir)) return [];
    return fs
      .readdirSync(parentDir)
      .sort()
      .filter(name => fs.existsSync(path.join(parentDir, name, 'package.json')))
      .map(name => {
        const manifest = readJson(path.join(parentDir, name, 'package.json'));
        return {
          name: manifest.name,
          dir: path.join(parentDir, name),
          relativeDir: `${parent}/${name}`,
          manifest,
          published: !manifest.private,
        };
      });
  });
}

/** The workspace packages that are published. */
export function publishedPackages(repoRoot) {
  return workspacePackages(repoRoot).filter(pkg => pkg.published);
}
