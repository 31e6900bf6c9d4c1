// The published packages as publishing makes them: built, then `yarn pack`, whose
// prepack step (`backstage-cli package prepack`) points `main`, `types` and `exports`
// at `dist/` and turns `workspace:^` into the version range adopters get.
import fs from 'node:fs';
import path from 'node:path';
import { runStep } from './processes.mjs';
import { publishedPackages } from './workspaces.mjs';

/**
 * Builds every published package and packs it into `outDir`. Resolves to the tarball
 * paths; throws naming the package whose build or pack failed.
 */
export async function packPublishedPackages(
  toolchain,
  repoRoot,
  outDir,
  options,
) {
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const run = (args, cwd) =>
    runStep(toolchain.yarn, args, { cwd, env: toolchain.env, ...options });
  // Type declarations first: package builds bundle them from dist-types.
  if ((await run(['tsc'], repoRoot)) !== 0)
    throw new Error('the type check before packing failed');
  // Every library and plugin package at once (the repository's own build command).
  if ((await run(['backstage-cli', 'repo', 'build'], repoRoot)) !== 0)
    throw new Error('building the packages failed');
  // Two at a time: each pack is mostly the start-up of Yarn and the Backstage CLI.
  const queue = publishedPackages(repoRoot);
  const tarballs = [];
  const packNext = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const { dir, manifest } = next;
      const file = `${manifest.name.replace('@', '').replace('/', '-')}-${
        manifest.version
      }.tgz`;
      const tarball = path.join(outDir, file);
      if ((await run(['pack', '--out', tarball], dir)) !== 0)
        throw new Error(`packing ${manifest.name} failed`);
      tarballs.push(tarball);
    }
  };
  await Promise.all([packNext(), packNext()]);
  return tarballs;
}
