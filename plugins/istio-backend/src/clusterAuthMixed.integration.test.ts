// A configuration with every auth provider and locator the Kubernetes plugin has, some
// of them unusable or failing here: the real backend plugin starts, lists what it can
// use and why it cannot use the rest, and answers for the clusters that work while
// each other cluster gets its own clear error. Nothing leaves the machine: the cloud
// credential lookups are made to fail at once, and every connection is watched.
import {
  startDemoCluster,
  type DemoCluster,
} from '@istio-backstage/demo-cluster';
import type {
  IstioClustersResponse,
  IstioMeshConfigResponse,
  IstioSidecarMemoryResponse,
} from '@istio-backstage/plugin-istio-common';
import dns from 'node:dns';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
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
import { assertPortFree } from './__testUtils__/localClusterAccess';

jest.setTimeout(60_000);

const serviceAccountToken = secret('sa-token');
const awsKeys = awsTestKeys();
const awsTokens: string[] = [];

/**
 * Cloud credential lookups that fail at once, without a network call: Google's
 * application default credentials read a file that does not exist (and so never ask
 * the GCE metadata server), and Azure's DefaultAzureCredential tries only the
 * environment credential, which has nothing to use (no managed identity probe of
 * 169.254.169.254, no CLI).
 */
const offlineCloudEnv = {
  GOOGLE_APPLICATION_CREDENTIALS: path.join(
    os.tmpdir(),
    `no-such-dir-${secret('gcp')}`,
    'credentials.json',
  ),
  AZURE_TOKEN_CREDENTIALS: 'EnvironmentCredential',
  ...Object.fromEntries(
    [
      'AZURE_TENANT_ID',
      'AZURE_CLIENT_ID',
      'AZURE_CLIENT_SECRET',
      'AZURE_CLIENT_CERTIFICATE_PATH',
      'AZURE_CLIENT_CERTIFICATE_PASSWORD',
      'AZURE_CLIENT_SEND_CERTIFICATE_CHAIN',
      'AZURE_USERNAME',
      'AZURE_PASSWORD',
      'AZURE_FEDERATED_TOKEN_FILE',
      'AZURE_AUTHORITY_HOST',
      'IDENTITY_ENDPOINT',
      'IDENTITY_HEADER',
      'MSI_ENDPOINT',
      'MSI_SECRET',
      'IMDS_ENDPOINT',
    ].map(key => [key, undefined]),
  ),
};

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
const originalConnect = net.Socket.prototype.connect;

/** The host (or socket path) of a `Socket.connect` call, in any of its forms. */
function connectTarget(args: unknown[]): string {
  // net.connect() passes its normalized arguments as one array.
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (typeof first === 'object' && first !== null) {
    const options = first as { host?: string; path?: string };
    return options.host ?? options.path ?? 'localhost';
  }
  return typeof args[1] === 'string' ? args[1] : 'localhost';
}

/** Every host a socket connects to or a name is looked up for, while watched. */
function watchConnections() {
  const hosts: string[] = [];
  const connect = jest.spyOn(net.Socket.prototype, 'connect');
  connect.mockImplementation(function connectAndRecord(
    this: net.Socket,
    ...args: unknown[]
  ) {
    hosts.push(connectTarget(args));
    return originalConnect.apply(
      this,
      args as Parameters<typeof originalConnect>,
    );
  });
  const lookup = jest.spyOn(dns, 'lookup');
  const promisesLookup = jest.spyOn(dns.promises, 'lookup');
  return {
    /** Hosts other than loopback (names and addresses); stops watching. */
    stop(): string[] {
      const looked = [...lookup.mock.calls, ...promisesLookup.mock.calls].map(
        call => String(call[0]),
      );
      connect.mockRestore();
      lookup.mockRestore();
      promisesLookup.mockRestore();
      return [...hosts, ...looked].filter(
        h => !LOOPBACK.has(h) && !h.startsWith('/'),
      );
    },
  };
}
const transcript = new BackendTranscript();
let demo: DemoCluster;
let consoleCapture: { restore(): void };
let restoreEnv: () => void;

