// Server-side cluster credentials end to end: the real backend plugin, configured as a
// user configures the Kubernetes plugin, against a demo cluster that checks them —
// service account tokens (configured, and the in-cluster token file), AWS IAM (EKS-style
// tokens signed from the environment's keys) and `kubectl proxy` (localKubectlProxy).
// No secret may appear in any answer or log line.
import {
  startDemoCluster,
  type DemoCluster,
} from '@istio-backstage/demo-cluster';
import type {
  IstioClustersResponse,
  IstioMeshConfigResponse,
  IstioSidecarMemoryResponse,
} from '@istio-backstage/plugin-istio-common';
import fs from 'node:fs';
import {
  authScenario,
  awsEnv,
  awsTestKeys,
  awsTokenSecrets,
  BackendTranscript,
  demoClusterEntry,
  errorsOf,
  secret,
  setEnv,
  startAuthTestBackend,
  watchAwsTokens,
} from './__testUtils__/clusterAuthBackend';
import {
  IN_CLUSTER_TOKEN_PATH,
  startKubectlProxy,
  writeInClusterToken,
} from './__testUtils__/localClusterAccess';

jest.setTimeout(60_000);

const PRODUCTPAGE =
  '/api/istio/sidecar-memory?entityRef=component:default/productpage';

const configuredToken = secret('configured-sa-token');
const inClusterToken = secret('in-cluster-sa-token');
const proxyToken = secret('kubectl-proxy-token');
const awsKeys = awsTestKeys();
/** Every `k8s-aws-v1.` token the backend made (learnt from the strategy itself). */
const awsTokens: string[] = [];

const transcript = new BackendTranscript();
let demo: DemoCluster;
let consoleCapture: { restore(): void };

/** The `kubernetes` config of one `config` locator with these clusters. */
const configLocator = (clusters: Record<string, unknown>[]) => ({
  serviceLocatorMethod: { type: 'multiTenant' },
  clusterLocatorMethods: [{ type: 'config', clusters }],
});

beforeAll(async () => {
  consoleCapture = transcript.captureConsole();
  demo = await startDemoCluster({
    scenario: authScenario({
      tokens: [
        {
          token: configuredToken,
          user: 'system:serviceaccount:backstage:configured',
          role: 'read',
        },
        {
          token: inClusterToken,
          user: 'system:serviceaccount:backstage:in-cluster',
          role: 'read',
        },
        { token: proxyToken, user: 'kubectl-proxy-user', role: 'read' },
      ],
      aws: [
        {
          ...awsKeys,
          clusterId: 'eks-demo',
          user: 'arn:aws:iam::111122223333:role/backstage',
          role: 'read',
        },
      ],
    }),
    port: 0,
    metricsPort: 0,
  });
});
afterAll(async () => {
  await demo?.stop();
  consoleCapture?.restore();
});

/** Asserts that mesh-config answers with the cluster's mesh and no error. */
async function expectMeshOf(
  get: Awaited<ReturnType<typeof startAuthTestBackend>>['get'],
  cluster: string,
) {
  const res = await get(`/api/istio/mesh-config?cluster=${cluster}`);
  expect(res.status).toBe(200);
  const body = res.body as IstioMeshConfigResponse;
  expect(errorsOf(body, cluster)).toEqual([]);
  expect(body.items).toEqual([
    expect.objectContaining({
      cluster,
      istioInstalled: 'yes',
      kubernetesVersion: 'v1.33.2',
    }),
  ]);
}

describe('serviceAccount', () => {
  it('reads with the configured token: mesh-config and sidecar-memory', async () => {
    const { backend, get } = await startAuthTestBackend({
      transcript,
      kubernetes: configLocator([
        demoClusterEntry('sa', demo, {
          authProvider: 'serviceAccount',
          serviceAccountToken: configuredToken,
        }),
      ]),
    });
    await expectMeshOf(get, 'sa');
    const memory = await get(PRODUCTPAGE);
    expect(memory.status).toBe(200);
    const body = memory.body as IstioSidecarMemoryResponse;
    expect(body.errors).toEqual([]);
    expect(body.items).toEqual([
      expect.objectContaining({ cluster: 'sa', namespace: 'istio-demo' }),
    ]);
    expect(body.items[0].proxies.length).toBeGreaterThan(0);
    await backend.stop();
  });

  const tokenFileExists = fs.existsSync(IN_CLUSTER_TOKEN_PATH);
  const noTokenCluster = () =>
    configLocator([
      demoClusterEntry('sa-in-cluster', demo, {
        authProvider: 'serviceAccount',
      }),
    ]);

  /** The demo cluster answers the token read from the file (created here, then removed). */
  async function readsTheTokenFile() {
    const { backend, get } = await startAuthTestBackend({
      transcript,
      kubernetes: noTokenCluster(),
    });
    // No file yet: a credential error that says what is missing, for that cluster only.
    const before = await get('/api/istio/mesh-config?cluster=sa-in-cluster');
    expect(before.status).toBe(200);
    const missing = errorsOf(before.body, 'sa-in-cluster');
    expect(missing.length).toBeGreaterThan(0);
    for (const error of missing) {
      expect(error.errorType).toBe('Unauthorized');
      expect(error.message).toMatch(/no 'serviceAccount' credential: ENOENT/);
    }

    const file = writeInClusterToken(inClusterToken);
    try {
      await expectMeshOf(get, 'sa-in-cluster');
    } finally {
      file.remove();
    }
    expect(fs.existsSync(IN_CLUSTER_TOKEN_PATH)).toBe(false);
    await backend.stop();
  }

  /** The file exists (not ours): only that it was read and its token sent. */
  async function attemptsTheTokenFile() {
    const { backend, get } = await startAuthTestBackend({
      transcript,
      kubernetes: noTokenCluster(),
    });
    const res = await get('/api/istio/mesh-config?cluster=sa-in-cluster');
    expect(res.status).toBe(200);
    // The demo cluster answers or refuses that token, but no error says the
    // credential could not be had.
    for (const error of errorsOf(res.body, 'sa-in-cluster'))
      expect(error.message).not.toMatch(/credential:/);
    await backend.stop();
  }

  // The machine is left as it was found: the file exists after the test only if it did before.
  if (tokenFileExists)
    it(`without a configured token attempts ${IN_CLUSTER_TOKEN_PATH} (the file exists on this machine and is left alone: only the attempt is checked)`, async () => {
      await attemptsTheTokenFile();
      expect(fs.existsSync(IN_CLUSTER_TOKEN_PATH)).toBe(true);
    });
  else
    it(`without a configured token reads ${IN_CLUSTER_TOKEN_PATH} (created for the test, then removed)`, async () => {
      await readsTheTokenFile();
      expect(fs.existsSync(IN_CLUSTER_TOKEN_PATH)).toBe(false);
    });
});

