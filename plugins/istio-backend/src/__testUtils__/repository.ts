import fs from 'node:fs';
import path from 'node:path';

/** The repository's root: the folder holding `backstage.json`, above this file. */
export function repositoryRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'backstage.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no backstage.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

/** The TypeScript compiler: a dependency of the repository root, not of this plugin. */
export function repositoryTypeScript(
  root: string,
): typeof import('typescript') {
  return require(require.resolve('typescript', { paths: [root] }));
}
