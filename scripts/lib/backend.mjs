// Runs packages/backend as a deployment runs it, for the benchmarks: NODE_ENV=production,
// no source-map cache (the dev server's --enable-source-maps keeps ~35 MB of maps
// alive) and no file watcher, so other people's edits cannot restart it. TypeScript is
// still transpiled on load, as nothing is built. Used by scripts/start-demo.mjs
// (DEMO_BACKEND_ONLY=1) and scripts/bench-replicas.mjs (several instances).
import path from 'node:path';
import { repoRoot } from './toolchain.mjs';
import { startService } from './processes.mjs';

/**
 * Starts one backend process in its own process group (stop it with `stopService`).
 *
 * @param {{ node: string, env: NodeJS.ProcessEnv }} toolchain from `reexecUnderToolchain`
 * @param {{
 *   configFiles: string[],
 *   nodeOptions?: string,
 *   env?: NodeJS.ProcessEnv,
 *   stdio?: import('node:child_process').StdioOptions,
 * }} options `configFiles` are passed as `--config` in order (later ones win);
 *   `nodeOptions` becomes NODE_OPTIONS (e.g. `--max-old-space-size=1024`, the heap a
 *   container's memory limit gives); `env` is added to the toolchain's environment.
 * @returns {import('node:child_process').ChildProcess}
 */
export function startBackend(toolchain, options) {
  const { configFiles, nodeOptions, env = {}, stdio = 'inherit' } = options;
  return startService(
    toolchain.node,
    [
      '--require',
      '@backstage/cli-node/config/nodeTransform.cjs',
      'src/index',
      ...configFiles.flatMap(file => ['--config', file]),
    ],
    {
      cwd: path.join(repoRoot, 'packages/backend'),
      env: {
        ...toolchain.env,
        NODE_ENV: 'production',
        // Guest sign-in is for development; the benchmarks sign in as the guest on
        // loopback (Backstage reads APP_CONFIG_* variables as config).
        APP_CONFIG_auth_providers_guest_dangerouslyAllowOutsideDevelopment:
          'true',
        ESBK_TSCONFIG_PATH: path.join(repoRoot, 'tsconfig.json'),
        ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
        ...env,
      },
      stdio,
    },
  );
}
