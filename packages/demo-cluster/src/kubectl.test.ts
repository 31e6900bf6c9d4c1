// Conformance: the real kubectl (already on the machines) against the simulator.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startDemoCluster, type DemoCluster } from './DemoCluster';
import { kubeconfigFor } from './kubeconfig';
import { loadScenario } from './scenario/loadScenario';
import { RESOURCE_TYPES } from './store/resources';

const exec = promisify(execFile);
const namespaces = RESOURCE_TYPES.find(t => t.plural === 'namespaces')!;
jest.setTimeout(60_000);

let cluster: DemoCluster;
let dir: string;
const kubeconfigs: Record<string, string> = {};

async function kubectl(
  args: string[],
  as: 'writer' | 'reader' | 'anonymous' = 'writer',
  stdin?: string,
) {
  const child = exec('kubectl', ['--kubeconfig', kubeconfigs[as], ...args], {
    timeout: 30_000,
  });
  if (stdin !== undefined) {
    child.child.stdin!.end(stdin);
  }
  try {
    const { stdout, stderr } = await child;
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const sidecar = (hosts: string[]) => `apiVersion: networking.istio.io/v1
kind: Sidecar
metadata:
  name: default
  namespace: istio-demo
spec:
  egress:
    - hosts: ${JSON.stringify(hosts)}
`;

beforeAll(async () => {
  const scenario = { ...loadScenario('default'), memoryConvergenceSeconds: 0 };
  cluster = await startDemoCluster({ scenario, port: 0, metricsPort: 0 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-cluster-kubectl-'));
  for (const [name, token] of [
    ['writer', 'demo-writer-token'],
    ['reader', 'demo-reader-token'],
    ['anonymous', 'not-a-token'],
  ]) {
    kubeconfigs[name] = path.join(dir, name);
    fs.writeFileSync(
      kubeconfigs[name],
      kubeconfigFor({ url: cluster.url, caPem: cluster.caPem, token }),
    );
  }
});

afterAll(async () => {
  await cluster?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('kubectl against the demo cluster', () => {
  it('reports the scenario Kubernetes version over verified TLS', async () => {
    const { stdout } = await kubectl(['version']);
    expect(stdout).toContain('Server Version: v1.33.2');
  });

  it('lists bookinfo pods as kubectl get pods prints them', async () => {
    const { code, stdout } = await kubectl(['get', 'pods', '-n', 'istio-demo']);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(lines).toHaveLength(7);
    for (const line of lines.slice(1))
      expect(line).toMatch(
        /^(productpage|details|reviews|ratings)-v\d-\S+\s+2\/2\s+Running\s+0\s+3d$/,
      );
  });

  it('filters with label selectors', async () => {
    const { stdout } = await kubectl([
      'get',
      'pods',
      '-n',
      'istio-demo',
      '-l',
      'app=reviews,version!=v1',
      '-o',
      'name',
    ]);
    expect(stdout.trim().split('\n').sort()).toEqual([
      expect.stringMatching(/^pod\/reviews-v2-/),
      expect.stringMatching(/^pod\/reviews-v3-/),
    ]);
  });

  it('lists Sidecars across namespaces', async () => {
    const { code, stdout } = await kubectl([
      'get',
      'sidecars.networking.istio.io',
      '-A',
    ]);
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+AGE/);
    expect(stdout).toMatch(/team-\d{3}\s+default\s+3d/);
  });

  it('shows pod memory with kubectl top, per pod of the namespace', async () => {
    const { code, stdout } = await kubectl(['top', 'pod', '-n', 'istio-demo']);
    expect(code).toBe(0);
    const rows = stdout.trim().split('\n').slice(1);
    expect(rows).toHaveLength(6);
    for (const row of rows) {
      const mi = Number(/\s(\d+)Mi\s*$/.exec(row)?.[1]);
      expect(mi).toBeGreaterThan(200);
    }
  });

  it('server-side applies a Sidecar: dry run changes nothing, then it is stored and memory drops', async () => {
    const before = await kubectl([
      'top',
      'pod',
      '-n',
      'istio-demo',
      '--containers',
    ]);
    const proxyBefore = [
      ...before.stdout.matchAll(/istio-proxy\s+\S+\s+(\d+)Mi/g),
    ].map(m => Number(m[1]));

    const dry = await kubectl(
      ['apply', '--server-side', '--dry-run=server', '-f', '-'],
      'writer',
      sidecar(['./*', 'istio-system/*']),
    );
    expect(dry.stdout).toContain(
      'sidecar.networking.istio.io/default serverside-applied (server dry run)',
    );
    const absent = await kubectl([
      'get',
      'sidecar',
      'default',
      '-n',
      'istio-demo',
    ]);
    expect(absent.stderr).toContain(
      'sidecars.networking.istio.io "default" not found',
    );

    const real = await kubectl(
      ['apply', '--server-side', '-f', '-'],
      'writer',
      sidecar(['./*', 'istio-system/*']),
    );
    expect(real.stdout).toContain(
      'sidecar.networking.istio.io/default serverside-applied',
    );
    const stored = await kubectl([
      'get',
      'sidecar',
      'default',
      '-n',
      'istio-demo',
      '-o',
      'json',
      '--show-managed-fields',
    ]);
    const object = JSON.parse(stored.stdout);
    expect(object.spec.egress[0].hosts).toEqual(['./*', 'istio-system/*']);
    expect(object.metadata.managedFields[0]).toMatchObject({
      manager: 'kubectl',
      operation: 'Apply',
    });

    const after = await kubectl([
      'top',
      'pod',
      '-n',
      'istio-demo',
      '--containers',
    ]);
    const proxyAfter = [
      ...after.stdout.matchAll(/istio-proxy\s+\S+\s+(\d+)Mi/g),
    ].map(m => Number(m[1]));
    expect(proxyAfter).toHaveLength(6);
    proxyAfter.forEach((mi, i) => expect(mi).toBeLessThan(proxyBefore[i] / 3));
  });

  it('reports a conflict with another field manager, and lets --force-conflicts take over', async () => {
    const conflict = await kubectl(
      [
        'apply',
        '--server-side',
        '--field-manager',
        'backstage-istio',
        '-f',
        '-',
      ],
      'writer',
      sidecar(['./*']),
    );
    expect(conflict.code).not.toBe(0);
    expect(conflict.stderr).toMatch(/conflict with "kubectl"/);
    const forced = await kubectl(
      [
        'apply',
        '--server-side',
        '--field-manager',
        'backstage-istio',
        '--force-conflicts',
        '-f',
        '-',
      ],
      'writer',
      sidecar(['./*']),
    );
    expect(forced.code).toBe(0);
  });

  it('refuses writes to a read-only token and everything to an unknown token', async () => {
    const readOnly = await kubectl(
      ['apply', '--server-side', '-f', '-'],
      'reader',
      sidecar(['./*']),
    );
    expect(readOnly.stderr).toMatch(
      /is forbidden: User "system:serviceaccount:backstage:istio-reader" cannot patch resource "sidecars"/,
    );
    const anonymous = await kubectl(
      ['get', 'pods', '-n', 'istio-demo'],
      'anonymous',
    );
    expect(anonymous.code).not.toBe(0);
    expect(anonymous.stderr).toMatch(/provide credentials|Unauthorized/);
  });

  it('creates a namespace once: a second create is AlreadyExists, and kubectl-create owns what it wrote', async () => {
    // From a manifest: `kubectl create namespace` sends protobuf, which the simulator does not speak.
    const manifest =
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: kubectl-made\n  labels:\n    team: a\n';
    const created = await kubectl(['create', '-f', '-'], 'writer', manifest);
    expect(created.stdout).toContain('namespace/kubectl-made created');
    const again = await kubectl(['create', '-f', '-'], 'writer', manifest);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(
      /Error from server \(AlreadyExists\): .*namespaces "kubectl-made" already exists/,
    );
    const stored = cluster.store.get(namespaces, undefined, 'kubectl-made');
    expect(stored?.metadata.managedFields).toEqual([
      expect.objectContaining({
        manager: 'kubectl-create',
        operation: 'Update',
        fieldsV1: { 'f:metadata': { 'f:labels': { 'f:team': {} } } },
      }),
    ]);
  });

  it('records kubectl label and kubectl annotate as their own field managers, next to the applier', async () => {
    const applied = await kubectl(
      [
        'apply',
        '--server-side',
        '--field-manager',
        'backstage-istio',
        '-f',
        '-',
      ],
      'writer',
      `apiVersion: v1
kind: Namespace
metadata:
  name: hand-labelled
  labels:
    istio-injection: enabled
`,
    );
    expect(applied.code).toBe(0);
    const labelled = await kubectl([
      'label',
      'namespace',
      'hand-labelled',
      'app.kubernetes.io/managed-by=backstage-istio',
    ]);
    expect(labelled.stdout).toContain('namespace/hand-labelled labeled');
    const annotated = await kubectl([
      'annotate',
      'namespace',
      'hand-labelled',
      'istio-backstage.io/owner=group:default/intruders',
    ]);
    expect(annotated.stdout).toContain('namespace/hand-labelled annotated');

    const stored = cluster.store.get(namespaces, undefined, 'hand-labelled');
    expect(stored?.metadata.labels).toEqual({
      'istio-injection': 'enabled',
      'app.kubernetes.io/managed-by': 'backstage-istio',
    });
    expect(stored?.metadata.managedFields).toEqual([
      expect.objectContaining({
        manager: 'backstage-istio',
        operation: 'Apply',
        fieldsV1: { 'f:metadata': { 'f:labels': { 'f:istio-injection': {} } } },
      }),
      expect.objectContaining({
        manager: 'kubectl-label',
        operation: 'Update',
        fieldsV1: {
          'f:metadata': {
            'f:labels': { 'f:app.kubernetes.io/managed-by': {} },
          },
        },
      }),
      expect.objectContaining({
        manager: 'kubectl-annotate',
        operation: 'Update',
        fieldsV1: {
          'f:metadata': {
            'f:annotations': { 'f:istio-backstage.io/owner': {} },
          },
        },
      }),
    ]);
  });

  it('answers NotFound for an unknown namespace object and deletes what it stored', async () => {
    const missing = await kubectl(['get', 'namespace', 'no-such-namespace']);
    expect(missing.stderr).toContain(
      'namespaces "no-such-namespace" not found',
    );
    const deleted = await kubectl([
      'delete',
      'sidecar',
      'default',
      '-n',
      'istio-demo',
    ]);
    expect(deleted.stdout).toContain(
      'sidecar.networking.istio.io "default" deleted',
    );
  });
});
