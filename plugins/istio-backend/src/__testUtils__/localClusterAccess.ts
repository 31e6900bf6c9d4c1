// Test helpers for the ways a backend reaches a cluster from where it runs: the
// in-cluster service account token file, and `kubectl proxy` on its fixed port.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { kubeconfigFor, type DemoCluster } from '@istio-backstage/demo-cluster';

/** Where a pod's service account token is mounted (the ServiceAccountStrategy fallback). */
export const IN_CLUSTER_TOKEN_PATH =
  '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * Writes the in-cluster token file, creating only the directories that are missing;
 * `remove` deletes exactly what was created. Refuses to touch an existing file.
 */
export function writeInClusterToken(token: string): { remove(): void } {
  if (fs.existsSync(IN_CLUSTER_TOKEN_PATH))
    throw new Error(`${IN_CLUSTER_TOKEN_PATH} exists: it is not ours to touch`);
  const created: string[] = [];
  for (
    let dir = path.dirname(IN_CLUSTER_TOKEN_PATH);
    !fs.existsSync(dir);
    dir = path.dirname(dir)
  )
    created.unshift(dir);
  let written = false;
  const remove = () => {
    if (written) fs.rmSync(IN_CLUSTER_TOKEN_PATH, { force: true });
    for (const dir of [...created].reverse())
      if (fs.existsSync(dir)) fs.rmdirSync(dir);
  };
  try {
    for (const dir of created) fs.mkdirSync(dir, { mode: 0o755 });
    // As kubelet mounts it: no trailing newline (the strategy sends the bytes as they are).
    fs.writeFileSync(IN_CLUSTER_TOKEN_PATH, token, { mode: 0o600, flag: 'wx' });
    written = true;
  } catch (error) {
    remove();
    throw error;
  }
  return { remove };
}

/** Fails with a clear message when something already listens on the port. */
export async function assertPortFree(port: number, why: string): Promise<void> {
  const probe = net.createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === 'EADDRINUSE'
            ? `port ${port} on 127.0.0.1 is taken by another process: ${why}`
            : `cannot check port ${port}: ${error.message}`,
        ),
      ),
    );
    probe.listen(port, '127.0.0.1', () => resolve());
  });
  await new Promise(resolve => probe.close(resolve));
}

/** A running `kubectl proxy`. */
export interface KubectlProxy {
  url: string;
  stop(): Promise<void>;
}

/**
 * Runs the real `kubectl proxy` on 127.0.0.1:`port` in front of a demo cluster, with a
 * kubeconfig holding `token`; resolves once it serves.
 */
export async function startKubectlProxy(
  demo: DemoCluster,
  token: string,
  port = 8001,
): Promise<KubectlProxy> {
  await assertPortFree(
    port,
    'the localKubectlProxy locator always uses http://127.0.0.1:8001, so the test cannot run its proxy; stop whatever listens there',
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-kubectl-proxy-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  fs.writeFileSync(
    kubeconfig,
    kubeconfigFor({ url: demo.url, caPem: demo.caPem, token }),
    { mode: 0o600 },
  );
  const child: ChildProcess = spawn(
    'kubectl',
    [
      'proxy',
      `--port=${port}`,
      '--address=127.0.0.1',
      `--kubeconfig=${kubeconfig}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>(resolve =>
    child.once('exit', () => resolve()),
  );
  const cleanUp = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    await new Promise<void>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(
        () => reject(new Error(`kubectl proxy did not start: ${output}`)),
        20_000,
      );
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Starting to serve on')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('error', error => {
        clearTimeout(timer);
        reject(new Error(`kubectl proxy could not run: ${error.message}`));
      });
      child.once('exit', code => {
        clearTimeout(timer);
        reject(new Error(`kubectl proxy exited (${code}): ${output}`));
      });
    });
  } catch (error) {
    child.kill();
    await exited;
    cleanUp();
    throw error;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      cleanUp();
    },
  };
}
