#!/usr/bin/env node
// Starts the mesh simulator on its own (any scenario, or the scale generator):
//   node scripts/demo-cluster.mjs [--scenario NAME] [--port 6443] [--metrics-port 9464]
//                                 [--scale 200x10x5] [--kubeconfig FILE] [--list]
import { reexecUnderToolchain, repoRoot } from './lib/toolchain.mjs';
import { runStep } from './lib/processes.mjs';

const toolchain = reexecUnderToolchain(import.meta.url);
process.exit(
  await runStep(
    toolchain.node,
    [
      '--require',
      '@backstage/cli/config/nodeTransform.cjs',
      'packages/demo-cluster/src/cli.ts',
      ...process.argv.slice(2),
    ],
    { cwd: repoRoot, env: toolchain.env },
  ),
);
