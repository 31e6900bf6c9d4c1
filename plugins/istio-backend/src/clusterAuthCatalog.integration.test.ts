// Clusters from the catalog (`catalog` locator): Resource entities of type
// kubernetes-cluster, read by the real backend plugin through the catalog it is given,
// with the user's OIDC token or the backend's AWS keys, against a demo cluster that
// checks both. Entities that cannot be used are listed with the reason.
import type { Entity } from '@backstage/catalog-model';
import {
  createOidcTestIssuer,
  startDemoCluster,
  type DemoCluster,
} from '@istio-backstage/demo-cluster';
import type {
  IstioClustersResponse,
  IstioMeshConfigResponse,
  IstioSidecarMemoryResponse,
} from '@istio-backstage/plugin-istio-common';
import { bookinfoEntities } from './__testUtils__/bookinfoEntities';
import {
  authScenario,
  awsEnv,
  awsTestKeys,
  awsTokenSecrets,
  BackendTranscript,
  errorsOf,
  setEnv,
  startAuthTestBackend,
  watchAwsTokens,
} from './__testUtils__/clusterAuthBackend';

jest.setTimeout(60_000);

const issuer = createOidcTestIssuer();
const aliceToken = issuer.sign({ sub: 'alice' });
const awsKeys = awsTestKeys();
const alice = { kubernetesAuth: { oidc: { demo: aliceToken } } };

const transcript = new BackendTranscript();
let demo: DemoCluster;
let consoleCapture: { restore(): void };
let restoreEnv: () => void;
const awsTokens: string[] = [];

/** A kubernetes-cluster Resource entity, as the Kubernetes plugin's catalog locator reads it. */
function clusterEntity(
  name: string,
  annotations: Record<string, string>,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'kubernetes.io/api-server': demo.url,
        'kubernetes.io/api-server-certificate-authority': Buffer.from(
          demo.caPem,
        ).toString('base64'),
        ...annotations,
      },
    },
    spec: { type: 'kubernetes-cluster', owner: 'group:default/platform' },
  };
}

const catalogClusters = () => [
  clusterEntity('catalog-oidc', {
    'kubernetes.io/auth-provider': 'oidc',
    'kubernetes.io/oidc-token-provider': 'demo',
  }),
  clusterEntity('catalog-eks', { 'kubernetes.io/auth-provider': 'aws' }),
  clusterEntity('catalog-bad-url', {
    'kubernetes.io/auth-provider': 'oidc',
    'kubernetes.io/oidc-token-provider': 'demo',
    'kubernetes.io/api-server': 'not a url',
  }),
  clusterEntity('catalog-sa', {
    'kubernetes.io/auth-provider': 'serviceAccount',
  }),
];

const startWithCatalog = (locator: Record<string, unknown>) =>
  startAuthTestBackend({
    transcript,
    kubernetes: {
      serviceLocatorMethod: { type: 'multiTenant' },
      clusterLocatorMethods: [{ type: 'catalog', ...locator }],
    },
    entities: [...bookinfoEntities, ...catalogClusters()],
  });