describe('aws', () => {
  let restoreEnv: () => void;
  beforeAll(() => {
    restoreEnv = setEnv(awsEnv(awsKeys));
  });
  afterAll(() => restoreEnv?.());

  it('signs for the cluster name; a token signed for another cluster id is refused (401)', async () => {
    const watch = watchAwsTokens();
    try {
      const { backend, get } = await startAuthTestBackend({
        transcript,
        kubernetes: configLocator([
          demoClusterEntry('eks-demo', demo, { authProvider: 'aws' }),
          demoClusterEntry('eks-other', demo, {
            authProvider: 'aws',
            authMetadata: { 'kubernetes.io/x-k8s-aws-id': 'other-cluster' },
          }),
        ]),
      });
      const res = await get('/api/istio/mesh-config');
      expect(res.status).toBe(200);
      const body = res.body as IstioMeshConfigResponse;
      expect(errorsOf(body, 'eks-demo')).toEqual([]);
      expect(body.items.find(i => i.cluster === 'eks-demo')).toMatchObject({
        istioInstalled: 'yes',
      });
      const refused = errorsOf(body, 'eks-other');
      expect(refused.length).toBeGreaterThan(0);
      for (const error of refused)
        expect(error).toMatchObject({
          errorType: 'Unauthorized',
          message: expect.stringContaining('401'),
        });
      expect(body.items.find(i => i.cluster === 'eks-other')).not.toMatchObject(
        { istioInstalled: 'yes' },
      );

      const memory = await get(PRODUCTPAGE);
      expect(memory.status).toBe(200);
      const answer = memory.body as IstioSidecarMemoryResponse;
      expect(errorsOf(answer, 'eks-demo')).toEqual([]);
      expect(
        answer.items.find(i => i.cluster === 'eks-demo')?.proxies.length,
      ).toBeGreaterThan(0);
      expect(errorsOf(answer, 'eks-other')).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ errorType: 'Unauthorized' }),
        ]),
      );
      await backend.stop();
    } finally {
      awsTokens.push(...(await watch.stop()));
    }
    expect(awsTokens.length).toBeGreaterThan(0);
    for (const token of awsTokens) expect(token).toMatch(/^k8s-aws-v1\./);
  });
});

describe('localKubectlProxy', () => {
  it('reaches the cluster named local through kubectl proxy on 127.0.0.1:8001', async () => {
    const proxy = await startKubectlProxy(demo, proxyToken);
    try {
      const { backend, get } = await startAuthTestBackend({
        transcript,
        kubernetes: {
          serviceLocatorMethod: { type: 'multiTenant' },
          clusterLocatorMethods: [{ type: 'localKubectlProxy' }],
        },
      });
      const clusters = await get('/api/istio/clusters');
      expect(clusters.status).toBe(200);
      expect(clusters.body as IstioClustersResponse).toEqual({
        items: [
          expect.objectContaining({
            name: 'local',
            authProvider: 'localKubectlProxy',
          }),
        ],
        unusable: [],
      });
      await expectMeshOf(get, 'local');
      await backend.stop();
    } finally {
      await proxy.stop();
    }
  });
});

it('leaves no token or secret in any answer, log line or console output', () => {
  // The capture works: the backend's own start-up line is there.
  expect(transcript.logLines.join('\n')).toMatch(/Istio plugin configured/);
  expect(awsTokens.length).toBeGreaterThan(0);
  expect(
    transcript.leaks({
      'configured service account token': configuredToken,
      'in-cluster service account token': inClusterToken,
      'kubectl proxy token': proxyToken,
      'AWS secret access key': awsKeys.secretAccessKey,
      ...awsTokenSecrets(awsTokens),
    }),
  ).toEqual([]);
});