beforeAll(async () => {
  consoleCapture = transcript.captureConsole();
  restoreEnv = setEnv({ ...awsEnv(awsKeys), ...offlineCloudEnv });
  demo = await startDemoCluster({
    scenario: authScenario({
      tokens: [
        {
          token: serviceAccountToken,
          user: 'system:serviceaccount:backstage:reader',
          role: 'read',
        },
      ],
      aws: [
        {
          ...awsKeys,
          clusterId: 'eks',
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
  restoreEnv?.();
  consoleCapture?.restore();
});

const mixedConfig = () => ({
  serviceLocatorMethod: { type: 'multiTenant' },
  clusterLocatorMethods: [
    {
      type: 'config',
      clusters: [
        demoClusterEntry('sa', demo, {
          authProvider: 'serviceAccount',
          serviceAccountToken,
        }),
        demoClusterEntry('eks', demo, { authProvider: 'aws' }),
        demoClusterEntry('gsa', demo, { authProvider: 'googleServiceAccount' }),
        demoClusterEntry('azure', demo, { authProvider: 'azure' }),
        demoClusterEntry('google', demo, { authProvider: 'google' }),
        demoClusterEntry('aks', demo, { authProvider: 'aks' }),
        demoClusterEntry('oidc', demo, {
          authProvider: 'oidc',
          oidcTokenProvider: 'demo',
        }),
        demoClusterEntry('kerberos', demo, { authProvider: 'kerberos' }),
        { name: 'no-url', authProvider: 'serviceAccount' },
      ],
    },
    // Nothing listens on 127.0.0.1:8001 here: the cluster `local` is unreachable.
    { type: 'localKubectlProxy' },
    { type: 'gke', projectId: 'demo-project', region: 'europe-west1' },
  ],
});

/** What each failing cluster must say, and nothing else. */
const EXPECTED_FAILURES: Record<
  string,
  { errorType: string; message: RegExp }
> = {
  gsa: {
    errorType: 'Unauthorized',
    message: /^no 'googleServiceAccount' credential: [\s\S]*(ENOENT|not exist)/,
  },
  azure: {
    errorType: 'Unauthorized',
    message:
      /^no 'azure' credential: [\s\S]*EnvironmentCredential is unavailable/,
  },
  google: {
    errorType: 'Unauthorized',
    message: /^sign in with Google: this cluster uses your Google token$/,
  },
  aks: {
    errorType: 'Unauthorized',
    message: /^sign in with Microsoft: this cluster uses your AKS token$/,
  },
  oidc: {
    errorType: 'Unauthorized',
    message: /^sign in with 'demo': this cluster uses your OIDC token$/,
  },
  local: { errorType: 'Unreachable', message: /connection refused/ },
};

describe('every auth provider and locator at once', () => {
  it('starts, lists usable and unusable clusters, and answers for the working ones', async () => {
    await assertPortFree(
      8001,
      'the cluster `local` (localKubectlProxy) must be unreachable for this test',
    );
    const aws = watchAwsTokens();
    const connections = watchConnections();
    const started = Date.now();
    try {
      const { backend, get } = await startAuthTestBackend({
        transcript,
        kubernetes: mixedConfig(),
      });

      const clusters = await get('/api/istio/clusters');
      expect(clusters.status).toBe(200);
      const listed = clusters.body as IstioClustersResponse;
      expect(listed.items.map(c => [c.name, c.authProvider])).toEqual([
        ['sa', 'serviceAccount'],
        ['eks', 'aws'],
        ['gsa', 'googleServiceAccount'],
        ['azure', 'azure'],
        ['google', 'google'],
        ['aks', 'aks'],
        ['oidc', 'oidc'],
        ['local', 'localKubectlProxy'],
      ]);
      expect(listed.unusable).toEqual([
        {
          name: 'kerberos',
          source: 'kubernetes.clusterLocatorMethods[0].clusters[7]',
          reason: expect.stringMatching(
            /^unknown auth provider 'kerberos'; the Kubernetes plugin knows serviceAccount, aws, /,
          ),
        },
        {
          name: 'no-url',
          source: 'kubernetes.clusterLocatorMethods[0].clusters[8]',
          reason: expect.stringMatching(
            /^Missing required config value at 'kubernetes\.clusterLocatorMethods\[0\]\.clusters\[8\]\.url'/,
          ),
        },
        {
          name: 'gke:demo-project',
          source: 'kubernetes.clusterLocatorMethods[2]',
          reason: expect.stringMatching(/^GKE cluster discovery calls Google/),
        },
      ]);

      const res = await get('/api/istio/mesh-config');
      expect(res.status).toBe(200);
      const body = res.body as IstioMeshConfigResponse;
      for (const cluster of ['sa', 'eks']) {
        expect(errorsOf(body, cluster)).toEqual([]);
        expect(body.items.find(i => i.cluster === cluster)).toMatchObject({
          istioInstalled: 'yes',
        });
      }
      for (const [cluster, expected] of Object.entries(EXPECTED_FAILURES)) {
        const errors = errorsOf(body, cluster);
        expect({ cluster, count: errors.length > 0 }).toEqual({
          cluster,
          count: true,
        });
        for (const error of errors)
          expect(error).toEqual({
            cluster,
            source: expect.any(String),
            errorType: expected.errorType,
            message: expect.stringMatching(expected.message),
          });
        expect(body.items.find(i => i.cluster === cluster)).not.toMatchObject({
          istioInstalled: 'yes',
        });
      }
      // Every cluster is accounted for, and no unusable one is asked.
      const answered = new Set([
        ...body.items.map(i => i.cluster),
        ...body.errors.map(e => e.cluster),
      ]);
      expect([...answered].sort()).toEqual(
        listed.items.map(c => c.name).sort(),
      );

      const memory = await get(
        '/api/istio/sidecar-memory?entityRef=component:default/productpage',
      );
      expect(memory.status).toBe(200);
      const answer = memory.body as IstioSidecarMemoryResponse;
      for (const cluster of ['sa', 'eks']) {
        expect(errorsOf(answer, cluster)).toEqual([]);
        expect(
          answer.items.find(i => i.cluster === cluster)?.proxies.length,
        ).toBeGreaterThan(0);
      }
      for (const cluster of Object.keys(EXPECTED_FAILURES))
        expect(errorsOf(answer, cluster).length).toBeGreaterThan(0);
      await backend.stop();
    } finally {
      awsTokens.push(...(await aws.stop()));
      const outside = connections.stop();
      expect(outside).toEqual([]);
    }
    // Every failure was immediate: no credential lookup waited on a network.
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

it('leaves no token or secret in any answer, log line or console output', () => {
  expect(transcript.logLines.join('\n')).toMatch(/Istio plugin configured/);
  expect(awsTokens.length).toBeGreaterThan(0);
  expect(
    transcript.leaks({
      'service account token': serviceAccountToken,
      'AWS secret access key': awsKeys.secretAccessKey,
      ...awsTokenSecrets(awsTokens),
    }),
  ).toEqual([]);
});