beforeAll(async () => {
  consoleCapture = transcript.captureConsole();
  restoreEnv = setEnv(awsEnv(awsKeys));
  demo = await startDemoCluster({
    scenario: authScenario({
      aws: [
        {
          ...awsKeys,
          clusterId: 'catalog-eks',
          user: 'arn:aws:iam::111122223333:role/backstage',
          role: 'read',
        },
      ],
      oidc: {
        issuer: issuer.issuer,
        audience: issuer.audience,
        publicKeyPem: issuer.publicKeyPem,
        users: { [`${issuer.issuer}#alice`]: { role: 'read' } },
      },
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

describe('catalog locator', () => {
  it('lists the catalog clusters it can use, and the others with their reason', async () => {
    const { backend, get } = await startWithCatalog({
      dangerouslyAllowClusterUrls: ['127.0.0.1'],
    });
    const res = await get('/api/istio/clusters');
    expect(res.status).toBe(200);
    const body = res.body as IstioClustersResponse;
    expect(body.items).toEqual([
      expect.objectContaining({
        name: 'catalog-oidc',
        authProvider: 'oidc',
        oidcTokenProvider: 'demo',
      }),
      expect.objectContaining({ name: 'catalog-eks', authProvider: 'aws' }),
    ]);
    expect(body.unusable).toEqual([
      {
        name: 'catalog-bad-url',
        source: 'resource:default/catalog-bad-url',
        reason: 'the api-server annotation is not an absolute URL',
      },
      {
        name: 'catalog-sa',
        source: 'resource:default/catalog-sa',
        reason: expect.stringMatching(
          /cannot use the 'serviceAccount' auth provider/,
        ),
      },
    ]);
    // Said once in the log too, with the reason.
    expect(transcript.logLines.join('\n')).toMatch(
      /skip cluster 'catalog-bad-url' \(resource:default\/catalog-bad-url\): the api-server annotation is not an absolute URL/,
    );
    // An unusable cluster is not a cluster to ask for.
    expect(
      (await get('/api/istio/mesh-config?cluster=catalog-bad-url')).status,
    ).toBe(404);
    await backend.stop();
  });

  it('reads the catalog clusters with the user’s OIDC token and the backend’s AWS keys', async () => {
    const watch = watchAwsTokens();
    try {
      const { backend, get } = await startWithCatalog({
        dangerouslyAllowClusterUrls: ['127.0.0.1'],
      });
      const res = await get('/api/istio/mesh-config', alice);
      expect(res.status).toBe(200);
      const body = res.body as IstioMeshConfigResponse;
      for (const cluster of ['catalog-oidc', 'catalog-eks']) {
        expect(errorsOf(body, cluster)).toEqual([]);
        expect(body.items.find(i => i.cluster === cluster)).toMatchObject({
          istioInstalled: 'yes',
          kubernetesVersion: 'v1.33.2',
        });
      }
      expect(body.items.map(i => i.cluster).sort()).toEqual([
        'catalog-eks',
        'catalog-oidc',
      ]);

      // Without the user's token the OIDC cluster needs a sign-in; AWS still answers.
      const anonymous = (await get('/api/istio/mesh-config'))
        .body as IstioMeshConfigResponse;
      expect(errorsOf(anonymous, 'catalog-eks')).toEqual([]);
      const signIn = errorsOf(anonymous, 'catalog-oidc');
      expect(signIn.length).toBeGreaterThan(0);
      for (const error of signIn)
        expect(error.message).toMatch(/sign in with 'demo'/);

      const memory = await get(
        '/api/istio/sidecar-memory?entityRef=component:default/productpage',
        alice,
      );
      expect(memory.status).toBe(200);
      const answer = memory.body as IstioSidecarMemoryResponse;
      expect(answer.errors).toEqual([]);
      expect(
        answer.items.find(i => i.cluster === 'catalog-oidc')?.proxies.length,
      ).toBeGreaterThan(0);
      await backend.stop();
    } finally {
      awsTokens.push(...(await watch.stop()));
    }
    expect(awsTokens.length).toBeGreaterThan(0);
  });

  it('refuses a loopback API server unless dangerouslyAllowClusterUrls lists it', async () => {
    const { backend, get } = await startWithCatalog({});
    const body = (await get('/api/istio/clusters'))
      .body as IstioClustersResponse;
    expect(body.items).toEqual([]);
    expect(body.unusable).toEqual(
      expect.arrayContaining(
        ['catalog-oidc', 'catalog-eks'].map(name => ({
          name,
          source: `resource:default/${name}`,
          reason: expect.stringMatching(
            /host '127\.0\.0\.1' is not a public address \(allow it in the catalog locator's dangerouslyAllowClusterUrls\)/,
          ),
        })),
      ),
    );
    await backend.stop();
  });
});

it('leaves no token or secret in any answer, log line or console output', () => {
  expect(transcript.logLines.join('\n')).toMatch(/Istio plugin configured/);
  expect(
    transcript.leaks({
      "alice's JWT": aliceToken,
      "alice's JWT (signature)": aliceToken.split('.')[2],
      'AWS secret access key': awsKeys.secretAccessKey,
      ...awsTokenSecrets(awsTokens),
    }),
  ).toEqual([]);
});
